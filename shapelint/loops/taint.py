"""Which names hold values computed from the loop variable (``k = labels[i]``).

An index written with such a name (``counts[k] += 1``) may repeat or reach
another iteration's element, exactly like ``counts[labels[i]]``.
"""
from __future__ import annotations

import libcst as cst

from ..cst_walk import code_children

from .indices import names_in
from .syntax import bound_names


_SCOPES = frozenset({cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp, cst.Lambda, cst.FunctionDef, cst.ClassDef})


def assignments(body: cst.CSTNode) -> list[tuple[list[str], set[str]]]:
    """(names bound, names read by the bound value) for every binding in a body (not in comprehensions)."""
    pairs = []
    stack = [body]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: isinstance on libcst's abstract classes is slow on hot walks
        if kind in _SCOPES:
            continue
        if kind is cst.Assign:
            for target in node.targets:
                pairs.append((bound_names(target.target), names_in(node.value)))
        elif kind is cst.AnnAssign and node.value is not None:
            pairs.append((bound_names(node.target), names_in(node.value)))
        elif kind is cst.AugAssign or kind is cst.NamedExpr:
            pairs.append((bound_names(node.target), names_in(node.value)))
        elif kind is cst.For:
            pairs.append((bound_names(node.target), names_in(node.iter)))
        stack.extend(code_children(node))
    return pairs


def tainted_names(pairs, seeds: set) -> frozenset:
    """Names whose value may depend on the loop variable (``k = idx[i]``)."""
    tainted = set(seeds)
    changed = True
    while changed:
        changed = False
        for targets, sources in pairs:
            if sources & tainted:
                for name in targets:
                    if name not in tainted:
                        tainted.add(name)
                        changed = True
    return frozenset(tainted)
