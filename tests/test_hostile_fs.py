"""Hostile files and odd file systems: nothing hangs, nothing is lost, ``--fix`` never damages a tree.

Tests about permissions need a user that file modes apply to: root reads and writes anything,
so they are skipped under root, with that reason (``tests/run_as_nobody.sh``-style runs, as a
non-root user, exercise them).
"""
from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapelint.cli import main
from shapelint.fix import STALE_AFTER, remove_stale_temporaries
from shapelint.suppress import skips_file

BUGGY = """import numpy as np


def step(n_h, m, lr):
    dZ = np.random.randn(n_h, m)
    b = np.zeros((n_h, 1))
    db = np.sum(dZ, axis=1)
    return b - lr * db
"""
FIXED = BUGGY.replace("axis=1)", "axis=1, keepdims=True)")
FORMATS = ("concise", "full", "json", "json-lines", "sarif", "github")
ROOT_IGNORES_MODES = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="root ignores file modes: run the tests as a non-root user to check permissions",
)
POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and file modes are POSIX")


def run(*args: str, input: str | bytes | None = None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout_bytes, result.stderr


# --- reading -------------------------------------------------------------------------


def test_skip_file_is_honoured_in_a_file_that_is_not_valid_utf8():
    assert skips_file(b"# Auteur: Ren\xe9\n# shapelint: skip-file\nx = 1\n")
    assert skips_file(b"# shapelint: skip-file\n# caf\xe9\n")
    assert not skips_file(b"# Auteur: Ren\xe9\nx = 1\n# shapelint: skip-file\n")  # after code: not a file directive


@POSIX
@pytest.mark.parametrize("output_format", FORMATS)
def test_a_file_name_that_is_not_utf8_prints_in_every_format(tmp_path, output_format):
    name = os.fsdecode(b"caf\xe9.py")
    (tmp_path / name).write_text(BUGGY)
    code, out, err = run(str(tmp_path), "--output-format", output_format)
    assert code == 1, err
    text = out.decode("utf-8")  # strict: the output is valid UTF-8
    if output_format == "sarif":
        uri = json.loads(text)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith("caf%E9.py")  # the name's bytes, percent-encoded
    else:
        assert "caf\\xe9.py" in text.replace("\\\\", "\\")
    if output_format in ("json", "json-lines"):
        for line in (text.splitlines() if output_format == "json-lines" else [text]):
            json.loads(line)
