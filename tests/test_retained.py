"""Trees the daemon keeps (``retained``): a kept file parses again only where it changed, into the
module a whole parse gives, so its findings are the same; text the engine reads differently is
never taken from a kept tree."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from shapelint import engine, retained
from shapelint.parsing import parse_module

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted(p for folder in ("fixtures", "reference_net") for p in (ROOT / folder).rglob("*.py")
                if not p.name.endswith(".fixed.py"))


@pytest.fixture
def kept(monkeypatch):
    """This process keeps trees, as the daemon does, for the test only."""
    monkeypatch.setattr(retained, "_held", None)
    retained.keep_trees()
    return retained


def edited(text: str) -> str:
    """``text`` with the middle line's statement changed: a comment where a line of code ends."""
    lines = text.splitlines(keepends=True)
    for index in range(len(lines) // 2, len(lines)):
        code = lines[index].rstrip("\r\n")
        if code.strip() and not code.rstrip().endswith(("\\", ",", "(", "[", "{", '"', "'")) and '"""' not in code \
                and "'''" not in code and "#" not in code:
            lines[index] = code + "  # edited" + lines[index][len(code):]
            return "".join(lines)
    return text + "\nedited = 1\n"


def test_a_kept_tree_brought_up_to_date_is_the_whole_parse_and_lints_alike(kept, tmp_path):
    """Every fixture and reference_net file, kept in an edited version, then linted as it is."""
    regions = 0
    for number, path in enumerate(CORPUS):
        source = path.read_bytes()
        text = source.decode("utf-8")
        copy = tmp_path / path.name
        copy.write_text(edited(text), encoding="utf-8", newline="")
        if not kept.hold(os.path.realpath(copy)):
            continue
        before = kept.reused()
        module = kept.parsed(source, str(copy))
        assert module is not None, path
        assert module.deep_equals(parse_module(source)) and module.code == text, path
        regions += kept.reused() - before
        if number % 4 == 0:  # (deep_equals already says the findings cannot differ; a sample shows it)
            assert _findings(source, str(copy), module) == _findings(source, str(copy), parse_module(source)), path
    assert regions > len(CORPUS) * 0.8  # most files parsed only the chunk the edit touched


def _findings(source: bytes, path: str, module) -> list:
    return engine.lint_parsed(source, path, module, engine.RuleContext(module, None, source), engine.enabled_rules(None)).findings


def test_findings_of_a_lint_through_a_kept_tree_are_the_engines(kept, tmp_path):
    source = (ROOT / "reference_net" / "vectorized.py").read_bytes()
    target = tmp_path / "net.py"
    target.write_text(edited(source.decode()), encoding="utf-8", newline="")
    assert kept.hold(os.path.realpath(target))
    target.write_bytes(source)
    assert engine.lint_source(source, str(target)).findings == _without_kept(lambda: engine.lint_source(source, str(target)).findings)
    assert kept.reused() == 1


def _without_kept(call):
    held, retained._held = retained._held, None
    try:
        return call()
    finally:
        retained._held = held


@pytest.mark.parametrize("text", [
    "# -*- coding: latin-1 -*-\nx = 1\n",  # the engine decodes by the declaration
    "\ufeffx = 1\n",  # a byte-order mark
    "x = 1\r\ny = 2\n",  # two kinds of line ending
    "x = 1\n\fy = 2\n",  # a form feed (libcst drops it)
])
def test_text_the_engine_reads_otherwise_is_never_taken_from_a_kept_tree(kept, tmp_path, text):
    target = tmp_path / "m.py"
    target.write_text("x = 1\ny = 2\n")
    assert kept.hold(os.path.realpath(target))
    assert kept.parsed(text.encode("utf-8"), str(target)) is None
    assert kept.parsed(b"\xff\xfex = 1\n", str(target)) is None  # not UTF-8


def test_code_too_deeply_nested_is_left_to_the_engine(kept, tmp_path):
    target = tmp_path / "m.py"
    target.write_text("x = 1\n")
    assert kept.hold(os.path.realpath(target))
    deep = ("x = " + "-" * 1_200 + "1\n").encode()
    assert kept.parsed(deep, str(target)) is None
    module, finding = engine.parse(deep, str(target))
    assert module is None and "too complex" in finding.message


def test_limits_on_what_is_kept(kept, tmp_path, monkeypatch):
    monkeypatch.setattr(retained, "MAX_FILE_BYTES", 300)
    monkeypatch.setattr(retained, "MAX_BYTES", 500)
    large = tmp_path / "large.py"
    large.write_text("x = 1\n" * 60)  # 360 bytes
    assert not kept.hold(os.path.realpath(large))
    names = []
    for number in range(4):
        name = tmp_path / f"m{number}.py"
        name.write_text("y = 2\n" * 40)  # 240 bytes
        assert kept.hold(os.path.realpath(name))
        names.append(os.path.realpath(name))
    assert kept.held_files() == (2, 80)  # the two kept last
    assert set(kept._held.documents) == set(names[2:])
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    assert not kept.hold(os.path.realpath(broken))
    assert not kept.hold(str(tmp_path / "missing.py"))


def test_libcst_renderings_that_differ_from_the_text_are_never_kept_in_chunks(kept, tmp_path):
    """A line of only a backslash is dropped by libcst's rendering (after a ``def`` the next
    statement even moves into it), so chunk lines counted from it would be off: such text, a
    ``match`` and a comment ending in a backslash are parsed whole (found by helper 24: the
    findings moved to the wrong call)."""
    for text in ("import numpy as np\n\n\ndef f(x, y):\n    return x - y\n\n\\\nf(np.ones(3), np.ones(2))\ng = 1\n",
                 "match x:\n  case 1:\n      y = 1\n", "x = 1  # c \\\n"):
        target = tmp_path / "m.py"
        target.write_text(text)
        kept.hold(os.path.realpath(target))
        edited = text.replace("g = 1", "g = 2").replace("y = 1", "y = 2").replace("x = 1", "x = 2").encode()
        assert kept.parsed(edited, str(target)) is None  # the engine parses it whole


def test_nothing_is_kept_or_noted_outside_the_daemon(tmp_path, monkeypatch):
    monkeypatch.setattr(retained, "_held", None)
    assert retained.parsed(b"x = 1\n", str(tmp_path / "m.py")) is None
    assert retained.looked_up() == [] and retained.held_files() == (0, 0)
    assert not retained.hold(str(tmp_path / "m.py"))


def test_each_file_a_run_linted_is_noted_once_with_its_parse_time(kept, tmp_path):
    for name in ("a.py", "b.py", "a.py", "notebook.ipynb"):  # (a notebook's file is JSON, not the code linted)
        engine.parse(b"x = 1\n" * 2000, str(tmp_path / name))
    noted = kept.looked_up()
    assert [name for name, _ in noted] == [os.path.realpath(tmp_path / "a.py"), os.path.realpath(tmp_path / "b.py")]
    assert all(seconds > 0 for _, seconds in noted)


def _report(data: bytes) -> int:
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    return read


def test_the_daemon_takes_each_runs_report_and_ignores_one_it_cannot_read():
    from shapelint.daemon import _ToKeep

    to_keep = _ToKeep()
    to_keep.take(_report(b'{"looked_up": [["/a.py", 0.01], ["/b.py", 0.02]], "reused": 1}'))
    to_keep.take(_report(b'{"looked_up": [["/b.py", 0.01], ["/c.py", 0.0'))  # cut off (a full pipe): ignored
    to_keep.take(_report(b""))  # a run that ended before it could say anything
    to_keep.take(_report(b'{"looked_up": [["/b.py", 0.01], ["/c.py", 0.01], ["/slow.py", 9.0]], "reused": 2}'))
    assert to_keep.paths == ["/a.py", "/b.py", "/c.py"] and to_keep.reused == 3  # not the file slow to parse
    to_keep.take(_report(('{"looked_up": [%s]}' % ", ".join(f'["/{n}.py", 0]' for n in range(100))).encode()))
    assert to_keep.paths == [f"/{n}.py" for n in range(100 - retained.MAX_REPORTED, 100)]  # the latest


@pytest.mark.parametrize("text", ["match (y := g()):\n  case 1:\n      y = 1\n", "match (\n    x\n):\n  case 1:\n      y = 1\n"])
def test_any_match_statement_is_parsed_whole(kept, tmp_path, text):
    """Helper 27's fuzz: a ``match`` with a walrus or over several lines slipped past a stricter
    pattern, and its blocks' indent came out otherwise than in a whole parse."""
    target = tmp_path / "m.py"
    target.write_text(text)
    kept.hold(os.path.realpath(target))
    assert kept.parsed(text.replace("y = 1", "y = 2").encode(), str(target)) is None


def test_a_kept_file_reports_the_time_its_parse_took_too(kept, tmp_path):
    """Helper 27: a kept file edited into text slow to parse reported 0 s (the timing sat inside
    the Document's parse, where it notes nothing), so the daemon kept it again and stalled."""
    target = tmp_path / "m.py"
    target.write_text("x = 1\n")
    assert kept.hold(os.path.realpath(target))
    slow = ("def f():\n" + "    y = [1, 2, 3]\n" * 3000).encode()
    assert kept.parsed(slow, str(target)) is not None
    (name, seconds), = kept.looked_up()
    assert name == os.path.realpath(target) and seconds > 0.01
