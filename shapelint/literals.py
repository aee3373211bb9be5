"""Reading literal values from the syntax tree, once, the way Python reads them."""
from __future__ import annotations

from typing import Optional

import libcst as cst


def integer_literal(node: cst.CSTNode) -> Optional[int]:
    """The value of an int literal in any spelling Python accepts (``3``, ``1_000``, ``0x1F``,
    ``0o7``, ``0b10``), or of its negation (``-2``); None for anything else."""
    if type(node) is cst.UnaryOperation and type(node.operator) is cst.Minus:
        value = integer_literal(node.expression)
        return None if value is None else -value
    if type(node) is not cst.Integer:
        return None
    try:
        return int(node.value, 0)
    except ValueError:
        return None
