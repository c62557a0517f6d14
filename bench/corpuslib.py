"""Helpers shared by the third-party corpus scripts (phi_corpus.py,
cfg_corpus.py): listing a fetched repository's files and writing an
extracted file into the corpus directory."""

import json
import os
import re
import subprocess
import sys


def git_ls(d, ref="HEAD", prefix=""):
    """(path, size) of every blob in ref of the repository at d, under prefix."""
    cmd = ["git", "-C", d, "ls-tree", "-r", "-l", ref]
    if prefix:
        cmd += ["--", prefix]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    res = []
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        if size.isdigit():  # "-" for a submodule
            res.append((path, int(size)))
    return res


def write(out, fmt, name, data):
    """Write data (bytes or str) as out/fmt/name, name made file-safe."""
    os.makedirs(os.path.join(out, fmt), exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    with open(os.path.join(out, fmt, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def scan_findings(binp, fdir, *flags):
    """The findings of `pretense scan` (JSON, unredacted, one worker) over
    the directory fdir; exits when pretense fails (an exit other than 0,
    clean, or 1, findings)."""
    r = subprocess.run([binp, "scan", "--path", fdir, *flags, "--format", "json", "--no-redact", "-q", "-j", "1"],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit("pretense failed on %s: %s" % (fdir, r.stderr))
    rep = json.loads(r.stdout or "{}")
    findings = rep.get("findings", rep) if isinstance(rep, dict) else rep
    return findings or []
