"""Which shapelint this is, down to its source files: what the cache keys on and the daemon's name.

Free of heavy imports: the daemon's client computes it before anything else is loaded.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from . import __version__


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """shapelint's version and its own source files' names, sizes and times: an editable install
    whose code changes never answers from a cache the old code filled."""
    package = os.path.dirname(os.path.realpath(__file__))
    digest = hashlib.sha256(__version__.encode())
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{os.path.relpath(path, package)}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()
