"""How the lifter rewrites calls: NumPy functions, ``math`` and builtins, helpers, reductions.

A mixin of ``Lifter`` (``lifting``): a reduction of a per-iteration value
reduces only its own axes (``np.mean(X[i, :])`` -> ``np.mean(X, axis=1,
keepdims=True)``), and a reduction over an axis no loop variable reaches
lines the operands up on a wider layout first (``np.sum((X[i] - X[j]) ** 2)``
-> ``np.sum((X[:, None, :] - X) ** 2, axis=2)``).
"""
from __future__ import annotations

from dataclasses import replace

import libcst as cst

from ..infer.values import UserFunction
from ..numpy_model import properties
from .effects import qualname
from .layout import Lifted, Slot, atom, has_vars

REDUCERS = properties.named("reducer") | {"argmax", "argmin"}  # as spelled: ``np.sum(x)`` and ``x.sum()`` alike
AXIS_REDUCERS = ("numpy.linalg.norm", "numpy.argmax", "numpy.argmin")  # take ``axis=``, not described as reducers
MAX_EXTRA_AXES = 2


class GiveUp(Exception):
    pass



class CallLifting:
    def call(self, node: cst.Call) -> Lifted:
        if any(arg.star for arg in node.args):
            raise GiveUp
        positional = [arg.value for arg in node.args if arg.keyword is None]
        keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
        func = node.func
        name = qualname(func, self.entry)
        if name is not None and name.startswith("math."):
            target = properties.MATH_EQUIVALENTS.get(name[5:])
            if target is None or keywords or len(positional) != 1:
                raise GiveUp
            return self.elementwise(node, positional, lambda x: self.np_call(target, [x]))
        if name is not None and name.startswith("numpy."):
            short = name[6:]
            if short in ("dot", "matmul") and len(positional) == 2 and not keywords:
                return self.matmul(node, positional[0], positional[1], "@")
            if (properties.has(name, "reducer") or name in AXIS_REDUCERS) and len(positional) == 1 and not keywords:
                return self.reduce(node, positional[0], lambda arg, kw: node.with_changes(args=[cst.Arg(arg), *kw]))
            if (properties.has(name, "reducer") or name in AXIS_REDUCERS) and positional:
                axis = _axis_argument(positional[1:], keywords)
                if axis is not None:
                    return self.reduce_axis(node, positional[0], axis, lambda arg, kw: node.with_changes(args=[cst.Arg(arg), *kw]))
            if properties.has(name, "elementwise") and not keywords:
                return self.elementwise(node, positional, lambda *xs: node.with_changes(args=[cst.Arg(x) for x in xs]))
            raise GiveUp
        if isinstance(func, cst.Name) and func.value not in self.entry and not keywords:
            builtin = func.value
            if builtin == "abs" and len(positional) == 1:
                return self.elementwise(node, positional, lambda x: self.np_call("abs", [x]))
            if builtin == "float" and len(positional) == 1:
                return self.natural(positional[0])
            if builtin in ("min", "max") and len(positional) == 2:
                clip = _clip(node)
                if clip is not None:
                    return self.elementwise(node, list(clip), lambda x, lo, hi: self.np_call("clip", [x, lo, hi]))
                ufunc = "maximum" if builtin == "max" else "minimum"
                return self.elementwise(node, positional, lambda a, b: self.np_call(ufunc, [a, b]))
            raise GiveUp
        if isinstance(func, cst.Name) and not keywords:
            function = self.entry.get(func.value)
            if isinstance(function, UserFunction) and function.owner is None and elementwise_function(function, self.entry):
                return self.elementwise(node, positional, lambda *xs: node.with_changes(args=[cst.Arg(x) for x in xs]))
            raise GiveUp
        if isinstance(func, cst.Attribute) and func.attr.value in REDUCERS and not positional and not keywords:
            return self.reduce(node, func.value, lambda arg, kw: node.with_changes(
                func=func.with_changes(value=atom(arg)), args=list(kw)))
        if isinstance(func, cst.Attribute) and func.attr.value in REDUCERS:
            axis = _axis_argument(positional, keywords)
            if axis is not None:
                return self.reduce_axis(node, func.value, axis, lambda arg, kw: node.with_changes(
                    func=func.with_changes(value=atom(arg)), args=list(kw)))
        if isinstance(func, cst.Attribute) and func.attr.value == "dot" and len(positional) == 1 and not keywords:
            return self.matmul(node, func.value, positional[0], "@")
        raise GiveUp

    def reduce(self, node, operand: cst.BaseExpression, rebuild) -> Lifted:
        """``np.mean(X[i, :])`` -> ``np.mean(X, axis=1, keepdims=True)``: reduce the per-iteration axes only.

        The axes are kept (to broadcast against the rest of the row) unless the reduction is the
        whole value (``d[i] = np.linalg.norm(x - c)``) or reduces axes only a wider layout had."""
        inner, widened = self.wide(operand)
        axes = [p for p, slot in enumerate(inner.layout) if slot.var is None and not slot.one]
        if not has_vars(inner.layout):
            return Lifted(rebuild(inner.node, []), ())
        if not axes:
            raise GiveUp
        return _reduced(inner, axes, self.keepdims and not widened and node is not self.outer, rebuild)

    def reduce_axis(self, node, operand: cst.BaseExpression, axis: tuple, rebuild) -> Lifted:
        """``np.sum((X - C[k]) ** 2, axis=1)``: the axis names one of the per-iteration value's own
        axes; on the whole arrays it is wherever that axis went (``axis=2`` of ``(n, k, d)``)."""
        number, keepdims = axis
        inner, widened = self.wide(operand)
        own = [p for p, slot in enumerate(inner.layout) if slot.per_iteration]
        if not -len(own) <= number < len(own) or any(slot.kept or slot.one for slot in inner.layout):
            raise GiveUp
        reduced = _reduced(inner, [own[number]], keepdims, rebuild)
        if widened and tuple(reduced.layout) != tuple(self.target):
            raise GiveUp
        return reduced

    def wide(self, operand: cst.BaseExpression) -> tuple:
        """The operand lifted on the target, or on the target with its own axes after it
        (``X[i] - X[j]`` on ``(i, j, ·)``: ``X[:, None, :] - X``); and whether it was widened."""
        try:
            return self.natural(operand), False
        except GiveUp:
            if not self.target:
                raise
        for extra in range(1, MAX_EXTRA_AXES + 1):
            wider = replace(self, target=tuple(self.target) + (Slot(),) * extra, _privates={})
            try:
                lifted = wider.natural(operand)
            except GiveUp:
                continue
            if tuple(lifted.layout[:len(self.target)]) == tuple(self.target):
                return lifted, True
        raise GiveUp


def _reduced(inner: Lifted, axes: list, keepdims: bool, rebuild) -> Lifted:
    """``inner`` reduced over the lifted ``axes`` (``axis=2``, ``axis=(1, 2)``), keeping them as
    size-1 axes or dropping them."""
    axis: cst.BaseExpression = cst.Integer(str(axes[0])) if len(axes) == 1 else cst.Tuple(
        [cst.Element(cst.Integer(str(a))) for a in axes])
    keywords = [cst.Arg(axis, keyword=cst.Name("axis"), equal=_EQUAL)]
    if keepdims:
        keywords.append(cst.Arg(cst.Name("True"), keyword=cst.Name("keepdims"), equal=_EQUAL))
        layout = tuple(Slot(one=True) if p in axes else slot for p, slot in enumerate(inner.layout))
    else:
        layout = tuple(slot for p, slot in enumerate(inner.layout) if p not in axes)
    return Lifted(rebuild(inner.node, keywords), layout)


def _axis_argument(positional: list, keywords: dict):
    """``axis=1`` (or a second positional ``1``) and ``keepdims=True``: (1, True); None for anything else."""
    from ..literals import integer_literal

    if set(keywords) - {"axis", "keepdims"} or len(positional) > 1 or ("axis" in keywords) == bool(positional):
        return None
    number = integer_literal(keywords.get("axis", positional[0] if positional else None))
    keep = keywords.get("keepdims")
    if number is None or (keep is not None and not (isinstance(keep, cst.Name) and keep.value in ("True", "False"))):
        return None
    return number, isinstance(keep, cst.Name) and keep.value == "True"


def outer_reduction(node: cst.BaseExpression):
    """The reduction that makes a whole value, under elementwise functions only (``np.sqrt(np.sum(...))``)."""
    while True:
        if isinstance(node, cst.UnaryOperation):
            node = node.expression
            continue
        if not isinstance(node, cst.Call):
            return None
        func = node.func
        attribute = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
        if attribute in REDUCERS or attribute == "norm":
            return node
        if attribute in ("sqrt", "exp", "log", "abs", "tanh", "square") and len(node.args) == 1:
            node = node.args[0].value
            continue
        return None


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def elementwise_function(function: UserFunction, entry: dict) -> bool:
    """A helper made only of arithmetic and NumPy ufuncs on its parameters (``1 / (1 + np.exp(-z))``)."""
    body = function.node.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    statements = list(body.body)
    if statements and isinstance(statements[0], cst.SimpleStatementLine) and isinstance(statements[0].body[0], cst.Expr):
        statements = statements[1:]  # docstring
    if not statements:
        return False
    closure = function.closure
    env = {**(closure.globals or {}), **closure.env}
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, cst.Return) and small.value is not None:
                value = small.value
            elif isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
                value = small.value
            else:
                return False
            if not _elementwise_expression(value, env):
                return False
    return True


def _elementwise_expression(node: cst.CSTNode, env: dict) -> bool:
    if isinstance(node, (cst.Name, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.BinaryOperation):
        return not isinstance(node.operator, cst.MatrixMultiply) and _elementwise_expression(node.left, env) and _elementwise_expression(node.right, env)
    if isinstance(node, cst.UnaryOperation):
        return not isinstance(node.operator, cst.Not) and _elementwise_expression(node.expression, env)
    if isinstance(node, cst.Call):
        name = qualname(node.func, env)
        if not properties.has(name, "elementwise"):
            return False
        return all(arg.keyword is None and not arg.star and _elementwise_expression(arg.value, env) for arg in node.args)
    return False


def _clip(node: cst.Call):
    """``min(max(x, lo), hi)`` -> (x, lo, hi)."""
    if not (isinstance(node.func, cst.Name) and node.func.value == "min" and len(node.args) == 2):
        return None
    inner, hi = node.args[0].value, node.args[1].value
    if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value == "max" and len(inner.args) == 2):
        return None
    return inner.args[0].value, inner.args[1].value, hi


