"""Our cheap positions are libcst's PositionProvider's, node for node."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from shapelint.cst_walk import direct_children
from shapelint.positions import locate

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
