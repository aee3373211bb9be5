"""Our cheap positions are libcst's PositionProvider's, node for node."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from shapelint.cst_walk import direct_children
from shapelint.positions import SourceLines, _locate_by_statement, locate

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for p in sorted((ROOT / "fixtures").rglob("*.py"))[:40] + sorted((ROOT / "shapelint").rglob("*.py"))[:20] if p.stat().st_size > 100]
KINDS = (cst.BaseExpression, cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.Arg, cst.Index, cst.Slice, cst.SubscriptElement, cst.Param)


def nodes_of(module: cst.Module) -> list[cst.CSTNode]:
    found, stack = [], [module]
    while stack:
        node = stack.pop()
        stack.extend(direct_children(node))
        if isinstance(node, KINDS):
            found.append(node)
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_locate_matches_position_provider(path):
    module = cst.parse_module(path.read_bytes())
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = nodes_of(module)
    assert nodes
    assert locate(module, nodes) == {node: expected[node] for node in nodes}


def test_crlf_and_tabs():
    module = cst.parse_module("if x:\r\n\ty = f(a,\r\n\t      b)\r\n")
    call = module.body[0].body.body[0].body[0].value
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[call]
    assert locate(module, [call])[call] == expected
    assert (expected.start.line, expected.start.column, expected.end.line) == (2, 5, 3)


@pytest.mark.parametrize("path", SOURCES[:12], ids=lambda p: str(p.relative_to(ROOT)))
def test_locating_a_few_nodes_at_a_time_stops_early_and_matches(path):
    """One node, or a handful, as findings ask: the walk stops after the last of them."""
    module = cst.parse_module(path.read_bytes())
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = nodes_of(module)
    for start in range(0, len(nodes), 7):
        few = nodes[start:start + 1 + start % 3]
        assert locate(module, few) == {node: expected[node] for node in few}


class _Unprintable(cst.Pass):
    def _codegen_impl(self, state, *args, **kwargs) -> None:
        raise AssertionError("generated code past the last node wanted")


def test_the_code_after_the_last_node_wanted_is_not_generated():
    module = cst.parse_module("x = f(a)\ny = 2\n")
    after = cst.SimpleStatementLine([_Unprintable()])
    module = module.with_changes(body=[*module.body, after])
    call = module.body[0].body[0].value
    assert locate(module, [call])[call].start.line == 1
    with pytest.raises(AssertionError):
        locate(module, [call, after])


# --- placed statement by statement, from the source -------------------------------------------


@pytest.mark.parametrize("path", SOURCES[:30], ids=lambda p: str(p.relative_to(ROOT)))
def test_placing_statements_by_the_source_matches_position_provider(path):
    """With the source, each statement holding wanted nodes is generated alone and placed where
    CPython says it starts: the positions are still PositionProvider's, and no file falls back."""
    source = path.read_bytes()
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = nodes_of(module)
    code_nodes = set(nodes) - {module}
    lines = SourceLines(module, source)
    assert lines.ready()
    for start in range(0, len(nodes), 5):
        few = [node for node in nodes[start:start + 1 + start % 4] if node in code_nodes]
        if few:
            assert _locate_by_statement(module, frozenset(few), lines) is not None
            assert locate(module, few, lines) == {node: expected[node] for node in few}


TRICKY = {
    "semicolons": "a = f(1); b = g(2)\nc = h(a, b)\n",
    "decorators with comments": "import x\n\n# about f\n@dec\n# between\n@dec2(1)\ndef f(y):\n    return y + 1\n\n\nz = f(2)\n",
    "header comment and docstring": "# header\n\n'''doc'''\n# lead\nx = [1,\n     2]\ny = x\n",
    "crlf": "a = 1\r\nif a:\r\n    b = g(a,\r\n          2)\r\nc = b\r\n",
    "bom and non-ascii": "\ufeffs = 'caf\u00e9'\nt = len(s) + 1\n",
    "continuation": "x = 1 + \\\n    2\ny = x\n",
    "form feed": "x = 1\n\f\ny = f(x)\nclass A:\n    \f\n    z = g(y)\n",
    "no trailing newline": "x = 1\ny = f(x)",
}


@pytest.mark.parametrize("name", TRICKY)
def test_placing_by_the_source_on_tricky_text(name):
    text = TRICKY[name]
    source = text.encode("utf-8")
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [node for node in nodes_of(module) if node is not module]
    for node in nodes:
        assert locate(module, [node], SourceLines(module, source)) == {node: expected[node]}, (name, node)


def test_a_statement_that_is_not_where_the_source_says_falls_back():
    """Parsed from one text, placed against another: the generated statement does not match the
    source there, so the whole module is generated as before (same positions as without source)."""
    module = cst.parse_module("x = 1\ny = f(x)\n")
    call = module.body[1].body[0].value
    lines = SourceLines(module, "x = 1\ny = g(x)\n")
    assert lines.ready()
    assert _locate_by_statement(module, frozenset([call]), lines) is None
    assert locate(module, [call], lines) == locate(module, [call])


@pytest.mark.parametrize("name", TRICKY)
def test_statement_lines_from_the_screen_are_the_ones_a_parse_of_the_text_gives(name):
    """The engine's parse screens the source with CPython first (``complexity``); positions take
    the statements' lines from that screen for that very source object, not parse it again, and
    place every node as PositionProvider does."""
    from shapelint import complexity
    from shapelint.parsing import parse_module

    source = TRICKY[name].encode("utf-8")
    module = parse_module(source)
    assert complexity.top_level_lines(source) is not None
    assert complexity.top_level_lines(bytes(bytearray(source))) is None  # an equal text is not the text screened
    screened, parsed_again = SourceLines(module, source), SourceLines(module, bytes(bytearray(source)))
    assert screened.ready() and parsed_again.ready()
    assert screened.first_lines == parsed_again.first_lines
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [node for node in nodes_of(module) if node is not module]
    assert _locate_by_statement(module, frozenset(nodes), screened) is not None  # placed by those lines, no fallback
    assert locate(module, nodes, screened) == {node: expected[node] for node in nodes}
