"""Products of indexed reads over a nest of loops, named as one array operation.

``C[i, j] += A[i, k] * B[k, j]`` over i, j, k is ``A @ B``; ``s += w[i] * x[i]``
is ``w @ x``; ``C[i, j] = a[i] * b[j]`` is ``np.outer(a, b)``; ``y[i] += W[i, j] *
x[j]`` is ``W @ x``; anything else of this shape is an ``np.einsum``.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..infer.values import ArrayValue
from .indices import VAR, classify, names_in
from .layout import atom


def einsum(value, out: list, accumulate: bool, nest: tuple, entry: dict, written, numpy: str) -> Optional[tuple[str, str]]:
    """``A[i, k] * B[k, j]`` summed over k into ``C[i, j]`` -> ("matmul", "A @ B"); else ``np.einsum``."""
    contracted = _vector_product(value, nest, entry)
    if contracted is not None:  # ``X[:, i] @ Y[:, j]``: one more index, summed by ``@`` itself
        reads, scalars = contracted, []
    else:
        reads, scalars = [], []
    for factor in ([] if contracted is not None else factors(value)):
        read = indexed_read(factor, nest, entry)
        if read is not None:
            reads.append(read)
        elif not (names_in(factor) & (set(nest) | set(written))):
            scalars.append(cst.Module([]).code_for_node(atom(factor)))
        else:
            return None
    if not reads:
        return None
    used = [v for _, vars_ in reads for v in vars_ if v != CONTRACTED]
    if set(used) != set(nest) or not set(out) <= set(used):
        return None
    summed = [v for v in nest if v not in out]
    if summed and not accumulate:
        return None
    letters = {v: "ijklmnpq"[k] for k, v in enumerate(nest)}
    letters[CONTRACTED] = "z"
    spec = [("".join(letters[v] for v in vars_)) for _, vars_ in reads]
    result = "".join(letters[v] for v in out)
    named = named_product([name for name, _ in reads], spec, result, numpy)
    if named is None:
        if not summed and len(reads) > 1:
            return None  # an elementwise product: the lifter words it
        arrays = ", ".join(name for name, _ in reads)
        named = ("einsum", f"{numpy}.einsum(\"{','.join(spec)}->{result}\", {arrays})")
    kind, expression = named
    if scalars:
        expression = " * ".join(scalars) + f" * {_atom_code(expression)}"
    return kind, expression

def named_product(names: list, spec: list, out: str, np: str) -> Optional[tuple[str, str]]:
    if len(names) == 1:
        (a,), (s,) = names, spec
        if out == "":
            return "sum", f"{a}.sum()"
        if len(s) == 2 and len(out) == 1:
            return "sum", f"{a}.sum(axis={1 - s.index(out)})"
        if s == out:
            return None
        if len(s) == 2 and s[::-1] == out:
            return "transpose", f"{a}.T"
        return None
    if len(names) != 2:
        return None
    (a, b), (sa, sb) = names, spec
    for (x, sx), (y, sy) in (((a, sa), (b, sb)), ((b, sb), (a, sa))):
        if len(sx) == 1 and len(sy) == 1 and sx == sy and out == "":
            return "dot", f"{x} @ {y}"
        if len(sx) == 1 and len(sy) == 1 and sx != sy and out == sx + sy:
            return "outer", f"{np}.outer({x}, {y})"
        if len(sx) == 2 and len(sy) == 2 and len(out) == 2:
            shared = set(sx) & set(sy)
            if len(shared) != 1:
                continue
            k = shared.pop()
            rows, cols = sx.replace(k, ""), sy.replace(k, "")
            if rows + cols != out:
                continue
            left = x if sx == rows + k else f"{x}.T"
            right = y if sy == k + cols else f"{y}.T"
            return "matmul", f"{left} @ {right}"
        if len(sx) == 2 and len(sy) == 1 and len(out) == 1 and sy in sx:
            rest = sx.replace(sy, "")
            if rest != out:
                continue
            return "matmul", (f"{x} @ {y}" if sx == out + sy else f"{x}.T @ {y}")
    return None


CONTRACTED = "__contracted__"


def _vector_product(value, nest: tuple, entry: dict) -> Optional[list]:
    """``A[:, i] @ B[:, j]`` (or ``np.dot``) of two vectors cut from matrices: the two reads, each
    with the contracted axis marked."""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.MatrixMultiply):
        left, right = value.left, value.right
    else:
        return None
    reads = []
    for side in (left, right):
        if not (isinstance(side, cst.Subscript) and isinstance(side.value, cst.Name)) or len(side.slice) != 2:
            return None
        array = entry.get(side.value.value)
        if not isinstance(array, ArrayValue) or array.shape.rank != 2:
            return None
        vars_ = []
        for element in side.slice:
            item = element.slice
            if isinstance(item, cst.Slice) and item.lower is None and item.upper is None and item.step is None:
                vars_.append(CONTRACTED)
                continue
            comp = classify(element, nest)
            if comp.kind != VAR:
                return None
            vars_.append(comp.var)
        if vars_.count(CONTRACTED) != 1:
            return None
        reads.append((side.value.value, vars_))
    return reads


def factors(node: cst.BaseExpression) -> list:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply) and not node.lpar:
        return factors(node.left) + factors(node.right)
    if node.lpar and isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        return factors(node.with_changes(lpar=[], rpar=[]))
    return [node]


def indexed_read(node, nest: tuple, entry: dict) -> Optional[tuple[str, list]]:
    """``A[i, k]`` with every index a loop variable of the nest (each once) -> ("A", ["i", "k"])."""
    if not (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name)):
        return None
    array = entry.get(node.value.value)
    if not isinstance(array, ArrayValue) or array.shape.rank != len(node.slice):
        return None
    vars_ = []
    for element in node.slice:
        comp = classify(element, nest)
        if comp.kind != VAR or comp.var in vars_:
            return None
        vars_.append(comp.var)
    return node.value.value, vars_


def index_vars(target: cst.Subscript, nest: tuple) -> Optional[list]:
    vars_ = []
    for element in target.slice:
        comp = classify(element, nest)
        if comp.kind != VAR or comp.var in vars_:
            return None
        vars_.append(comp.var)
    return vars_


def _atom_code(code: str) -> str:
    return code if code.replace("_", "").replace(".", "").isalnum() else f"({code})"
