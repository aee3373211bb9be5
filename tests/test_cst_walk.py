"""``code_children`` skips layout only: every expression and statement is still reached."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from shapelint.cst_walk import code_children, direct_children

ROOT = Path(__file__).resolve().parents[1]
CODE = (cst.BaseExpression, cst.BaseStatement, cst.BaseSmallStatement, cst.BaseSuite, cst.Arg, cst.Param,
        cst.BaseSlice, cst.SubscriptElement, cst.BaseElement, cst.BaseDictElement, cst.CompFor, cst.ImportAlias)


def reached(module: cst.Module, children) -> tuple[Counter, int]:
    code, total = Counter(), 0
    stack = [module]
    while stack:
        node = stack.pop()
        total += 1
        if isinstance(node, CODE):
            code[type(node).__name__] += 1
        stack.extend(children(node))
    return code, total


@pytest.mark.parametrize("name", ["reference_net/vectorized.py", "reference_net/loops.py", "fixtures/e2e/estimator_sl001.py"])
def test_code_children_reach_all_the_code_and_far_fewer_nodes(name):
    source = (ROOT / name).read_text() + "from .. import x as y\nd = {**a, 'k': (b)}\nf = lambda *p, q=1: p[1:2, ...]\n"
    module = cst.parse_module(source)
    every, all_nodes = reached(module, direct_children)
    code, code_nodes = reached(module, code_children)
    assert code == every
    assert code_nodes < all_nodes / 2
