"""NumPy, not shapelint, confirms the corpus's "NumPy raises" claims.

Every SL004/SL007 finding says NumPy raises, and so do some SL003 findings (an in-place update
with a reduction over the wrong axis). Each such fixture ends with module-level calls on concrete
arrays whose sizes are all distinct, marked ``# raises: ValueError`` (or the exception NumPy
really raises). This test executes the fixture one top-level statement at a time and checks:

- a statement marked ``# raises: X`` raises exactly ``X``, and the innermost frame in the fixture
  is a line marked ``# expect: SL004``/``SL007``, or ``# raises here: SL003`` (an SL003 finding sits
  on the reduction, while NumPy raises later, where the reduced value updates an array in place);
- every other statement runs without error; so do the clean traps, whole;
- every ``# expect: SL004``/``SL007`` line and every ``# raises here:`` line is where some marked
  call raised, and every function of the file was entered;
- each ``name.fixed.py`` sibling runs without any error (its ``# raises:`` comments are kept text
  from ``--fix``, which edits code only): the fix really removes the crash.

``fixtures/traps/`` (one ``clean_cause_*`` trap and one ``buggy_cause_*`` twin per cause of the false
findings seen on real code) is run the same way, whatever its rules: the clean traps whole and
without error, the buggy twins raising where their SL004/SL007/SL003 markers say. Two exceptions:

- a trap that imports torch, tensorflow or jax is not run (its test id says so and it is skipped):
  only NumPy code is executed here, and those frameworks are not dependencies of shapelint;
- numba, when it is not installed, is replaced by a stub (see ``_numba_stub``) whose use the test
  restricts to decorators and ``prange``.

``fixtures/e2e/`` (whole programs written as courses, tutorials and scikit-learn write them, each
with one planted bug per copy) is run too, every file, as ``python file.py`` runs it: ``__name__``
is ``"__main__"``, so the ``if __name__ == "__main__":`` block is the call that runs everything (a
``# raises:`` comment goes on its line that raises). Since the bug may be in any function, a
planted bug that crashes later elsewhere marks that line ``# raises here: SLxxx``, which refers to
the file's ``# expect: SLxxx`` wherever it is, and a raise may also come from the ``# expect:`` line
itself whatever its rule (an SL001 or SL002 copy that NumPy rejects). A copy that raises stops its
run there, so only the files that run to the end must call every function.
"""
from __future__ import annotations

import __future__
import ast
import builtins
import importlib
import importlib.util
import re
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from markers import comments, expected_findings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RAISING_RULES = ("SL004", "SL007")  # every finding of these rules claims that NumPy raises
RAISES = re.compile(r"\braises:\s*([\w.]+)")
RAISES_HERE = re.compile(r"raises here:\s*(SL\d{3})")
# Imported only for annotations (``Float[np.ndarray, "n m"]``, ``NDArray[Shape["B, d"], Float]``).
ANNOTATION_MODULES = ("jaxtyping", "nptyping")


def _originals(folder: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / folder).glob("*.py") if not p.name.endswith(".fixed.py"))


def _has_raises_marker(path: Path) -> bool:
    return any(RAISES.search(text) for _, text in comments(path))


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


# Traps for code written against these frameworks are linted (tests/test_fixtures.py) but never run.
FRAMEWORKS = ("torch", "tensorflow", "jax")
TRAPS = _originals("traps")
NOT_RUN = {p: sorted(_imported_roots(p) & set(FRAMEWORKS)) for p in TRAPS if _imported_roots(p) & set(FRAMEWORKS)}

RUN = [p for rule in RAISING_RULES for p in _originals(rule)] + [p for p in _originals("SL003") if _has_raises_marker(p)]
RUN_TRAPS = [p for p in TRAPS if p not in NOT_RUN]
# Whole programs, run as scripts (their `if __name__ == "__main__":` block runs).
E2E = _originals("e2e")
FIXED = [p.with_name(p.stem + ".fixed.py") for p in RUN + RUN_TRAPS + E2E if p.with_name(p.stem + ".fixed.py").exists()]


def _is_e2e(path: Path) -> bool:
    return path.parent.name == "e2e"


def ids(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def _run_params() -> list:
    params = [pytest.param(p, id=ids(p)) for p in RUN + RUN_TRAPS + E2E]
    for path, frameworks in NOT_RUN.items():
        reason = f"not run: imports {', '.join(frameworks)} (only NumPy code is executed)"
        params.append(pytest.param(path, id=f"{ids(path)}[{reason}]", marks=pytest.mark.skip(reason=reason)))
    return params


class _Placeholder:
    """Stands in for ``Float``, ``NDArray``, ``Shape``...: subscripting gives another placeholder."""

    def __getitem__(self, item):
        return self

    def __call__(self, *args, **kwargs):
        return self


def _stub(name: str) -> types.ModuleType:
    """A module whose every public name is a placeholder.

    Honest because the test checks (``_annotation_only``) that the fixture uses these names only in
    annotations: Python evaluates parameter annotations at ``def`` time and stores them, nothing
    reads them back, so they cannot change which arrays reach NumPy or what NumPy does with them.
    """
    module = types.ModuleType(name)

    def __getattr__(attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Placeholder()

    module.__getattr__ = __getattr__
    return module


def _numba_stub() -> types.ModuleType:
    """numba, as far as the traps use it, for when it is not installed.

    Honest because numba compiles the function it decorates without changing what its arithmetic
    computes: ``jit``/``njit`` (bare or called with options) return the function itself, ``prange``
    is ``range`` (numba runs the iterations in parallel, NumPy sees the same indices), and
    ``vectorize`` is ``np.vectorize``: both turn a function of scalars into one that broadcasts over
    arrays element by element. ``_numba_misuse`` checks the fixture uses numba for nothing else.
    """
    module = types.ModuleType("numba")

    def compile_(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda function: function

    def vectorize(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return np.vectorize(args[0])
        return lambda function: np.vectorize(function)

    module.jit = module.njit = compile_
    module.vectorize = vectorize
    module.prange = range
    return module


def _numba_misuse(tree: ast.Module) -> list[str]:
    """Uses of numba other than a decorator or ``for ... in prange(...)`` (must be none to stub it)."""
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "numba":
            imported.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.asname or alias.name.split(".")[0]
                            for alias in node.names if alias.name.split(".")[0] == "numba")
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                allowed.update(id(sub) for sub in ast.walk(decorator))
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name) \
                and node.iter.func.id == "prange":
            allowed.add(id(node.iter.func))
    return [f"line {node.lineno}: {node.id}" for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id in imported and id(node) not in allowed]


def _annotation_only(tree: ast.Module, module: str) -> list[str]:
    """Uses of names imported from ``module`` outside annotations (must be none to stub it)."""
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == module:
            imported.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.asname or alias.name.split(".")[0]
                            for alias in node.names if alias.name.split(".")[0] == module)
    annotations: set[int] = set()
    for node in ast.walk(tree):
        parts = []
        if isinstance(node, ast.arg) and node.annotation is not None:
            parts.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            parts.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            parts.append(node.annotation)
        for part in parts:
            annotations.update(id(sub) for sub in ast.walk(part))
    return [f"line {node.lineno}: {node.id}" for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id in imported and id(node) not in annotations]


def _exception(name: str) -> type[BaseException]:
    if "." not in name:
        return getattr(builtins, name)
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _future_flags(tree: ast.Module) -> int:
    flags = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                flags |= getattr(__future__, alias.name).compiler_flag
    return flags


def _functions(tree: ast.Module) -> set[tuple[str, int]]:
    """(name, first line) of every def, as its code object reports them."""
    return {(node.name, min([node.lineno] + [d.lineno for d in node.decorator_list]))
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


@dataclass
class Run:
    tree: ast.Module
    outcomes: list[tuple[ast.stmt, BaseException | None]] = field(default_factory=list)
    entered: set[tuple[str, int]] = field(default_factory=set)


def execute(path: Path, monkeypatch) -> Run:
    """Run the file's top-level statements one by one in one namespace, as ``python path`` would,
    except that an exception is recorded and the next statement still runs."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    for name in ANNOTATION_MODULES:
        if importlib.util.find_spec(name) is None:
            misuse = _annotation_only(tree, name)
            assert not misuse, f"{name} is not installed and is used outside annotations: {misuse}"
            monkeypatch.setitem(sys.modules, name, _stub(name))
    if "numba" in _imported_roots(path) and importlib.util.find_spec("numba") is None:
        misuse = _numba_misuse(tree)
        assert not misuse, f"numba is not installed and is used beyond decorators and prange: {misuse}"
        monkeypatch.setitem(sys.modules, "numba", _numba_stub())
    flags = _future_flags(tree)
    namespace = {
        # An end-to-end program runs as a script: its `if __name__ == "__main__":` block is the caller.
        "__name__": "__main__" if _is_e2e(path) else "fixture_" + path.stem.replace(".", "_"),
        "__file__": str(path),
        "__builtins__": {**vars(builtins), "reveal_shape": lambda *args, **kwargs: None},
    }
    run = Run(tree)
    filename = str(path)

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == filename:
            run.entered.add((frame.f_code.co_name, frame.f_code.co_firstlineno))

    np.random.seed(0)
    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        for stmt in tree.body:
            # dont_inherit: this test module's own `from __future__ import annotations` must not
            # change how the fixture's annotations are evaluated.
            code = compile(ast.Module(body=[stmt], type_ignores=[]), filename, "exec", flags=flags, dont_inherit=True)
            try:
                exec(code, namespace)
            except Exception as exc:  # noqa: BLE001 - recorded and judged below
                run.outcomes.append((stmt, exc))
            else:
                run.outcomes.append((stmt, None))
    finally:
        sys.setprofile(previous)
    return run


def _never_called(run: Run) -> list[str]:
    missing = sorted(_functions(run.tree) - run.entered, key=lambda function: function[1])
    return [f"line {line}: `{name}` is never called by the module-level statements" for name, line in missing]


def _raising_line(path: Path, exc: BaseException) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else None


def _show(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-4:])


def _enclosing_function(tree: ast.Module, line: int) -> ast.AST | None:
    found = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= node.end_lineno:
            if found is None or node.lineno > found.lineno:
                found = node
    return found


@pytest.mark.parametrize("path", _run_params())
def test_numpy_confirms_the_raises(path: Path, monkeypatch) -> None:
    run = execute(path, monkeypatch)
    marks = comments(path)
    raises = {line: RAISES.search(text).group(1) for line, text in marks if RAISES.search(text)}
    raises_here = {line: RAISES_HERE.search(text).group(1) for line, text in marks if RAISES_HERE.search(text)}
    expected = expected_findings(path)
    claims = {line for line, code in expected if code in RAISING_RULES}
    # An SL003 claim: the `# expect: SL003` line nearest above a `# raises here: SL003` line in its function.
    # In an end-to-end program the planted bug may sit in another function: any `# expect:` of that code.
    sl003 = {}
    for line, code in raises_here.items():
        if _is_e2e(path):
            above = [e for e, c in expected if c == code]
            assert above, f"line {line}: `# raises here: {code}` has no `# expect: {code}` in the file"
            sl003[line] = min(above)
            continue
        function = _enclosing_function(run.tree, line)
        above = [e for e, c in expected if c == code and function is not None and function.lineno <= e < line]
        assert above, f"line {line}: `# raises here: {code}` has no `# expect: {code}` above it in its function"
        sl003[line] = max(above)
    # An end-to-end copy may also raise on its planted line whatever the rule (a rank-1 bias NumPy rejects).
    planted = {line for line, _ in expected} if _is_e2e(path) else set()
    if path.name.startswith("clean_"):
        assert not raises and not raises_here, "a clean trap must run without error"
    hit: set[int] = set()
    problems = []
    for stmt, exc in run.outcomes:
        marked = [raises[line] for line in range(stmt.lineno, stmt.end_lineno + 1) if line in raises]
        if marked and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            problems.append(f"line {stmt.lineno}: `# raises:` belongs on a module-level statement, not inside a definition")
            continue
        if not marked:
            if exc is not None:
                problems.append(f"line {stmt.lineno}: unmarked statement raised\n{_show(exc)}")
            continue
        want = _exception(marked[0])
        if exc is None:
            problems.append(f"line {stmt.lineno}: marked `# raises: {marked[0]}` but NumPy ran it without error")
            continue
        if type(exc) is not want:
            problems.append(f"line {stmt.lineno}: raised {type(exc).__module__}.{type(exc).__qualname__}, "
                            f"marked {marked[0]}\n{_show(exc)}")
            continue
        where = _raising_line(path, exc)
        if where not in claims and where not in raises_here and where not in planted:
            problems.append(f"line {stmt.lineno}: raised at line {where}, which has no `# expect: SL004/SL007` "
                            f"or `# raises here:` marker\n{_show(exc)}")
            continue
        hit.add(where)
    for line in sorted(claims - hit):
        problems.append(f"line {line}: `# expect:` {[c for l, c in expected if l == line]} is not where any marked call raised")
    for line in sorted(set(raises_here) - hit):
        problems.append(f"line {line}: `# raises here:` is not where any marked call raised (claim of line {sl003[line]})")
    if not (_is_e2e(path) and raises):  # a program that crashes never reaches the functions after the crash
        problems += _never_called(run)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FIXED, ids=ids)
def test_fixed_siblings_run_without_error(path: Path, monkeypatch) -> None:
    run = execute(path, monkeypatch)
    problems = [f"line {stmt.lineno}: raised\n{_show(exc)}" for stmt, exc in run.outcomes if exc is not None]
    problems += _never_called(run)
    assert not problems, "\n".join(problems)


def test_every_raising_rule_fixture_is_run() -> None:
    assert {p.parent.name for p in RUN} >= set(RAISING_RULES)
    buggy = [p for p in RUN if p.parent.name in RAISING_RULES and not p.name.startswith("clean_")]
    assert all(_has_raises_marker(p) for p in buggy)


def test_every_end_to_end_copy_that_claims_a_raise_is_confirmed() -> None:
    """An end-to-end copy with an SL004/SL007 marker carries a `# raises:` on its `__main__` call."""
    claiming = [p for p in E2E if any(code in RAISING_RULES for _, code in expected_findings(p))]
    assert all(_has_raises_marker(p) for p in claiming)


def test_every_buggy_trap_that_claims_a_raise_is_confirmed() -> None:
    """A buggy trap with an SL004/SL007 marker is run and carries `# raises:` calls (unless not run)."""
    claiming = [p for p in TRAPS if not p.name.startswith("clean_")
                and any(code in RAISING_RULES for _, code in expected_findings(p))]
    assert all(p in RUN_TRAPS and _has_raises_marker(p) for p in claiming if p not in NOT_RUN)
    assert all(p.name.startswith(("clean_cause_", "buggy_cause_")) for p in TRAPS)
