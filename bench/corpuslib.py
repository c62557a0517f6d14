"""Helpers shared by the third-party corpus scripts (phi_corpus.py,
cfg_corpus.py): listing a fetched repository's files and writing an
extracted file into the corpus directory."""

import os
import re
import subprocess


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
