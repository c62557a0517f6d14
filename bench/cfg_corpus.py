#!/usr/bin/env python3
"""Third-party configuration corpus: build it, label it, score pretense's secret rules on it.

    bench/cfg_corpus.py build [--mirror DIR] [--out DIR]   extract the corpus (default /tmp/cfgcorpus)
    bench/cfg_corpus.py score [--out DIR] [--pretense BIN] [-v N] [--weak] [--json FILE]
    bench/cfg_corpus.py labels FILE...                      print the labels of corpus files (OUT/<format>/<file>)

The corpus is configuration other people wrote and published: Kubernetes
manifests, Helm values, templates and `--set` lines, Compose files and
.env files, Spring properties/YAML, .NET appsettings.json and *.config,
ECS task definitions (sources and licences: SOURCES below and
docs/secret-rules.md, "Third-party configuration corpus"). Nothing of it
is committed: `build` extracts it from git checkouts of the source
repositories (MIRROR/<owner>+<name>/repo, as the fetch tool leaves them)
into OUT, one directory per format.

Ground truth comes from each format's structure, read by the labeller in
this file, which shares no code and no word list with pretense's rules:
a scalar under a mapping key that names a credential, a Kubernetes/ECS
env record {name: X, value: Y} whose X names one, a Secret's data and
stringData entries, Compose `environment` entries, the Password/Pwd field
of a connection string, the password of a URL's userinfo, .NET
`<add key= value=>` records, `--set a.b.password=v` arguments.

Each labelled value is put in one class (policy: docs/secret-rules.md,
"Third-party configuration corpus"):
  reference    ${VAR}, $VAR, {{ .Values.x }}, #{x}, %VAR%, a path, a file
               or secret reference: not a credential (negative);
  placeholder  <your-key>, changeme, xxxx, ****, ..., ascending runs,
               words such as example/sample/dummy/test/fake/redacted/
               placeholder, a value naming its kind (my-secret-key): a
               stand-in (negative);
  hash         bcrypt/apr1/sha1 password hashes (negative);
  weak         any other literal that is short (< 12 characters) or
               readable (made of words and a few digits: `nextcloud`,
               `Pass@word1`, `my-secret-pw`): a real hard-coded value
               but one the generic rules do not set out to report;
  strong       any other literal: random-looking, 12+ characters.
Recall is over the distinct strong values of each file (the weak recall
is printed too, for information). A finding is a true positive when its
value and a strong or weak label's value contain one another; one that
matches a placeholder or reference, or no label, is a false positive.

Files are split by a hash of their name into a development half and a
held-out half (`dev`/`held`); tune on the misses of `dev` only.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

import yaml

from corpuslib import git_ls, scan_findings, write

SOURCES = {
    "awesome-compose": ("docker/awesome-compose", "CC0-1.0"),
    "k8s-examples": ("kubernetes/examples", "Apache-2.0"),
    "helm-charts": ("helm/charts", "Apache-2.0"),
    "bitnami": ("bitnami/charts", "Apache-2.0"),
    "spring-boot": ("spring-projects/spring-boot", "Apache-2.0"),
    "petclinic": ("spring-projects/spring-petclinic", "Apache-2.0"),
    "eshop": ("dotnet/eShop", "MIT"),
    "eshoponweb": ("dotnet-architecture/eShopOnWeb", "MIT"),
    "eshoponcontainers": ("dotnet-architecture/eShopOnContainers", "MIT", "b69659368"),  # HEAD is the archive notice
    "aspire-samples": ("dotnet/aspire-samples", "MIT"),
    "ecs-taskdefs": ("aws-samples/aws-containers-task-definitions", "Apache-2.0"),
    "gke-samples": ("GoogleCloudPlatform/kubernetes-engine-samples", "Apache-2.0"),
    "prometheus-charts": ("prometheus-community/helm-charts", "Apache-2.0"),
    "spring-cloud-config": ("spring-cloud/spring-cloud-config", "Apache-2.0"),
    "argo-cd": ("argoproj/argo-cd", "Apache-2.0"),
    "kustomize": ("kubernetes-sigs/kustomize", "Apache-2.0"),
    "postgres-operator": ("zalando/postgres-operator", "MIT"),
    # A secret scanner's own fixtures: only its ECS task definitions in
    # Terraform (heredoc JSON and jsonencode), the one ECS source with
    # credentials in it.
    "checkov": ("bridgecrewio/checkov", "Apache-2.0", "HEAD", r"\.tf$"),
}

MAXSIZE = 200000


def repo_dir(mirror, key):
    d = os.path.join(mirror, SOURCES[key][0].replace("/", "+"), "repo")
    if not os.path.isdir(d):
        sys.exit("missing %s: fetch github:%s first" % (d, SOURCES[key][0]))
    return d


class Blobs:
    """Reads blobs through one `git cat-file --batch` process (one `git show` per file took minutes)."""

    def __init__(self, d, ref):
        self.ref = ref
        self.p = subprocess.Popen(["git", "-C", d, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def get(self, path):
        self.p.stdin.write(("%s:%s\n" % (self.ref, path)).encode())
        self.p.stdin.flush()
        head = self.p.stdout.readline().split()
        if len(head) != 3:
            return None
        data = self.p.stdout.read(int(head[2]))
        self.p.stdout.read(1)
        return data if head[1] == b"blob" else None

    def close(self):
        self.p.stdin.close()
        self.p.wait()


# ---------------------------------------------------------------- build

def classify_path(path, data):
    """The corpus format of a repository file, or None."""
    base = os.path.basename(path).lower()
    low = path.lower()
    if re.match(r"(docker-)?compose[^/]*\.ya?ml$", base):
        return "compose"
    if base == ".env" or base.endswith(".env") or re.match(r"\.env\.[a-z]+$", base):
        return "dotenv"
    if re.match(r"(application|bootstrap)[^/]*\.(properties|ya?ml)$", base):
        return "spring"
    if re.match(r"appsettings[^/]*\.json$", base) or re.match(r"(web|app)(\.[a-z]+)?\.config$", base):
        return "dotnet"
    if (base.endswith(".json") and b'"containerDefinitions"' in data) or (base.endswith(".tf") and b"container_definitions" in data):
        return "ecs"
    if re.match(r"values[^/]*\.ya?ml$", base) and (b"\napiVersion:" not in data or b"\nkind:" not in data):
        return "helm-values"
    if "/templates/" in low and base.endswith((".yaml", ".yml", ".tpl")):
        return "helm-templates"
    if base.endswith((".yaml", ".yml")) and re.search(rb"(?m)^kind:\s", data) and re.search(rb"(?m)^apiVersion:", data):
        return "k8s"
    if base == "readme.md" and b"--set" in data:
        return "helm-set"
    return None


def set_lines(text):
    """The shell lines of a README that pass --set values, with their continuations."""
    out = []
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if "--set" not in l:
            continue
        j = i
        while j > 0 and lines[j - 1].rstrip().endswith("\\"):
            j -= 1
        k = i
        while lines[k].rstrip().endswith("\\") and k + 1 < len(lines):
            k += 1
        for m in range(j, k + 1):
            if not out or out[-1] != lines[m]:
                out.append(lines[m])
    return "\n".join(out) + "\n" if out else ""


def build(args):
    counts = defaultdict(int)
    for key in SOURCES:
        d = repo_dir(args.mirror, key)
        ref = SOURCES[key][2] if len(SOURCES[key]) > 2 else "HEAD"
        only = re.compile(SOURCES[key][3]) if len(SOURCES[key]) > 3 else None
        blobs = Blobs(d, ref)
        for path, size in git_ls(d, ref):
            if size > MAXSIZE or "/node_modules/" in path or (only and not only.search(path)):
                continue
            base = os.path.basename(path).lower()
            if not re.search(r"\.(ya?ml|json|properties|config|env|md|tpl|tf)$|(^|/)\.env", base):
                continue
            data = blobs.get(path)
            if data is None:
                continue
            fmt = classify_path(path, data)
            if fmt is None:
                continue
            if fmt == "helm-set":
                data = set_lines(data.decode("utf-8", "replace"))
                if not data:
                    continue
                path += ".sh"
            write(args.out, fmt, key + "__" + path.replace("/", "__"), data)
            counts[fmt] += 1
        blobs.close()
    print("built", args.out, dict(counts))


# ---------------------------------------------------------------- label
# The labeller's notion of a credential name, its own: the last segment of
# a key, split into lower-case words at separators and camelCase humps.

CRED_WORDS = {"password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token", "apikey", "credential",
              "credentials", "privatekey", "secretkey", "accesskey", "authkey", "signingkey", "clientsecret"}
# Words after which the name describes a credential instead of holding one.
DESCRIBING = {"name", "names", "file", "files", "path", "ref", "refs", "url", "uri", "endpoint", "length", "len", "ttl",
              "expiry", "expiration", "expires", "type", "types", "enabled", "enable", "disabled", "policy", "policies", "mount",
              "key", "keys", "field", "header", "id", "ids", "provider", "store", "annotations", "labels", "lifetime", "timeout",
              "mode", "format", "hash", "algorithm", "template", "env", "location", "dir", "namespace", "volume", "selector",
              "resource", "config", "items", "required", "validation", "reset", "min", "max", "size",
              "encoder", "generator", "audience", "issuer", "prefix", "suffix", "scope", "scopes", "rotation", "refresh", "count",
              "method", "encryption", "strength", "address", "host", "hostname", "user", "username", "cmd", "command", "class", "version", "annotation",
              "data", "ref", "checksum", "sha", "md5", "hint", "label", "description", "help", "prompt", "message"}


def words(name):
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", name.lower()) if w]


def cred_name(name):
    """Whether a setting's name says that it holds a credential."""
    seg = re.split(r"[.:/\[\]]", str(name).strip().strip("-"))
    seg = [s for s in seg if s]
    if not seg:
        return False
    w = words(seg[-1])
    if not w:
        return False
    joined = "".join(w)
    # pairs spelt as two words: api key, access key, secret key, private key, auth key
    pairs = {"".join(w[i:i + 2]) for i in range(len(w) - 1)}
    # glued compounds: sapassword, rootpassword, apitoken
    w = [next((c for c in ("password", "passwd", "secret", "token", "apikey", "credentials") if x.endswith(c) and len(x) > len(c)), x)
         if x not in CRED_WORDS else x for x in w]
    hit = [i for i, x in enumerate(w) if x in CRED_WORDS] or [i for i in range(len(w) - 1) if w[i] + w[i + 1] in CRED_WORDS]
    if not hit and joined not in CRED_WORDS:
        return False
    last = w[-1]
    if last in DESCRIBING and not (last == "key" and (pairs & CRED_WORDS or w == ["key"])):
        return False
    if w[0] in ("existing", "use", "no", "allow", "require", "is", "has", "enable", "show", "generate", "random", "min", "max"):
        return False
    # passwordSecretKey, keyPasswordSecretKey, passwordKey: the key of an
    # entry inside a Secret object, not the credential.
    if last == "key" and len(w) >= 2 and (w[-2] == "password" or (w[-2] == "secret" and any(x in CRED_WORDS for x in w[:-2]))):
        return False
    if "pass" in w and w.index("pass") != len(w) - 1:
        return False  # pass_through, pass_env
    if joined in ("keypass",):
        return True
    return True


REF_RE = re.compile(r"^%[-+ #0]?[sdvqx]$|\.(?:ya?ml|json|pem|key|crt|txt|jks|p12)$|\$\{|\$\(|^\$[A-Za-z_]|\{\{|\}\}|#\{|^%[A-Za-z_]+%$|^@Value|^(?:file|env|vault|ssm|secretsmanager|arn|cmd|exec):|"
                    r"^/|^\./|^~/|valueFrom|secretKeyRef|/run/secrets/|^\[[A-Za-z_]+\]$|^\{[A-Za-z_]+\}$|^\$")
PLACEHOLDER_WORDS = ("change", "changeit", "your", "placeholder", "example", "sample", "dummy",
                     "redacted", "replace", "todo", "fixme", "fake", "mock", "test", "xxx", "***", "...", "insert", "enter",
                     "none", "null", "undefined", "<", ">", "must", "here")
# A value that spells the kind of credential it stands for (my-secret-key,
# postgresql-password, in-secrets) is a label, not the credential.
KIND_WORDS = ("password", "passwd", "secret", "token", "apikey", "api-key", "api_key", "credential", "private", "access-key",
              "access_key", "-key", "_key")
HASH_RE = re.compile(r"^(?:sha1|sha256|sha512|md5|pbkdf2[^:$]*|bcrypt|argon2\w*)[:$]|(?:^|:)\$(?:2[abxy]?|apr1|[156]|argon2\w*)\$")
UUID_RE = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
# A Kubernetes object name (tls-secret, mysql-ssl-certs, nats.local-tls):
# under a *Secret key it names the Secret object that holds the credential.
OBJNAME_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)+$")


def ascending(v):
    """A run of four successive letters or digits (1234, abcd, 5678), as hands type filler."""
    lv = v.lower()
    return any(ord(lv[i + 1]) == ord(lv[i]) + 1 and ord(lv[i + 2]) == ord(lv[i]) + 2 and ord(lv[i + 3]) == ord(lv[i]) + 3
               and lv[i:i + 4].isalnum() for i in range(len(lv) - 3))


def b64text(v):
    """The text a base64 value encodes, when it is printable text of 4+ characters."""
    if len(v) < 8 or len(v) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", v):
        return None
    try:
        t = base64.b64decode(v, validate=True).decode("ascii").strip()
    except (ValueError, UnicodeDecodeError):
        return None
    return t if len(t) >= 4 and t.isprintable() else None


def value_class(v, decode=True, atom=False):
    v = v.strip().strip("\"'")
    if not v:
        return None
    if "-----BEGIN" in v:
        return pem_class(v)
    if REF_RE.search(v):
        return "reference"
    if not atom and (re.search(r"[\s(),`'\"]", v) or v.startswith(("{", "["))):
        return None  # an expression, a command or a structure: not one value
    lv = v.lower()
    if HASH_RE.search(v):
        return "hash"
    if any(p in lv for p in PLACEHOLDER_WORDS) or re.fullmatch(r"(.)\1{3,}", v) or ascending(v) or any(k in lv for k in KIND_WORDS):
        return "placeholder"
    if lv in ("true", "false", "yes", "no", "on", "off", "required", "optional", "auto", "default", "disabled", "enabled"):
        return None
    if re.fullmatch(r"\d{1,6}", v):
        return None
    if decode:
        t = b64text(v)
        if t is not None:
            return value_class(t, decode=False)
    if len(v) < 12 or readable(v) or UUID_RE.match(v):
        return "weak"
    return "strong"


def pem_class(v):
    body = re.sub(r"-----[A-Z ]+-----|\\n|\s", "", v)
    if re.search(r"(.)\1{7,}", body):
        return "placeholder"
    return "strong" if len(body) >= 64 and re.fullmatch(r"[A-Za-z0-9+/=]+", body) else "placeholder"


def readable(v):
    """Made of words and a few digits (my-secret-pw, SuperSecretPassword1): a remembered phrase, not a random draw."""
    if sum(c.isdigit() for c in v) > 4:
        return False
    if len(set(v)) < 6:
        return True
    runs = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", v)
    letters = sum(len(r) for r in runs)
    if not letters:
        return False
    wordy = 0
    for r in runs:
        lr = r.lower()
        if len(lr) < 3:
            continue
        vow = sum(c in "aeiouy" for c in lr) / len(lr)
        if 0.25 <= vow <= 0.65 and not re.search(r"[^aeiouy]{5,}", lr):
            wordy += len(lr)
    return wordy >= 0.8 * letters


def add(labels, name, value, how):
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return
    v = str(value).strip()
    cls = value_class(v, atom=how == "conn")
    if cls in ("weak", "strong") and words(re.split(r"[.:/]", str(name))[-1] or "x")[-1:] in (["secret"], ["secrets"]) and OBJNAME_RE.match(v.lower()):
        cls = "reference"  # tlsSecret: mysql-ssl-certs names a Secret object
    if cls:
        labels.append((cls, v, "%s %s" % (how, name)))


def conn_password(s):
    """Password=/Pwd= of an ADO.NET/ODBC connection string, and a URL's userinfo password."""
    res = []
    for m in re.finditer(r"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*(\"[^\"]*\"|'[^']*'|[^;]*)", s):
        res.append(m.group(1).strip("\"'"))
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^@\s/]+)@", s):
        res.append(m.group(1))
    return res


def walk(obj, labels, path=""):
    """Mapping keys that name a credential, env-style records, and connection strings anywhere."""
    if isinstance(obj, dict):
        keys = {str(k).lower(): k for k in obj}
        # {name: X, value: Y} records (Kubernetes env, ECS environment, Helm set blocks)
        for nk in ("name", "key"):
            if nk in keys and "value" in keys and isinstance(obj[keys[nk]], str) and cred_name(obj[keys[nk]]):
                add(labels, obj[keys[nk]], obj[keys["value"]], "record")
        for k, v in obj.items():
            p = "%s.%s" % (path, k) if path else str(k)
            if str(k).lower() == "environment" and isinstance(v, list):
                for e in v:
                    if isinstance(e, str) and "=" in e:
                        n, val = e.split("=", 1)
                        if cred_name(n):
                            add(labels, n, val, "env-list")
            if isinstance(v, (dict, list)):
                walk(v, labels, p)
            elif v is not None and not isinstance(v, bool):
                if cred_name(k):
                    add(labels, p, v, "key")
                if isinstance(v, str):
                    for pw in conn_password(v):
                        add(labels, p + "(conn)", pw, "conn")
    elif isinstance(obj, list):
        for i, e in enumerate(obj):
            walk(e, labels, "%s[%d]" % (path, i))


NOT_SECRET_ENTRY = re.compile(r"(?i)(?:user|username|login|name|host|hostname|server|port|url|uri|endpoint|address|namespace|"
                              r"database|db|region|crt|cert|pem|ca|email|id|type|config|conf|json|yaml|xml|txt|sh|properties|"
                              r"monitors|pool|cluster|path|domain)$")


def secret_entry(k):
    """Whether an entry of a Secret holds secret material: any entry but one whose name says it is an address or a name."""
    k = str(k)
    return cred_name(k) or not NOT_SECRET_ENTRY.search(re.split(r"[._-]", k)[-1] if re.search(r"[._-]", k) else k)


def secret_labels(doc, labels):
    """A Kubernetes Secret's data (base64) and stringData entries."""
    if not isinstance(doc, dict) or doc.get("kind") != "Secret":
        return
    for k, v in (doc.get("stringData") or {}).items():
        if secret_entry(k):
            add(labels, k, v, "stringData")
    for k, v in (doc.get("data") or {}).items():
        if not secret_entry(k) or not isinstance(v, str):
            continue
        try:
            dec = base64.b64decode(v.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            add(labels, k, v, "data")
            continue
        cls = value_class(dec)
        if cls:
            labels.append((cls, v.strip(), "data %s" % k))
            labels.append((cls, dec.strip(), "data(decoded) %s" % k))


def yaml_labels(text):
    labels = []
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return line_labels(text)
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") == "Secret":
            secret_labels(doc, labels)
            doc = {k: v for k, v in doc.items() if k not in ("data", "stringData")}
        walk(doc, labels)
    return labels + comment_labels(text)


def comment_labels(text):
    """Settings written out in YAML/.env comments (# password: v): commented out, but still in the file."""
    return line_labels("\n".join(l.lstrip()[1:] for l in text.splitlines() if l.lstrip().startswith("#")))


PEM_RE = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?-----END [A-Z0-9 ]*PRIVATE KEY-----", re.S)


def pem_labels(text):
    """PEM private-key blocks anywhere in a file: key material whatever holds them."""
    res = [(pem_class(m.group(0)), m.group(0), "pem") for m in PEM_RE.finditer(text)]
    # base64 of a PEM file (Kubernetes data, Helm values): LS0tLS1CRUdJTi is "-----BEGIN"
    for m in re.finditer(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]+={0,2}", text):
        try:
            dec = base64.b64decode(m.group(0)).decode("ascii", "replace")
        except ValueError:
            continue
        for p in PEM_RE.finditer(dec):
            res.append((pem_class(p.group(0)), m.group(0), "pem(base64)"))
            res.append((pem_class(p.group(0)), p.group(0), "pem(decoded)"))
    return res


KV_LINE = re.compile(r"^\s*(?:-\s+)?(?:export\s+)?[\"']?([A-Za-z0-9_.\-\[\]]+)[\"']?\s*(?:=|:(?=\s|$))\s*(.*?)\s*$")


def line_labels(text):
    """key: value / key=value lines, and `- name: X` followed by `value: Y` (Helm templates, .env, properties)."""
    labels = []
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l.lstrip().startswith("#"):
            continue
        m = KV_LINE.match(l)
        if not m:
            continue
        k, v = m.group(1), m.group(2)
        v = re.sub(r"\s+#.*$", "", v) if not v.startswith(("'", '"')) else v
        if k.lower() in ("name", "key") and i + 1 < len(lines):
            m2 = KV_LINE.match(lines[i + 1])
            if m2 and m2.group(1).lower() == "value" and cred_name(v.strip("\"'")):
                add(labels, v, m2.group(2).strip("\"'"), "record")
            continue
        if cred_name(k) and v and v not in ("|", ">", "|-", ">-"):
            add(labels, k, v.strip("\"'"), "line")
        for pw in conn_password(v):
            add(labels, k + "(conn)", pw, "conn")
    return labels


def properties_labels(text):
    labels = []
    for l in text.splitlines():
        s = l.strip()
        if not s or s[0] in "#!":
            continue
        m = re.match(r"([^=:\s]+)\s*[=:]\s*(.*)$", s)
        if not m:
            continue
        k, v = m.group(1), m.group(2)
        if cred_name(k):
            add(labels, k, v, "property")
        for pw in conn_password(v):
            add(labels, k + "(conn)", pw, "conn")
    return labels


def xml_labels(text):
    labels = []
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return line_labels(text)
    for el in root.iter():
        a = {k.lower(): v for k, v in el.attrib.items()}
        if "value" in a:
            n = a.get("key") or a.get("name")
            if n and cred_name(n):
                add(labels, n, a["value"], "add")
        for an, av in a.items():
            for pw in conn_password(av):
                add(labels, a.get("name", an) + "(conn)", pw, "conn")
    return labels


def hcl_records(text):
    """The {name, value} records of ECS container definitions in Terraform: heredoc JSON or jsonencode() objects,
    read per innermost brace block so neither the order of the two fields nor comments between them matter."""
    labels = []
    for m in re.finditer(r"\{[^{}]*\}", text):
        block = m.group(0)
        n = re.search(r"(?m)^\s*\"?name\"?\s*[=:]\s*\"([^\"]*)\"", block)
        v = re.search(r"(?m)^\s*\"?value\"?\s*[=:]\s*\"([^\"]*)\"", block)
        if n and v and cred_name(n.group(1)):
            add(labels, n.group(1), v.group(1), "record")
    return labels


def set_labels(text):
    labels = []
    for m in re.finditer(r"--set(?:-string)?[ =]+(\"[^\"]*\"|'[^']*'|\S+)", text):
        arg = m.group(1).strip("\"'")
        for kv in re.split(r",(?=[A-Za-z0-9_.\[\]-]+=)", arg):
            if "=" in kv:
                k, v = kv.split("=", 1)
                if cred_name(k):
                    add(labels, k, v.strip("\"'"), "set")
    return labels


def labels_for(fmt, name, text):
    return format_labels(fmt, name, text) + pem_labels(text)


def format_labels(fmt, name, text):
    if fmt in ("compose", "k8s", "helm-values"):
        return yaml_labels(text)
    if fmt == "helm-templates":
        return line_labels(text)
    if fmt == "dotenv":
        return line_labels(text)
    if fmt == "helm-set":
        return set_labels(text)
    if fmt == "spring":
        return properties_labels(text) if name.endswith(".properties") else yaml_labels(text)
    if fmt == "ecs" and name.endswith(".tf"):
        return hcl_records(text)
    if fmt in ("dotnet", "ecs"):
        if name.endswith(".config"):
            return xml_labels(text)
        try:
            obj = json.loads(re.sub(r"(?m)^\s*//.*$", "", text.lstrip("\ufeff")))
        except json.JSONDecodeError:
            return line_labels(text)
        labels = []
        walk(obj, labels)
        return labels
    return []


# ---------------------------------------------------------------- score

def norm(v):
    return re.sub(r"\s|\\n", "", v.strip().strip("\"'").lower())


def contains(a, b):
    return bool(a) and bool(b) and (a in b or (b in a and len(b) >= 4))


def split_of(name):
    return "dev" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "held"


def score(args):
    out = args.out
    binp = args.pretense
    if not binp:
        binp = "/tmp/pretense-cfg-bench"
        subprocess.run(["go", "build", "-o", binp, "./cmd/pretense"], cwd=os.path.join(os.path.dirname(__file__), ".."), check=True)
    rec = defaultdict(lambda: [0, 0])  # (fmt, split, cls) -> [found, total]
    prec = defaultdict(lambda: [0, 0])  # (fmt, split) -> [tp, all]
    misses, fps = defaultdict(list), defaultdict(list)
    nfiles = defaultdict(int)
    neg = defaultdict(int)  # distinct placeholder, reference and hash values per file
    for fmt in sorted(os.listdir(out)):
        fdir = os.path.join(out, fmt)
        if not os.path.isdir(fdir):
            continue
        byfile = defaultdict(list)
        for f in scan_findings(binp, fdir):
            if f.get("kind", "secret") == "secret":
                byfile[os.path.relpath(f["path"], fdir) if os.path.isabs(f["path"]) else os.path.basename(f["path"])].append(f)
        for name in sorted(os.listdir(fdir)):
            sp = split_of(name)
            nfiles[(fmt, sp)] += 1
            text = open(os.path.join(fdir, name), encoding="utf-8", errors="replace").read()
            labels = labels_for(fmt, name, text)
            vals = [(f, f.get("secret") or f.get("value") or f.get("match") or "") for f in byfile.get(name, [])]
            seen = set()
            for cls, v, how in labels:
                if cls not in ("strong", "weak") and (cls, v) not in seen:
                    neg[(fmt, sp)] += 1
                    seen.add((cls, v))
                if cls not in ("strong", "weak") or (cls, v) in seen:
                    continue
                seen.add((cls, v))
                if how.startswith("data(decoded)") or how == "pem(decoded)":
                    continue  # scored through its base64 twin
                twins = [norm(v)] + [norm(t[1]) for t in labels if t[2].startswith("data(decoded)") and how.startswith("data ")
                                     and t[2][len("data(decoded) "):] == how[len("data "):]]
                if how == "pem(base64)":
                    twins += [norm(t[1]) for t in labels if t[2] == "pem(decoded)"]
                hit = any(contains(t, norm(fv)) or contains(norm(fv), t) for _, fv in vals for t in twins)
                rec[(fmt, sp, cls)][0] += hit
                rec[(fmt, sp, cls)][1] += 1
                if not hit:
                    misses[(fmt, sp, cls)].append("%s: [%s] %r" % (name, how, v))
            for f, fv in vals:
                lab = [t for t in labels if contains(norm(t[1]), norm(fv)) or contains(norm(fv), norm(t[1]))]
                ok = any(t[0] in ("strong", "weak") for t in lab)
                prec[(fmt, sp)][0] += ok
                prec[(fmt, sp)][1] += 1
                if not ok:
                    why = lab[0][0] if lab else "unlabelled"
                    fps[(fmt, sp)].append("%s:%s %s %s %r" % (name, f.get("line"), f.get("ruleId") or f.get("rule"), why, fv))
    fmts = sorted({k[0] for k in nfiles})
    print("corpus=%s binary=%s" % (out, binp))
    print("%-15s %-5s %6s %16s %16s %18s %9s" % ("format", "split", "files", "recall strong", "recall weak", "precision", "negatives"))
    summary = {}

    def cell(a, b):
        return "%.3f (%d/%d)" % (a / b, a, b) if b else "-"
    for fmt in fmts:
        for sp in ("dev", "held", "all"):
            sps = ("dev", "held") if sp == "all" else (sp,)
            s = [sum(rec[(fmt, x, "strong")][i] for x in sps) for i in (0, 1)]
            w = [sum(rec[(fmt, x, "weak")][i] for x in sps) for i in (0, 1)]
            p = [sum(prec[(fmt, x)][i] for x in sps) for i in (0, 1)]
            n = sum(nfiles[(fmt, x)] for x in sps)
            ng = sum(neg[(fmt, x)] for x in sps)
            print("%-15s %-5s %6d %16s %16s %18s %9d" % (fmt, sp, n, cell(*s), cell(*w), cell(*p), ng))
            if sp == "all":
                summary[fmt] = {"files": n, "strong": s, "weak": w, "precision": p, "negatives": ng}
    S = [sum(summary[f]["strong"][i] for f in summary) for i in (0, 1)]
    W = [sum(summary[f]["weak"][i] for f in summary) for i in (0, 1)]
    P = [sum(summary[f]["precision"][i] for f in summary) for i in (0, 1)]
    print("%-15s %-5s %6d %16s %16s %18s %9d" % ("TOTAL", "all", sum(summary[f]["files"] for f in summary), cell(*S), cell(*W), cell(*P),
                                               sum(summary[f]["negatives"] for f in summary)))
    if args.verbose:
        for k, v in sorted(misses.items()):
            if k[2] == "strong" or args.weak:
                print("MISS", k, len(v))
                for x in v[:args.verbose]:
                    print("   ", x)
        for k, v in sorted(fps.items()):
            print("FP", k, len(v))
            for x in v[:args.verbose]:
                print("   ", x)
    if args.json:
        json.dump(summary, open(args.json, "w"), indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["build", "score", "labels"])
    ap.add_argument("--mirror", default=os.environ.get("MIRROR", "/work/.mirror"))
    ap.add_argument("--out", default="/tmp/cfgcorpus")
    ap.add_argument("--pretense", default=os.environ.get("PRETENSE", ""))
    ap.add_argument("--json", default="")
    ap.add_argument("--weak", action="store_true", help="with -v, list the weak misses too")
    ap.add_argument("-v", "--verbose", type=int, default=0, help="print up to N misses and false positives per format")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if args.cmd == "build":
        build(args)
    elif args.cmd == "labels":
        for p in args.files:
            fmt = os.path.basename(os.path.dirname(p))
            for t in labels_for(fmt, os.path.basename(p), open(p, encoding="utf-8", errors="replace").read()):
                print(*t, sep="\t")
    else:
        score(args)


if __name__ == "__main__":
    main()
