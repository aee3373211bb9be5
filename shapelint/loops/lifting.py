"""The whole-array form of a per-iteration expression.

``lift`` replaces each read indexed by a loop variable with the whole array
(``X[:, i:i + 1]`` -> ``X``, ``w[i]`` -> ``w``, ``X[i, :]`` -> ``X``),
inlines the loop's own temporaries, and rewrites the scalar functions of
``math`` and the builtins into their NumPy forms (``math.exp`` -> ``np.exp``,
``min(max(x, lo), hi)`` -> ``np.clip(x, lo, hi)``), keeping track of the axis
each loop variable ends up on (``layout``) so that operands line up
(``a[i] * b[j]`` -> ``a[:, None] * b``) and reductions over a row keep their
axis (``np.mean(X[i, :])`` -> ``np.mean(X, axis=1, keepdims=True)``).

Anything it does not know how to lift (``.item()``, a helper with an ``if``,
a loop variable used as a number) makes it give up: the rule then words a
plainer message, or stays silent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..cst_walk import direct_children

from ..infer.values import ArrayValue, IntValue
from .effects import qualname
from .indices import ELLIPSIS, FREE, FULL, NEWAXIS, VAR, VSLICE, classify
from .layout import Layout, Lifted, Slot, align, atom, has_vars, transposed
from .scan import Scan
from .lifting_calls import _EQUAL, CallLifting, GiveUp


@dataclass
class Lifter(CallLifting):
    """Lifts expressions of one loop nest over the variables ``vars`` (outermost first)."""

    vars: tuple
    scan: Scan
    entry: dict
    target: Layout = ()                  # the layout every elementwise result is aligned to
    numpy: str = "np"
    keepdims: bool = True                # reductions keep their axes (False: stacked results, no broadcasting)
    outer: object = None                 # the reduction that is the whole value: it keeps no axis
    inner_elements: dict = field(default_factory=dict)  # element of an inner loop -> (array, its index)
    preamble: list = field(default_factory=list)  # (name, Lifted) of temporaries used more than once
    _privates: dict = field(default_factory=dict)
    _inlined: set = field(default_factory=set)   # ids of inlined temporaries' nodes (parenthesized as operands)

    def operand(self, node: cst.BaseExpression) -> cst.BaseExpression:
        return atom(node) if id(node) in self._inlined else node

    # --- entry points --------------------------------------------------------------------

    def lift(self, node: cst.BaseExpression) -> Optional[Lifted]:
        try:
            return self.natural(node)
        except GiveUp:
            return None

    def aligned(self, node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        lifted = self.lift(node)
        if lifted is None:
            return None
        return align(lifted.node, lifted.layout, self.target)

    def read_layout(self, node: cst.BaseExpression) -> Optional[Layout]:
        """The widest layout among the reads in ``node`` that a loop variable indexes (``e * x`` for a
        number ``e`` and a row ``x``: the row's)."""
        found: list = []
        for sub in _subscripts(node):
            try:
                lifted = self.read(sub)
            except GiveUp:
                continue
            if lifted is not None and has_vars(lifted.layout):
                found.append(lifted.layout)
        for name in _names(node):
            if name in self.scan.header.elements:
                try:
                    found.append(self.name(cst.Name(name)).layout)
                except GiveUp:
                    return None
                continue
            value = self._private_value(name)
            if value is not None:
                layout = self.read_layout(value)
                if layout:
                    found.append(layout)
        return max(found, key=len) if found else None

    # --- expressions ---------------------------------------------------------------------

    def natural(self, node: cst.BaseExpression) -> Lifted:
        if isinstance(node, (cst.Attribute, cst.Call)) and self.invariant(node):
            return self.constant(node)
        if isinstance(node, cst.Name):
            return self.name(node)
        if isinstance(node, (cst.Integer, cst.Float)):
            return Lifted(node, ())
        if isinstance(node, cst.Subscript):
            lifted = self.read(node)
            if lifted is None:
                raise GiveUp
            return lifted
        if isinstance(node, cst.Attribute):
            return self.attribute(node)
        if isinstance(node, cst.UnaryOperation):
            if isinstance(node.operator, cst.Not):
                raise GiveUp
            inner = self.natural(node.expression)
            return Lifted(node.with_changes(expression=self.operand(inner.node)), inner.layout)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.MatrixMultiply):
                return self.matmul(node, node.left, node.right, "@")
            return self.elementwise(node, [node.left, node.right], lambda l, r: node.with_changes(
                left=self.operand(l), right=self.operand(r)))
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            comparison = node.comparisons[0]
            return self.elementwise(
                node, [node.left, comparison.comparator],
                lambda l, r: node.with_changes(left=self.operand(l), comparisons=[comparison.with_changes(comparator=self.operand(r))]),
            )
        if isinstance(node, cst.IfExp):
            test = self.natural(node.test)
            if not has_vars(test.layout):
                return self.elementwise(node, [node.body, node.orelse], lambda b, o: node.with_changes(body=b, orelse=o))
            return self.elementwise(node, [node.test, node.body, node.orelse], lambda t, b, o: self.np_call("where", [t, b, o]))
        if isinstance(node, cst.Call):
            return self.call(node)
        raise GiveUp

    def invariant(self, node: cst.BaseExpression) -> bool:
        """The same on every iteration: it reads no loop variable, element or value the loop writes."""
        from .indices import names_in

        loop = set(self.vars) | set(self.scan.header.elements) | set(self.scan.written)
        return not (names_in(node) & loop)

    def constant(self, node: cst.BaseExpression) -> Lifted:
        """A loop-invariant operand (``self.coef_``, ``b.ravel()``), as the interpreter shapes it."""
        from .idioms import evaluate_shape

        shape = evaluate_shape(node, self.entry, [])
        if shape is None:
            raise GiveUp
        return Lifted(node, (Slot(),) * shape.rank)

    def name(self, node: cst.Name) -> Lifted:
        name = node.value
        if name in self.vars:
            raise GiveUp  # the index used as a number (np.arange would be needed)
        if name in self.scan.header.elements or name in self.inner_elements:
            array, var = self.inner_elements.get(name) or (self.scan.header.elements[name], self.scan.header.var)
            index = cst.SubscriptElement(cst.Index(cst.Name(var)))
            return self.read(cst.Subscript(cst.Name(array), [index]))
        if name in self.scan.written:
            if name in self._privates:
                return self._privates[name]
            value = self._private_value(name)
            if value is None:
                raise GiveUp
            lifted = self.natural(value)
            if len(self.scan.reads.get(name, ())) > 1 and not _is_plain(lifted.node):
                self.preamble.append((name, lifted))
                lifted = Lifted(node, lifted.layout)
            else:
                self._inlined.add(id(lifted.node))
            self._privates[name] = lifted
            return lifted
        value = self.entry.get(name)
        if isinstance(value, ArrayValue) and value.shape.known_rank:
            return Lifted(node, (Slot(),) * value.shape.rank)
        if isinstance(value, IntValue) or name in ("True", "False"):
            return Lifted(node, ())
        raise GiveUp

    def _private_value(self, name: str) -> Optional[cst.BaseExpression]:
        defs = self.scan.defs.get(name, [])
        if len(defs) != 1 or defs[0].kind != "assign" or defs[0].guarded or defs[0].value is None:
            return None
        return defs[0].value

    def read(self, node: cst.Subscript) -> Optional[Lifted]:
        base = node.value
        levels = [node]
        while isinstance(base, cst.Subscript):
            levels.append(base)
            base = base.value
        if len(levels) != 1 or not isinstance(base, cst.Name):
            raise GiveUp
        name = base.value
        if name in self.scan.written:
            raise GiveUp  # a subscript of a local value: not lifted
        array = self.entry.get(name)
        if not isinstance(array, ArrayValue) or not array.shape.known_rank:
            raise GiveUp
        comps = [classify(element, self.vars) for element in node.slice]
        seen: set = set()
        layout: list = []
        elements: list = []
        for comp, element in zip(comps, node.slice):
            if comp.kind in (NEWAXIS, ELLIPSIS) or comp.kind not in (VAR, VSLICE, FULL, FREE):
                raise GiveUp
            if comp.kind in (VAR, VSLICE):
                if comp.var in seen:
                    raise GiveUp  # a diagonal: X[i, i]
                seen.add(comp.var)
                layout.append(Slot(comp.var, kept=comp.kind == VSLICE))
                elements.append(cst.SubscriptElement(cst.Slice(None, None)))
            elif comp.kind == FULL or comp.is_slice:
                layout.append(Slot())
                elements.append(element)
            else:
                elements.append(element)
        rest = array.shape.rank - sum(1 for c in comps if c.kind != NEWAXIS)
        if rest < 0:
            raise GiveUp
        layout.extend(Slot() for _ in range(rest))
        while elements and isinstance(elements[-1].slice, cst.Slice) and _is_full(elements[-1].slice):
            elements.pop()
        lifted = base if not elements else cst.Subscript(base, [e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in elements])
        return Lifted(lifted, tuple(layout))

    def attribute(self, node: cst.Attribute) -> Lifted:
        if node.attr.value != "T":
            if qualname(node, self.entry) is not None:
                raise GiveUp
            raise GiveUp
        inner = self.natural(node.value)
        if any(slot.inserted for slot in inner.layout) or len(inner.layout) > 2:
            raise GiveUp
        return Lifted(transposed(inner.node), inner.layout[::-1])

    def elementwise(self, node, operands, rebuild) -> Lifted:
        lifted = [self.natural(op) for op in operands]
        if not any(has_vars(item.layout) for item in lifted):
            layout = max((item.layout for item in lifted), key=len)
            return Lifted(rebuild(*[item.node for item in lifted]), layout)
        if sum(1 for item in lifted if item.layout) == 1:  # one array among numbers: nothing to line up
            layout = next(item.layout for item in lifted if item.layout)
            return Lifted(rebuild(*[item.node for item in lifted]), layout)
        nodes = []
        for item in lifted:
            aligned = align(item.node, item.layout, self.target)
            if aligned is None:
                raise GiveUp
            nodes.append(aligned)
        return Lifted(rebuild(*nodes), self.target)

    def matmul(self, node, left: cst.BaseExpression, right: cst.BaseExpression, func: str) -> Lifted:
        a, b = self.natural(left), self.natural(right)
        la, lb = a.node, b.node
        pa = sum(1 for s in a.layout if s.per_iteration)
        pb = sum(1 for s in b.layout if s.per_iteration)
        ins_a = [s for s in a.layout if s.inserted]
        ins_b = [s for s in b.layout if s.inserted]
        if len(a.layout) > 2 or len(b.layout) > 2 or any(s.one for s in a.layout + b.layout):
            raise GiveUp
        if not ins_a and not ins_b and pa == 2 and pb == 2:
            if a.layout[1].var is not None or b.layout[0].var is not None:
                raise GiveUp  # a sum over the loop variable: only as a whole reduction
            return Lifted(self.product(node, la, lb, func), (a.layout[0], b.layout[1]))
        if not has_vars(a.layout) and not has_vars(b.layout):
            if pa == 1 and pb == 1:
                layout: tuple = ()
            elif pa == 1:
                layout = (b.layout[1],)
            elif pb == 1:
                layout = (a.layout[0],)
            else:
                layout = (a.layout[0], b.layout[1])
            return Lifted(self.product(node, la, lb, func), layout)
        if pa == 1 and pb == 1 and tuple(a.layout) == tuple(b.layout) and len(ins_a) == 1 and len(a.layout) == 2:
            free = next(p for p, slot in enumerate(a.layout) if slot.var is None)  # rows a_i @ b_i: one dot each
            product = cst.BinaryOperation(atom(la), cst.Multiply(), atom(lb))
            axis = cst.Arg(cst.Integer(str(free)), keyword=cst.Name("axis"), equal=_EQUAL)
            return Lifted(cst.Call(cst.Attribute(cst.Name(self.numpy), cst.Name("sum")), [cst.Arg(product), axis]),
                          tuple(slot for slot in a.layout if slot.var is not None))
        if pa == 1 and not has_vars(b.layout) and len(ins_a) == 1:
            if a.layout[0].inserted:              # row x_i = X[i] @ B -> X @ B
                tail = (b.layout[-1],) if pb == 2 else ()
                return Lifted(self.product(node, la, lb, func), (a.layout[0],) + tail)
            if pb == 2:                           # column x_i = X[:, i] @ B -> B.T @ X
                return Lifted(self.product(node, transposed(lb), la, func), (b.layout[1], a.layout[1]))
            return Lifted(self.product(node, lb, la, func), (a.layout[1],))  # x_i @ w -> w @ X
        if pb == 1 and not has_vars(a.layout) and len(ins_b) == 1:
            if b.layout[-1].inserted:             # A @ X[:, i] -> A @ X
                head = (a.layout[0],) if pa == 2 else ()
                return Lifted(self.product(node, la, lb, func), head + (b.layout[-1],))
            if pa == 2:                           # A @ X[i] -> X @ A.T
                return Lifted(self.product(node, lb, transposed(la), func), (b.layout[0], a.layout[0]))
            return Lifted(self.product(node, lb, la, func), (b.layout[0],))  # w @ X[i] -> X @ w
        raise GiveUp

    def product(self, node, left, right, func: str) -> cst.BaseExpression:
        if func == "@":
            return cst.BinaryOperation(atom(left), cst.MatrixMultiply(), atom(right))
        return self.np_call(func, [left, right])

    def np_call(self, name: str, args: list) -> cst.Call:
        return cst.Call(cst.Attribute(cst.Name(self.numpy), cst.Name(name)), [cst.Arg(a) for a in args])


def _is_full(item: cst.Slice) -> bool:
    return item.lower is None and item.upper is None and item.step is None


def _is_plain(value: cst.BaseExpression) -> bool:
    return isinstance(value, (cst.Name, cst.Subscript, cst.Attribute))


def _mentions(node: cst.CSTNode, names) -> bool:
    from .indices import names_in

    return bool(names_in(node) & set(names))


def _subscripts(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, cst.Subscript):
            yield current
            continue
        stack[:0] = list(direct_children(current))


def _names(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, cst.Name):
            yield current.value
            continue
        if isinstance(current, cst.Attribute):
            stack.insert(0, current.value)
            continue
        stack[:0] = list(direct_children(current))
