#!/usr/bin/env python3
"""Compare a gitleaks JSON report with a pretense JSON report (--no-redact).

    bench/compare.py gitleaks.json pretense.json

For every gitleaks finding it says whether pretense reported the same value
(by value), and at the same commit, path and line. It then lists what only
one of the tools found, grouped by rule, so each difference can be
explained. Values are never printed: only their length and a short hash.
"""
import collections
import hashlib
import json
import sys


def tag(value):
    return "len=%d sha=%s" % (len(value), hashlib.sha256(value.encode()).hexdigest()[:8])


def main(gl_path, pt_path):
    gl = json.load(open(gl_path))
    pt = json.load(open(pt_path))["findings"]
    if pt and "secret" not in pt[0]:
        sys.exit("compare: the pretense report is redacted; run with --no-redact")
    pt_values = collections.defaultdict(list)
    pt_loc = set()
    for f in pt:
        pt_values[f["secret"]].append(f)
        pt_loc.add((f.get("commit", ""), f["path"], f["line"]))
    same_place = same_value = missing = 0
    missed = collections.Counter()
    missed_values = {}
    for f in gl:
        v = f["Secret"]
        if (f["Commit"], f["File"], f["StartLine"]) in pt_loc and v in pt_values:
            same_place += 1
        elif v in pt_values:
            same_value += 1
        elif any(v in pv or pv in v for pv in pt_values):
            same_value += 1
        else:
            missing += 1
            missed[f["RuleID"]] += 1
            missed_values.setdefault(f["RuleID"], set()).add(tag(v))
    gl_values = {f["Secret"] for f in gl}
    only_pt = collections.Counter()
    for v, fs in pt_values.items():
        if not any(v in gv or gv in v for gv in gl_values):
            only_pt[fs[0]["ruleId"]] += len(fs)
    print("gitleaks findings: %d (%d distinct values)" % (len(gl), len(gl_values)))
    print("pretense findings: %d (%d distinct values)" % (len(pt), len(pt_values)))
    print("gitleaks findings pretense reports at the same commit/path/line: %d" % same_place)
    print("gitleaks findings whose value pretense reports elsewhere (an earlier commit, another line): %d" % same_value)
    print("gitleaks findings pretense does not report: %d" % missing)
    for rule, n in missed.most_common():
        print("  %-32s %4d  values: %s" % (rule, n, ", ".join(sorted(missed_values[rule])[:5])))
    print("pretense findings whose value gitleaks does not report: %d" % sum(only_pt.values()))
    for rule, n in only_pt.most_common():
        print("  %-32s %4d" % (rule, n))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
