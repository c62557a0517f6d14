#!/usr/bin/env python3
"""Third-party PHI development corpus: build it, label it, score pretense on it.

    bench/phi_corpus.py build [--mirror DIR] [--out DIR]   extract the corpus (default /tmp/phicorpus)
    bench/phi_corpus.py score [--out DIR] [--mode standard|strict] [--pretense BIN] [--json FILE]

The corpus is made of synthetic patient data that other people generated
(sources and licences: docs/phi.md, "Development corpus"). Nothing of it is
committed: `build` extracts it from git checkouts of the source repositories
(MIRROR/<owner>+<name>/repo, as the fetch tool leaves them, or clones from
GitHub when absent) into OUT, one directory per format.

Ground truth comes from the formats' own structure, read by the labeller in
this file, which shares no code and no word list with pretense's rules:
HL7 v2 field positions (PID-5 is a name, PID-19 an SSN), FHIR element paths
(Patient.telecom[system=phone].value), the column headers of Synthea's CSV
schema and C-CDA's recordTarget/patientRole. Values that are PHI but that we
do not ask for (every Observation date of a Synthea bundle, a reference's
display name) are labelled neutral: finding them is neither a hit nor a
false positive.

Scoring is by value per file: a finding is a true positive when its value
and a labelled value contain one another (after normalising case, and
digits only for dates and phones). Recall is per (format, type) over the
distinct labelled values of each file; precision is per format and per the
type the finding claims.
"""
import argparse
import ast
import html
import csv
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

from corpuslib import git_ls, scan_findings, write

REPOS = {
    "hl7py": "johnpaulett/python-hl7",
    "hl7ex": "HCA-Healthcare/elixir-hl7",
    "hapi": "hapifhir/hapi-hl7v2",
    "smart": "smart-on-fhir/generated-sample-data",
    "fhirtc": "FHIR/fhir-test-cases",
    "synthcsv": "AgustinCicognini/syntea_data",
    "ccda": "HL7/C-CDA-Examples",
}


def repo_dir(mirror, key):
    name = REPOS[key]
    d = os.path.join(mirror, name.replace("/", "+"), "repo")
    if os.path.isdir(d):
        return d
    d = os.path.join(mirror, name.replace("/", "+") + ".git")
    if not os.path.isdir(d):
        subprocess.run(["git", "clone", "--bare", "--depth", "1", "https://github.com/" + name, d], check=True)
    return d


def git_show(d, path):
    r = subprocess.run(["git", "-C", d, "show", "HEAD:" + path], capture_output=True)
    return r.stdout if r.returncode == 0 else None


# ---------------------------------------------------------------- build

def build_hl7(mirror, out):
    n = 0
    # python-hl7: messages are string constants in tests/samples.py.
    d = repo_dir(mirror, "hl7py")
    src = git_show(d, "tests/samples.py").decode()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute):
            call = node.value
            if call.func.attr == "join" and isinstance(call.func.value, ast.Constant) and call.args and isinstance(call.args[0], ast.List):
                parts = [e.value for e in call.args[0].elts if isinstance(e, ast.Constant)]
                msg = call.func.value.value.join(parts)
                if msg.startswith("MSH|"):
                    write(out, "hl7", "python-hl7_%s.hl7" % node.targets[0].id, msg)
                    n += 1
    # elixir-hl7: heredocs in lib/hl7/examples.ex, shipped with CR endings.
    d = repo_dir(mirror, "hl7ex")
    src = git_show(d, "lib/hl7/examples.ex").decode()
    for i, m in enumerate(re.finditer(r'"""\n(.*?)"""', src, re.S)):
        body = m.group(1)
        if "MSH|" not in body:
            continue
        lines = [l.strip() for l in body.strip("\n").split("\n")]
        msg = "\r".join(lines).replace("\\\\", "\\") + "\r"
        write(out, "hl7", "elixir-hl7_example%d.hl7" % i, msg)
        n += 1
    # HAPI: test resource files; messages.txt holds many, blank-line separated.
    d = repo_dir(mirror, "hapi")
    for path, size in git_ls(d, prefix="hapi-test/src/test/resources"):
        if size > 60000 or not re.search(r"\.(hl7|txt)$", path):
            continue
        data = git_show(d, path).decode("utf-8", "replace")
        msgs = [m for m in re.split(r"\n\s*\n", data.replace("\r\n", "\n").replace("\r", "\n")) if m.lstrip().startswith("MSH|")]
        for j, m in enumerate(msgs):
            segs = [s for s in m.strip().split("\n") if s]
            # as shipped by a feed: CR segment terminators; every third with CRLF, to cover both.
            sep = "\r\n" if (n % 3 == 2) else "\r"
            write(out, "hl7", "hapi_%s_%d.hl7" % (os.path.basename(path), j), sep.join(segs) + sep)
            n += 1
    return n


def build_fhir(mirror, out, bundles=24):
    n = 0
    d = repo_dir(mirror, "smart")
    files = sorted(p for p, s in git_ls(d, prefix="R4/SYNTHEA") if p.endswith(".json") and s < 1500000)
    patients = []
    for p in files[:bundles]:
        data = git_show(d, p)
        write(out, "fhir", "synthea_" + os.path.basename(p), data)
        n += 1
        for e in json.loads(data).get("entry", []):
            if e.get("resource", {}).get("resourceType") == "Patient":
                patients.append(e["resource"])
    # A bulk-export NDJSON of the patients of the bundles after those.
    for p in files[bundles:bundles + 12]:
        for e in json.loads(git_show(d, p)).get("entry", []):
            r = e.get("resource", {})
            if r.get("resourceType") in ("Patient", "Encounter"):
                patients.append(r)
    write(out, "fhir", "synthea_bulk_Patient.ndjson", "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in patients[bundles:]))
    n += 1
    d = repo_dir(mirror, "fhirtc")
    for path, size in git_ls(d):
        if size > 200000 or not re.match(r"r[45]/(examples/)?[^/]*\.(json|xml)$", path):
            continue
        base = os.path.basename(path).lower()
        if not re.match(r"(patient|relatedperson|person|coverage|bundle)", base):
            continue
        data = git_show(d, path)
        if b"Patient" not in data:
            continue
        write(out, "fhir", "fhir-test-cases_" + path.replace("/", "_"), data)
        n += 1
    return n


def build_tabular(mirror, out, rows=150):
    d = repo_dir(mirror, "synthcsv")
    n = 0
    tables = {}
    for name in ("patients", "organizations", "providers", "payers"):
        raw = git_show(d, name + ".csv").decode("utf-8-sig")
        lines = raw.splitlines()[: rows + 1]
        write(out, "csv", "synthea_%s_semicolon.csv" % name, "\n".join(lines) + "\n")
        recs = list(csv.reader(lines, delimiter=";"))
        tables[name] = recs
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(recs)
        write(out, "csv", "synthea_%s.csv" % name, buf.getvalue())
        buf = io.StringIO()
        csv.writer(buf, delimiter="\t", lineterminator="\n").writerows(recs)
        write(out, "csv", "synthea_%s.tsv" % name, buf.getvalue())
        n += 3
    # SQL seeds of the same rows: multi-row INSERTs of 80 rows, single-row
    # INSERTs, and a COPY ... FROM stdin block (pg_dump's shape).
    def lit(v):
        return "NULL" if v == "" else "'" + v.replace("'", "''") + "'"
    for name, recs in tables.items():
        head, body = recs[0], recs[1:]
        cols = ", ".join(h.lower() for h in head)
        sql = ["-- %s seed\n" % name]
        for i in range(0, len(body), 80):
            sql.append("INSERT INTO %s (%s) VALUES\n" % (name, cols))
            sql.append(",\n".join("  (" + ", ".join(lit(v) for v in r) + ")" for r in body[i:i + 80]) + ";\n")
        write(out, "sql", "synthea_%s_multirow.sql" % name, "".join(sql))
        single = "".join("INSERT INTO public.%s (%s) VALUES (%s);\n" % (name, cols, ", ".join(lit(v) for v in r)) for r in body[:60])
        write(out, "sql", "synthea_%s_single.sql" % name, single)
        copy = "COPY public.%s (%s) FROM stdin;\n" % (name, cols) + "".join(
            "\t".join(v if v else "\\N" for v in r) + "\n" for r in body[:60]) + "\\.\n"
        write(out, "sql", "synthea_%s_copy.sql" % name, copy)
        n += 3
    return n


def build_ccda(mirror, out):
    d = repo_dir(mirror, "ccda")
    n = 0
    for path, size in git_ls(d):
        if not path.lower().endswith(".xml") or size > 400000:
            continue
        data = git_show(d, path)
        if b"<patientRole" not in data:
            continue
        write(out, "ccda", path.replace("/", "_"), data)
        n += 1
    return n


# ---------------------------------------------------------------- label
# Labels: (type, value, counted). counted=False marks neutral values.

DATE_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")


def real_date(v):
    import datetime
    v = v.strip()
    m = DATE_RE.match(v)
    if not m:
        m2 = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", v)
        if not m2:
            return False
        y, mo, da = int(m2.group(3)), int(m2.group(1)), int(m2.group(2))
    else:
        y, mo, da = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        datetime.date(y, mo, da)
    except ValueError:
        return False
    return 1850 <= y <= 2100


def date_label(typ, v):
    if not isinstance(v, str):
        return []
    v = v.strip()
    if not v:
        return []
    return [(typ, v[:10] if "-" in v[:10] else v[:8], real_date(v))]


def hl7_labels(text):
    labels = []
    segs = [s for s in re.split(r"\r\n|\r|\n", text) if s]
    if not segs or not segs[0].startswith("MSH"):
        return labels
    fs = segs[0][3]
    enc = segs[0].split(fs)[1] if len(segs[0].split(fs)) > 1 else "^~\\&"
    cs, rs = enc[0], enc[1] if len(enc) > 1 else "~"

    def field(f, i):
        return f[i] if i < len(f) else ""

    def reps(v):
        return [r for r in v.split(rs) if r] if v else []

    def comps(v):
        return v.split(cs)

    def add(typ, v, counted=True):
        v = v.strip()
        if v and v.strip('"') and len(v) > 1:
            labels.append((typ, v, counted))

    def name(v, counted=True):
        for r in reps(v):
            c = comps(r)
            for k in (0, 1, 2):
                if k < len(c):
                    add("name", c[k].split("&")[0], counted)

    def addr(v):
        for r in reps(v):
            c = comps(r)
            add("street", c[0])
            if len(c) > 2:
                add("city", c[2])
            if len(c) > 4 and re.match(r"^\d{5}(-\d{4})?$", c[4]):
                add("zip", c[4])
            if len(c) > 8:
                add("county", c[8])

    def phone(v):
        for r in reps(v):
            c = comps(r)
            if c[0] and sum(ch.isdigit() for ch in c[0]) >= 7:
                add("phone", c[0])
            elif len(c) > 6 and c[5] and c[6]:
                add("phone", c[5] + c[6])
            if len(c) > 3 and "@" in c[3]:
                add("email", c[3])

    for s in segs:
        f = s.split(fs)
        seg = f[0]
        if seg == "PID":
            for i in (2, 4):
                for r in reps(field(f, i)):
                    add("mrn", comps(r)[0])
            for r in reps(field(f, 3)):
                c = comps(r)
                t = c[4] if len(c) > 4 else ""
                typ = {"SS": "ssn", "DL": "dl", "PPN": "passport", "AN": "account", "MB": "member", "MA": "member", "MC": "member"}.get(t, "mrn")
                add(typ, c[0])
            name(field(f, 5))
            name(field(f, 6))
            for l in date_label("dob", comps(field(f, 7))[0]):
                labels.append(l)
            name(field(f, 9))
            addr(field(f, 11))
            phone(field(f, 13))
            phone(field(f, 14))
            add("account", comps(field(f, 18))[0])
            add("ssn", field(f, 19))
            add("dl", comps(field(f, 20))[0])
            labels.extend(date_label("death", comps(field(f, 29))[0]))
        elif seg == "NK1":
            name(field(f, 2))
            addr(field(f, 4))
            phone(field(f, 5))
            phone(field(f, 6))
        elif seg == "GT1":
            name(field(f, 3))
            addr(field(f, 5))
            phone(field(f, 6))
            phone(field(f, 7))
            labels.extend(date_label("dob", comps(field(f, 8))[0]))
            add("ssn", field(f, 12))
        elif seg == "IN1":
            add("member", comps(field(f, 36))[0])
            name(field(f, 16))
            labels.extend(date_label("dob", comps(field(f, 18))[0]))
            addr(field(f, 19))
        elif seg == "IN2":
            add("ssn", field(f, 2))
        elif seg == "PV1":
            for r in reps(field(f, 19)):
                add("account", comps(r)[0])
            labels.extend(date_label("date", comps(field(f, 44))[0]))
            labels.extend(date_label("date", comps(field(f, 45))[0]))
        elif seg == "MRG":
            for r in reps(field(f, 1)):
                add("mrn", comps(r)[0])
    return labels


PERSONS = ("Patient", "RelatedPerson", "Person")


def _get(x, k, default=""):
    if isinstance(x, list):
        x = x[0] if x else {}
    return x.get(k, default) if isinstance(x, dict) else default


def _lst(x):
    if x is None or x == "":
        return []
    return x if isinstance(x, list) else [x]


def fhir_labels_resource(r, labels):
    rt = r.get("resourceType")

    def add(typ, v, counted=True):
        if isinstance(v, str) and v.strip():
            labels.append((typ, v.strip(), counted))

    def names(ns):
        for n in _lst(ns):
            for f in _lst(_get(n, "family")):
                add("name", f)
            for g in _lst(_get(n, "given", [])):
                add("name", g)

    if rt in PERSONS:
        names(r.get("name"))
        for t in _lst(r.get("telecom")):
            sysn = _get(t, "system", "phone")
            add({"email": "email", "url": "url"}.get(sysn, "phone"), _get(t, "value"))
        for a in _lst(r.get("address")):
            for l in _lst(_get(a, "line", [])):
                add("street", l)
            add("city", _get(a, "city"))
            add("county", _get(a, "district"))
            pc = _get(a, "postalCode")
            if isinstance(pc, str) and re.match(r"^\d{5}(-\d{4})?$", pc):
                add("zip", pc)
        labels.extend(date_label("dob", r.get("birthDate", "")))
        labels.extend(date_label("death", r.get("deceasedDateTime", "")))
        for idf in _lst(r.get("identifier")):
            system = _get(idf, "system")
            system = system if isinstance(system, str) else ""
            codes = [_get(c, "code") for c in _lst(_get(_get(idf, "type", {}), "coding", []))]
            typ = "other-id"
            if "us-ssn" in system or "SS" in codes or system.endswith("2.16.840.1.113883.4.1"):
                typ = "ssn"
            elif "MR" in codes:
                typ = "mrn"
            elif "DL" in codes:
                typ = "dl"
            elif "PPN" in codes:
                typ = "passport"
            elif "MB" in codes or "SN" in codes:
                typ = "member"
            add(typ, _get(idf, "value"))
        for ext in _lst(r.get("extension")):
            url = _get(ext, "url")
            url = url if isinstance(url, str) else ""
            if url.endswith("patient-mothersMaidenName"):
                add("name", _get(ext, "valueString"))
            if url.endswith("patient-birthPlace"):
                add("city", _get(_get(ext, "valueAddress", {}), "city"))
        for c in _lst(r.get("contact")):
            names(_get(c, "name", []))
            for t in _lst(_get(c, "telecom", [])):
                add("email" if _get(t, "system") == "email" else "phone", _get(t, "value"))
    elif rt == "Coverage":
        for idf in _lst(r.get("identifier")):
            add("member", _get(idf, "value"))
        add("member", r.get("subscriberId", ""))
    elif rt == "Encounter":
        p = r.get("period", {})
        labels.extend(date_label("date", _get(p, "start")))
        labels.extend(date_label("date", _get(p, "end")))
    # Neutral: every other date of a patient record, display names of references.
    def walk(v, key=""):
        if isinstance(v, dict):
            if "resourceType" in v and v is not r:
                return
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)
        elif isinstance(v, str):
            if re.match(r"^\d{4}-\d{2}-\d{2}", v):
                labels.append(("date", v[:10], False))
            elif key == "display" and re.search(r"[A-Z][a-z]+\d+ [A-Z]", v):
                for w in v.split():
                    labels.append(("name", w, False))
            elif key == "div":
                for w in re.findall(r"[A-Z][a-z]+\d*", v):
                    labels.append(("name", w, False))
    walk(r)


def fhir_resources(obj):
    if isinstance(obj, dict):
        if "resourceType" in obj:
            yield obj
        for k, v in obj.items():
            if k != "resourceType":
                yield from fhir_resources(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from fhir_resources(v)


def fhir_xml_to_obj(el):
    """A small FHIR XML -> JSON-like mapping: enough for the labeller."""
    tag = el.tag.split("}")[-1]
    obj = {}
    if "value" in el.attrib:
        return el.attrib["value"]
    for ch in el:
        ctag = ch.tag.split("}")[-1]
        if ctag == "div":
            obj["div"] = "".join(ch.itertext())
            continue
        val = fhir_xml_to_obj(ch)
        if ctag in ("resource", "contained") and len(ch):
            inner = ch[0]
            val = fhir_xml_to_obj(inner)
            val["resourceType"] = inner.tag.split("}")[-1]
        obj.setdefault(ctag, []).append(val)
    single = {"family", "city", "postalCode", "district", "birthDate", "deceasedDateTime", "system", "value", "code", "start", "end", "subscriberId", "url", "valueString", "valueAddress", "text"}
    for k, v in list(obj.items()):
        if k in single and len(v) == 1:
            obj[k] = v[0]
    if "type" in obj and isinstance(obj["type"], list) and obj["type"] and isinstance(obj["type"][0], dict):
        obj["type"] = obj["type"][0]
    if "period" in obj and isinstance(obj["period"], list):
        obj["period"] = obj["period"][0]
    for k in ("name",):
        if k in obj and isinstance(obj[k], list) and obj[k] and isinstance(obj[k][0], str):
            obj[k] = obj[k][0]
    return obj


def fhir_labels(text, name):
    labels = []
    docs = []
    if name.endswith(".ndjson"):
        docs = [json.loads(l) for l in text.splitlines() if l.strip()]
    elif name.endswith(".json"):
        docs = [json.loads(text)]
    else:
        root = ET.fromstring(text.encode())
        o = fhir_xml_to_obj(root)
        o["resourceType"] = root.tag.split("}")[-1]
        docs = [o]
    for d in docs:
        for r in fhir_resources(d):
            fhir_labels_resource(r, labels)
    return labels


SYNTHEA_COLS = {"FIRST": "name", "LAST": "name", "MAIDEN": "name", "BIRTHDATE": "dob", "DEATHDATE": "death",
                "SSN": "ssn", "DRIVERS": "dl", "PASSPORT": "passport", "ADDRESS": "street", "CITY": "city",
                "COUNTY": "county", "ZIP": "zip", "LAT": "geo", "LON": "geo", "ID": "other-id", "BIRTHPLACE": "city"}


def table_labels(rows):
    labels = []
    if not rows:
        return labels
    head = [h.strip().upper() for h in rows[0]]
    # A patients table: a person name next to a birth date (the schema's own shape).
    if not ("FIRST" in head and "BIRTHDATE" in head):
        return labels
    for r in rows[1:]:
        for h, v in zip(head, r):
            typ = SYNTHEA_COLS.get(h)
            v = v.strip()
            if not typ or not v or v in ("\\N", "NULL"):
                continue
            if typ in ("dob", "death"):
                labels.append((typ, v, real_date(v)))
            elif typ == "zip":
                labels.append((typ, v, bool(re.match(r"^\d{5}(-\d{4})?$", v))))
            elif typ == "city" and h == "BIRTHPLACE":
                labels.append(("city", v.split("  ")[0], True))
            else:
                labels.append((typ, v, True))
    return labels


def csv_labels(text, name):
    delim = "\t" if name.endswith(".tsv") else (";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ",")
    return table_labels(list(csv.reader(io.StringIO(text), delimiter=delim)))


def sql_labels(text):
    labels = []
    m = re.search(r"COPY \S+ \(([^)]*)\) FROM stdin;\n(.*?)\n\\\.", text, re.S)
    if m:
        rows = [[c.strip() for c in m.group(1).split(",")]] + [l.split("\t") for l in m.group(2).split("\n")]
        return table_labels(rows)
    for m in re.finditer(r"INSERT INTO \S+ \(([^)]*)\) VALUES\s*(.*?);\n", text, re.S):
        head = [c.strip() for c in m.group(1).split(",")]
        rows = [head]
        for t in re.findall(r"\((.*?)\)(?:,\n|$)", m.group(2), re.S):
            rows.append([v.strip().strip("'").replace("''", "'") if v.strip() != "NULL" else "" for v in next(csv.reader([t], skipinitialspace=True, quotechar="'"))])
        labels.extend(table_labels(rows))
    return labels


def ccda_labels(text):
    """recordTarget/patientRole of a C-CDA document (or a header snippet)."""
    labels = []
    root = ET.fromstring(text.encode())
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    roles = [root] if root.tag == "patientRole" else root.findall(".//patientRole")
    for pr in roles:
        for i in pr.findall("id"):
            ext = i.get("extension", "")
            if ext:
                labels.append(("ssn" if i.get("root") == "2.16.840.1.113883.4.1" else "mrn", ext, True))
        for a in pr.iter("addr"):
            for s in a.findall("streetAddressLine"):
                if s.text and s.text.strip():
                    labels.append(("street", s.text.strip(), True))
            for tag, typ in (("city", "city"), ("postalCode", "zip"), ("county", "county")):
                e = a.find(tag)
                if e is not None and e.text and e.text.strip():
                    labels.append((typ, e.text.strip(), typ != "zip" or bool(re.match(r"^\d{5}(-\d{4})?$", e.text.strip()))))
        for t in pr.iter("telecom"):
            v = t.get("value", "")
            if v.startswith("tel:"):
                labels.append(("phone", v[4:], True))
            elif v.startswith("mailto:"):
                labels.append(("email", v[7:], True))
        for n in pr.iter("name"):
            for part in n:
                if part.tag in ("given", "family") and part.text and part.text.strip():
                    labels.append(("name", part.text.strip(), True))
        for bt in pr.iter("birthTime"):
            v = bt.get("value", "")
            if v:
                labels.append(("dob", v[:8], real_date(v[:8])))
    return labels


def labels_for(fmt, name, text):
    if fmt == "hl7":
        return hl7_labels(text)
    if fmt == "fhir":
        return fhir_labels(text, name)
    if fmt == "csv":
        return csv_labels(text, name)
    if fmt == "sql":
        return sql_labels(text)
    if fmt == "ccda":
        return ccda_labels(text)
    return []


# ---------------------------------------------------------------- score

def ftype(f):
    """The identifier type a pretense finding claims, in the labeller's names."""
    rid, ent = f.get("ruleId", ""), (f.get("entity") or "").lower()
    table = [("patient-id", "other-id"), ("geo", "geo"), ("record-date", "date"), ("ssn", "ssn"), ("itin", "ssn"), ("mrn", "mrn"), ("member", "member"), ("medicare", "member"),
             ("account", "account"), ("birth", "dob"), ("death", "death"), ("name", "name"), ("phone", "phone"),
             ("fax", "phone"), ("email", "email"), ("street", "street"), ("address", "street"), ("city", "city"),
             ("county", "county"), ("zip", "zip"), ("postal", "zip"), ("driver", "dl"), ("passport", "passport"),
             ("date", "date"), ("url", "url"), ("ip", "ip")]
    for k, t in table:
        if k in rid or k in ent:
            return t
    return rid


def norm(typ, v):
    v = html.unescape(v.strip().lower().replace("''", "'"))
    if typ in ("dob", "death", "date", "phone"):
        return re.sub(r"\D", "", v)
    return re.sub(r"\s+", " ", v)


def contains(a, b):
    return bool(a) and bool(b) and (a in b or (b in a and len(b) >= 3))


def score(args):
    out = args.out
    binp = args.pretense
    if not binp:
        binp = "/tmp/pretense-phi-bench"
        subprocess.run(["go", "build", "-o", binp, "./cmd/pretense"], cwd=os.path.join(os.path.dirname(__file__), ".."), check=True)
    rec = defaultdict(lambda: [0, 0])      # (fmt, type) -> [found, total]
    prec = defaultdict(lambda: [0, 0])     # (fmt, claimed type) -> [tp, all]
    misses = defaultdict(list)
    fps = defaultdict(list)
    for fmt in sorted(os.listdir(out)):
        fdir = os.path.join(out, fmt)
        if not os.path.isdir(fdir):
            continue
        byfile = defaultdict(list)
        for f in scan_findings(binp, fdir, "--phi-mode=" + args.mode):
            if f.get("kind") == "phi":
                byfile[os.path.basename(f["path"])].append(f)
        for name in sorted(os.listdir(fdir)):
            text = open(os.path.join(fdir, name), encoding="utf-8", errors="replace").read()
            try:
                labels = labels_for(fmt, name, text)
            except (ET.ParseError, json.JSONDecodeError) as e:
                print("skip %s/%s: not well-formed (%s)" % (fmt, name, e), file=sys.stderr)
                continue
            fs = byfile.get(name, [])
            vals = [(f, ftype(f), f.get("secret") or f.get("value") or "") for f in fs]
            seen = set()
            for typ, v, counted in labels:
                if not counted or (typ, v) in seen:
                    continue
                seen.add((typ, v))
                nv = norm(typ, v)
                hit = any(contains(nv, norm(typ, fv)) or contains(norm(typ, fv), nv) for _, _, fv in vals)
                rec[(fmt, typ)][0] += hit
                rec[(fmt, typ)][1] += 1
                if not hit:
                    misses[(fmt, typ)].append("%s: %s" % (name, v))
            for f, ft, fv in vals:
                ok = any(contains(norm(t, v), norm(t, fv)) or contains(norm(t, fv), norm(t, v)) for t, v, _ in labels)
                prec[(fmt, ft)][0] += ok
                prec[(fmt, ft)][1] += 1
                if not ok:
                    fps[(fmt, ft)].append("%s:%s %s %r" % (name, f.get("line"), f.get("ruleId"), fv))
    fmts = sorted({k[0] for k in list(rec) + list(prec)})
    print("mode=%s corpus=%s" % (args.mode, out))
    print("%-6s %-9s %8s %8s %10s" % ("format", "type", "recall", "found", "precision"))
    summary = {}
    for fmt in fmts:
        types = sorted({k[1] for k in list(rec) + list(prec) if k[0] == fmt})
        tf = tt = pt = pa = 0
        for t in types:
            f, n = rec.get((fmt, t), [0, 0])
            p, a = prec.get((fmt, t), [0, 0])
            tf, tt, pt, pa = tf + f, tt + n, pt + p, pa + a
            print("%-6s %-9s %8s %8s %10s" % (fmt, t, "%.3f" % (f / n) if n else "-", "%d/%d" % (f, n) if n else "-",
                                              "%.3f (%d/%d)" % (p / a, p, a) if a else "-"))
        print("%-6s %-9s %8s %8s %10s" % (fmt, "ALL", "%.3f" % (tf / tt) if tt else "-", "%d/%d" % (tf, tt),
                                          "%.3f (%d/%d)" % (pt / pa, pt, pa) if pa else "-"))
        summary[fmt] = {"recall": tf / tt if tt else None, "precision": pt / pa if pa else None}
    if args.verbose:
        for k, v in sorted(misses.items()):
            print("MISS", k, len(v), v[:args.verbose])
        for k, v in sorted(fps.items()):
            print("FP", k, len(v), v[:args.verbose])
    if args.json:
        json.dump({"summary": summary, "recall": {"%s/%s" % k: v for k, v in rec.items()},
                   "precision": {"%s/%s" % k: v for k, v in prec.items()}}, open(args.json, "w"), indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["build", "score"])
    ap.add_argument("--mirror", default=os.environ.get("MIRROR", "/work/.mirror"))
    ap.add_argument("--out", default="/tmp/phicorpus")
    ap.add_argument("--mode", default="standard")
    ap.add_argument("--pretense", default=os.environ.get("PRETENSE", ""))
    ap.add_argument("--json", default="")
    ap.add_argument("-v", "--verbose", type=int, default=0, help="print up to N misses and false positives per type")
    args = ap.parse_args()
    if args.cmd == "build":
        counts = {"hl7": build_hl7(args.mirror, args.out), "fhir": build_fhir(args.mirror, args.out),
                  "csv+sql": build_tabular(args.mirror, args.out), "ccda": build_ccda(args.mirror, args.out)}
        print("built", args.out, counts)
    else:
        score(args)


if __name__ == "__main__":
    main()
