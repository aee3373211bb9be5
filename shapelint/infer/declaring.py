"""Shapes the author declares (comment lines, trailing comments, annotations, asserts) applied to
what the code holds: the code's shape wins where it is known, and a declaration that does not hold
is an event for the rules."""
from __future__ import annotations

from typing import Optional

from ..domain.dims import AnyDim, Dim, dim_eq, sym
from ..domain.shapes import Shape, shapes_same
from .declarations import comment_declarations, resolve
from .events import Declared
from .facts import promote_named
from .frame import Frame
from .values import UNKNOWN, ArrayValue, IntValue, Value


class DeclarationApplier:
    """Mixin of the interpreter."""

    def apply_comment_lines(self, lines, frame: Frame) -> None:
        for line in lines:
            if line.comment is None:
                continue
            for name, spec in comment_declarations(line.comment.value):
                shape = self.resolve_spec(spec, frame)
                current = frame.lookup(name)
                if isinstance(current, ArrayValue) or (current is UNKNOWN and frame.is_bound(name)):
                    refined = self.declare(frame, None, current if isinstance(current, ArrayValue) else None, shape, "comment")
                    frame.env[name] = refined
                else:
                    frame.pending[name] = shape

    def resolve_spec(self, spec, frame: Frame) -> Shape:
        """A declaration's names are sizes of the scope when bound, else new names. A label the
        author names in a declaration (``n, m = X.shape`` then ``# (n, m)``) is theirs from then on:
        distinct by intent, everywhere the frame holds it."""
        def lookup(name: str) -> AnyDim:
            value = frame.lookup(name)
            if isinstance(value, IntValue) and isinstance(value.dim, Dim):
                if value.dim.labels and value.dim.symbols == (name,):
                    self.learn_equal(frame, value.dim, sym(name), checked=True)
                    return sym(name)
                return value.dim
            return sym(name)

        return resolve(spec, lookup)

    def declare(self, frame: Frame, value_node, value: Optional[ArrayValue], declared: Shape, source: str) -> Value:
        """What a name holds given a declaration: the inferred shape if known (checked), else the declared."""
        if value is not None:
            value = promote_named(value, declared)
        if value is None and self.foreign_arrays:
            return UNKNOWN  # with torch or jax about, a declared value of unknown kind may be theirs
        if value is None or not value.shape.known_rank:
            return ArrayValue(declared) if declared.known_rank else (value or UNKNOWN)
        if value_node is not None:
            self.check_declared(frame, value_node, value, declared, source)
        if declared.known_rank and len(declared) == len(value.shape):
            dims = tuple(decl if dim_eq(d, decl) is True or not isinstance(d, Dim) else d for d, decl in zip(value.shape.dims, declared.dims))
            return value.with_shape(Shape(dims))
        return value

    def check_declared(self, frame: Frame, value_node, value: Value, declared: Shape, source: str) -> None:
        if isinstance(value, ArrayValue) and value.shape.known_rank and declared.known_rank:
            if not shapes_same(value.shape, declared):
                self.emit(frame, Declared(value_node, value, value_node, declared, source))
