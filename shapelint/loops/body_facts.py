"""What one walk of a function body tells ``arrayness``: its loops, the names it rebinds, the
names it uses as arrays itself, and the least rank ``X.shape[k]`` gives them."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..cst_walk import CODE_CHILDREN
from .effects import np_name
from .syntax import bound_names

SCOPE_TYPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})
LOOP_TYPES = frozenset({cst.For, cst.While, cst.ListComp, cst.GeneratorExp})
BINDING_TYPES = frozenset({cst.AssignTarget, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr})
ARRAY_ATTRIBUTES = frozenset({"shape", "T", "ndim", "size", "dtype", "reshape", "ravel", "flatten", "astype"})


class BodyFacts:
    """One walk of a function body: its loops, the names it rebinds (``X = np.asarray(X)``: after
    that the name is another value) and the names it uses as arrays itself (``X.T``,
    ``np.empty_like(X)``; ``X.shape[1]``: at least two axes)."""

    def __init__(self, root: cst.CSTNode, entry: dict) -> None:
        self.loops: list = []
        self.rebound: set = set()
        self.own: set = set()
        self.least_rank: dict = {}
        stack = [root]
        while stack:
            node = stack.pop()
            kind = type(node)  # exact types: isinstance on libcst's abstract classes costs ~200 ns a miss
            if kind is cst.Name or kind in SCOPE_TYPES:  # (a third of the nodes are names: nothing to learn, no children)
                continue
            if kind in LOOP_TYPES:
                self.loops.append(node)
            if kind in BINDING_TYPES:
                self.bind(node.target)
            elif kind is cst.Attribute:
                if type(node.value) is cst.Name and node.attr.value in ARRAY_ATTRIBUTES:
                    self.own.add(node.value.value)
            elif kind is cst.Call:
                if np_name(node.func, entry) is not None:
                    self.own.update(arg.value.value for arg in node.args if type(arg.value) is cst.Name)
            elif kind is cst.Subscript and shape_index(node) is not None:
                name, rank = node.value.value.value, shape_index(node) + 1
                self.least_rank[name] = max(rank, self.least_rank.get(name, 0))
            stack.extend(CODE_CHILDREN[kind](node))

    def bind(self, target) -> None:
        self.rebound.update(bound_names(target))


def shape_index(node: cst.Subscript) -> Optional[int]:
    """``X.shape[1]`` -> 1; None for any other subscript."""
    value = node.value
    if not (type(value) is cst.Attribute and value.attr.value == "shape" and type(value.value) is cst.Name):
        return None
    if len(node.slice) != 1 or type(node.slice[0].slice) is not cst.Index or type(node.slice[0].slice.value) is not cst.Integer:
        return None
    return int(node.slice[0].slice.value.value)
