"""SL006's rewrites, run: every buggy SL006 fixture computes the same ``RESULTS`` with its loops
replaced by the rewrites shapelint offers.

Each buggy fixture in ``fixtures/SL006/`` (a file with a ``# expect: SL006`` marker) ends with
module-level code that builds concrete inputs with a seeded generator, with all-distinct sizes, calls
every function that holds a marked loop and keeps the outputs in a module-level list ``RESULTS``.

- ``test_fixture_runs_its_marked_loops``: the fixture alone, no linter. It runs as a fresh module
  (``__name__`` is not ``"__main__"``), defines ``RESULTS``, and every marked loop really runs: the
  marked line executes and, for a loop written over several lines, at least one line of its body
  does (a loop that never iterates would prove nothing about its rewrite).
- ``test_sl006_rewrites_compute_what_the_loops_compute``: lint the fixture with the Python API,
  take the fix of every SL006 finding whatever its applicability (safe, unsafe, and display-only,
  which ``--fix`` shows but never applies: it is applied here to prove it), apply them all at once,
  run the original and the rewritten source as two fresh modules and compare ``RESULTS`` entry by
  entry (recursing into tuples, lists and dicts): same shapes, ``np.allclose`` values. Also:

  (a) every SL006 finding has a fix with a replacement, except a finding on ``np.vectorize(f)``,
      which has no mechanical rewrite (its message asks for ``f`` to be written with array
      operations);
  (b) the rewritten source differs from the original (so a file with no finding or no fix fails);
  (c) every finding's line executes in the original run (and a line of its body, as above);
  (d) ``RESULTS`` exists in both runs; every marked loop has a finding, so its rewrite is tested.

A finding without a fix fails the test: that is the specification the engine must meet, not a
known failure to mark xfail. Everything runs in-process (no subprocess); the inputs are small, and
tracing stops in a frame as soon as the lines it has to see have run.
"""
from __future__ import annotations

import ast
import builtins
import difflib
import importlib.util
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from markers import expected_findings
from test_fixtures_run import ANNOTATION_MODULES, _annotation_only, _numba_misuse, _numba_stub, _stub

from shapelint.engine import lint_source
from shapelint.fix import apply_edits, line_offsets

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "fixtures" / "SL006"
CODE = "SL006"


def _marked_lines(path: Path) -> list[int]:
    return sorted(line for line, code in expected_findings(path) if code == CODE)


BUGGY = sorted(p for p in FOLDER.glob("*.py") if not p.name.endswith(".fixed.py") and _marked_lines(p))


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT / "fixtures"))


# --- running a source as a fresh module, tracing the lines of interest ----------------------

@dataclass(frozen=True)
class Span:
    """A loop to see run: its first line, and the lines of its body (empty for a one-line loop)."""

    first: int
    body: frozenset[int] = frozenset()

    def seen(self, hit: set[int]) -> bool:
        return self.first in hit and (not self.body or bool(self.body & hit))

    @property
    def lines(self) -> frozenset[int]:
        return self.body | {self.first}


@dataclass
class Outcome:
    namespace: dict = field(default_factory=dict)
    error: BaseException | None = None
    hit: set[int] = field(default_factory=set)

    def failure(self) -> str:
        assert self.error is not None
        return "".join(traceback.format_exception(type(self.error), self.error, self.error.__traceback__)[-6:])


def _stub_missing_modules(source: str, filename: str, monkeypatch) -> None:
    """numba, jaxtyping and nptyping, when not installed, as tests/test_fixtures_run.py stubs them."""
    tree = ast.parse(source, filename=filename)
    roots = _imported_roots_of(tree)
    for name in ANNOTATION_MODULES:
        if name in roots and importlib.util.find_spec(name) is None:
            misuse = _annotation_only(tree, name)
            assert not misuse, f"{name} is not installed and is used outside annotations: {misuse}"
            monkeypatch.setitem(sys.modules, name, _stub(name))
    if "numba" in roots and importlib.util.find_spec("numba") is None:
        misuse = _numba_misuse(tree)
        assert not misuse, f"numba is not installed and is used beyond decorators and prange: {misuse}"
        monkeypatch.setitem(sys.modules, "numba", _numba_stub())


def _imported_roots_of(tree: ast.Module) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def run_module(source: str, filename: str, name: str, monkeypatch, spans: tuple[Span, ...] = ()) -> Outcome:
    """Execute ``source`` as a new module called ``name`` (never ``"__main__"``); with ``spans``,
    record which of their lines run (``sys.settrace``, limited to frames of ``filename``)."""
    _stub_missing_modules(source, filename, monkeypatch)
    module = types.ModuleType(name)
    module.__file__ = filename
    module.__builtins__ = {**vars(builtins), "reveal_shape": lambda *args, **kwargs: None}
    monkeypatch.setitem(sys.modules, name, module)  # classes and dataclasses look their module up
    outcome = Outcome(module.__dict__)
    # dont_inherit: this test module's own `from __future__ import annotations` must not leak in.
    code = compile(source, filename, "exec", dont_inherit=True)

    wanted = frozenset().union(*(span.lines for span in spans))
    code_lines: dict[types.CodeType, frozenset[int]] = {}

    def lines_of(code_object: types.CodeType) -> frozenset[int]:
        if code_object not in code_lines:
            code_lines[code_object] = frozenset(line for _, _, line in code_object.co_lines() if line is not None)
        return code_lines[code_object]

    def pending_in(code_object: types.CodeType) -> bool:
        lines = lines_of(code_object)
        return any(span.first in lines and not span.seen(outcome.hit) for span in spans)

    def local(frame, event, arg):
        if event == "line" and frame.f_lineno in wanted:
            outcome.hit.add(frame.f_lineno)
            if not pending_in(frame.f_code):
                frame.f_trace_lines = False  # every loop of this frame has run: stop tracing it
                return None
        return local

    def on_call(frame, event, arg):
        if frame.f_code.co_filename != filename or not pending_in(frame.f_code):
            return None
        return local

    np.random.seed(0)  # for code that draws from NumPy's global generator
    previous = sys.gettrace()
    if spans:
        sys.settrace(on_call)
    try:
        exec(code, module.__dict__)
    except Exception as exc:  # noqa: BLE001 - reported by the caller
        outcome.error = exc
    finally:
        if spans:
            sys.settrace(previous)
    return outcome


def spans_of(source: str, lines: list[int], ends: dict[int, int] | None = None) -> tuple[Span, ...]:
    """The loop starting on each line: its body is the rest of the statement (up to ``ends[line]``
    when given, else the end of the innermost statement that starts on the line)."""
    tree = ast.parse(source)
    spans = []
    for line in lines:
        end = (ends or {}).get(line)
        if end is None:
            starting = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno == line]
            end = min((n.end_lineno for n in starting), default=line)
        spans.append(Span(line, frozenset(range(line + 1, end + 1))))
    return tuple(spans)


# --- comparing RESULTS ------------------------------------------------------------------------

def differences(original, rewritten, where: str = "RESULTS") -> list[str]:
    """Where the two values differ: structure, shape, or values beyond ``np.allclose``."""
    if isinstance(original, (list, tuple)):
        if not isinstance(rewritten, (list, tuple)) or len(original) != len(rewritten):
            return [f"{where}: {type(original).__name__} of {len(original)} vs {_describe(rewritten)}"]
        return [d for i, (a, b) in enumerate(zip(original, rewritten)) for d in differences(a, b, f"{where}[{i}]")]
    if isinstance(original, dict):
        if not isinstance(rewritten, dict) or set(original) != set(rewritten):
            return [f"{where}: dict with keys {sorted(map(str, original))} vs {_describe(rewritten)}"]
        return [d for key in original for d in differences(original[key], rewritten[key], f"{where}[{key!r}]")]
    a, b = np.asarray(original), np.asarray(rewritten)
    if a.shape != b.shape:
        return [f"{where}: shape {a.shape} vs {b.shape}"]
    numeric = all(np.issubdtype(x.dtype, np.number) or x.dtype == bool for x in (a, b))
    same = np.allclose(a, b) if numeric else np.array_equal(a, b)
    if not same:
        return [f"{where}: values differ\n  loop:    {np.array2string(a, threshold=20)}\n  rewrite: {np.array2string(b, threshold=20)}"]
    return []


def _describe(value) -> str:
    if isinstance(value, (list, tuple, dict)):
        return f"{type(value).__name__} of {len(value)}"
    return f"{type(value).__name__} {np.shape(value)}"


# --- reading findings -------------------------------------------------------------------------

def _text(source: str, finding) -> str:
    starts = line_offsets(source)
    start = starts[finding.line - 1] + finding.column - 1
    end = starts[finding.end_line - 1] + finding.end_column - 1
    return source[start:end]


def is_vectorize(source: str, finding) -> bool:
    """The finding is on a call of ``vectorize`` (``np.vectorize(f)``): no mechanical rewrite."""
    try:
        node = ast.parse(_text(source, finding).strip(), mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "vectorize") or (isinstance(func, ast.Name) and func.id == "vectorize")


def has_replacement(finding) -> bool:
    return finding.fix is not None and any(edit["content"].strip() for edit in finding.fix["edits"])


# --- the tests --------------------------------------------------------------------------------

def _module_name(path: Path, role: str) -> str:
    return f"sl006_{role}_{path.stem.replace('.', '_')}"


@pytest.mark.parametrize("path", BUGGY, ids=ids)
def test_fixture_runs_its_marked_loops(path: Path, monkeypatch) -> None:
    source = path.read_text(encoding="utf-8")
    spans = spans_of(source, _marked_lines(path))
    run = run_module(source, str(path), _module_name(path, "original"), monkeypatch, spans)
    assert run.error is None, f"the fixture raised:\n{run.failure()}"
    assert "RESULTS" in run.namespace, "the fixture defines no module-level `RESULTS`"
    assert isinstance(run.namespace["RESULTS"], list), "`RESULTS` is not a list"
    missed = [f"line {span.first}: the marked loop never runs (call its function from `RESULTS` with inputs it iterates over)"
              for span in spans if not span.seen(run.hit)]
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("path", BUGGY, ids=ids)
def test_sl006_rewrites_compute_what_the_loops_compute(path: Path, monkeypatch) -> None:
    source = path.read_text(encoding="utf-8")
    findings = [f for f in lint_source(source, str(path)).findings if f.code == CODE]
    problems = []

    # every marked loop is flagged, so that its rewrite is tested (tests/test_fixtures.py checks the rest)
    flagged = {f.line for f in findings}
    problems += [f"line {line}: marked `# expect: {CODE}` but not flagged: its rewrite is not tested"
                 for line in _marked_lines(path) if line not in flagged]

    # (a) a fix with a replacement for every finding, but on np.vectorize
    fixes = []
    for finding in findings:
        if has_replacement(finding):
            fixes.append(finding.fix)
        elif not is_vectorize(source, finding):
            problems.append(f"line {finding.line}: no fix with a replacement for `{_text(source, finding).splitlines()[0].strip()}`"
                            f" (message: {finding.message})")

    # (b) the rewrite changes the source, every fix applied (none dropped for overlapping another)
    rewritten, applied = apply_edits(source, fixes)
    if applied != len(fixes):
        problems.append(f"{len(fixes) - applied} of {len(fixes)} fixes overlap another and were not applied")
    if rewritten == source:
        problems.append("the rewritten source is the original: no SL006 finding has a fix" if findings
                        else f"not flagged: no {CODE} finding at all")

    # (c) every finding's loop runs in the original; (d) RESULTS exists
    spans = spans_of(source, sorted(flagged), {f.line: f.end_line for f in findings})
    original = run_module(source, str(path), _module_name(path, "original"), monkeypatch, spans)
    assert original.error is None, f"the fixture itself raised:\n{original.failure()}"
    assert "RESULTS" in original.namespace, "the fixture defines no module-level `RESULTS`"
    problems += [f"line {span.first}: the flagged loop never runs in the fixture" for span in spans if not span.seen(original.hit)]

    if rewritten != source:
        try:
            compile(rewritten, f"{path} (rewritten)", "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(f"the rewritten source does not compile: {exc}")
        else:
            run = run_module(rewritten, f"{path} (rewritten)", _module_name(path, "rewritten"), monkeypatch)
            if run.error is not None:
                problems.append(f"the rewritten source raised:\n{run.failure()}")
            elif "RESULTS" not in run.namespace:
                problems.append("the rewritten source defines no `RESULTS`")
            else:
                problems += differences(original.namespace["RESULTS"], run.namespace["RESULTS"])
    if problems and rewritten != source:
        diff = difflib.unified_diff(source.splitlines(keepends=True), rewritten.splitlines(keepends=True),
                                    f"{path.name} (loops)", f"{path.name} (rewrites)")
        problems.append("".join(diff))
    assert not problems, "\n".join(problems)


def test_there_are_buggy_fixtures_to_run() -> None:
    assert len(BUGGY) >= 10, [p.name for p in BUGGY]
