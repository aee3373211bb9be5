"""Building fixes: the replacement text for a reduction with other arguments, a transposed
operand, a column instead of a rank-1 array. Built with libcst so comments and spacing stay."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from ..infer.values import Reduction
from ..literals import integer_literal
from ..numpy_model import properties
from .base import DISPLAY_ONLY, SAFE, UNSAFE, Fix, RuleContext

_NO_SPACE = cst.SimpleWhitespace("")


def keyword(name: str, value: str) -> cst.Arg:
    return cst.Arg(
        keyword=cst.Name(name),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE),
    )


def with_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    """``f(a)`` -> ``f(a, name=value)``; replaces the keyword if it is there."""
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[index] = arg.with_changes(value=cst.parse_expression(value))
            return call.with_changes(args=args)
    if args and args[-1].comma == cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(keyword(name, value))
    return call.with_changes(args=args)


def axis_text(axes: tuple[int, ...]) -> str:
    return str(axes[0]) if len(axes) == 1 else str(tuple(axes))


def refit_reduction(ctx: RuleContext, reduction: Reduction, axes: tuple[int, ...], keepdims: bool) -> Optional[str]:
    """The reduction call rewritten with other axes and/or keepdims, or None if it cannot be."""
    call = reduction.node
    if not isinstance(call, cst.Call):
        return None
    if axes != reduction.axes:
        if reduction.axis_node is None:
            return None
        call = call.deep_replace(reduction.axis_node, cst.parse_expression(axis_text(axes)))
    if keepdims and not reduction.keepdims:
        call = with_keyword(call, "keepdims", "True")
    return ctx.render(call)


def transposed(ctx: RuleContext, node: cst.BaseExpression) -> str:
    """``A`` -> ``A.T``; ``W.T`` -> ``W``; ``a * b`` -> ``(a * b).T``."""
    if isinstance(node, cst.Attribute) and node.attr.value == "T":
        return ctx.render(node.value)
    text = ctx.render(node)
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)) and not node.lpar:
        return f"{text}.T"
    return f"({text.strip()}).T"


def as_column(ctx: RuleContext, node: cst.BaseExpression) -> str:
    return column_of(ctx.render(node), node)


def column_of(text: str, node: cst.BaseExpression) -> str:
    """``x.reshape(-1, 1)``, or ``(a / n).reshape(-1, 1)``."""
    return f"{operand(text, node)}.reshape(-1, 1)"


def operand(text: str, node: cst.BaseExpression) -> str:
    """``node``'s text, parenthesized when a method call or subscript after it would bind tighter
    than its operators (``a / n`` -> ``(a / n)``)."""
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)) or node.lpar:
        return text
    return f"({text.strip()})"


SHAPE_TUPLE_CONSTRUCTORS = properties.named("shape_arg")
SIZE_ARGS_CONSTRUCTORS = properties.named("size_args")


@dataclass(frozen=True)
class Column:
    """How a rank-1 maker makes a column instead: the edit, and the new maker's code."""

    edit: tuple[cst.CSTNode, str]
    code: str


def column_maker(ctx: RuleContext, made_at: cst.CSTNode) -> Optional[Column]:
    """``np.zeros(n)`` -> ``np.zeros((n, 1))``, ``np.random.randn(n)`` -> ``np.random.randn(n, 1)``,
    ``X[:, i]`` -> ``X[:, i:i + 1]``; None for other makers."""
    if isinstance(made_at, cst.Call) and made_at.args and made_at.args[0].keyword is None:
        func = made_at.func
        short = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        first = made_at.args[0].value
        size = ctx.render(first)
        rest = "".join(", " + ctx.render(arg).strip().rstrip(",") for arg in made_at.args[1:])
        if short in SHAPE_TUPLE_CONSTRUCTORS and not isinstance(first, (cst.Tuple, cst.List)):
            return Column((first, f"({size}, 1)"), f"{ctx.render(func)}(({size}, 1){rest})")
        if short in SIZE_ARGS_CONSTRUCTORS and len(made_at.args) == 1:
            return Column((first, f"{size}, 1"), f"{ctx.render(func)}({size}, 1)")
    if isinstance(made_at, cst.Subscript) and len(made_at.slice) == 2:
        element = made_at.slice[1].slice
        first = made_at.slice[0].slice
        if isinstance(element, cst.Index) and isinstance(first, cst.Slice) and first.lower is None and first.upper is None:
            span = column_span(ctx.render(element.value), integer_literal(element.value))
            return Column((element, span), f"{ctx.render(made_at.value)}[:, {span}]")
    return None


def column_span(index: str, value: Optional[int]) -> str:
    """The slice that keeps column ``index``'s axis: ``i:i + 1``; ``0:1`` for a literal (-1: ``-1:``)."""
    if value is None:
        return f"{index}:{index} + 1"
    return f"{value}:" if value == -1 else f"{value}:{value + 1}"


def fix(title: str, applicability: str, *edits: tuple[cst.CSTNode, str]) -> Fix:
    return Fix(title, applicability, tuple(edits))


__all__ = ["DISPLAY_ONLY", "SAFE", "UNSAFE", "fix", "refit_reduction", "transposed", "as_column", "column_maker"]
