"""Which array operation a loop amounts to: the rewrite, with its shape.

For each thing an independent loop keeps (see ``dependence``) this builds the
replacement statement and checks it by shape with the interpreter:

- products of indexed reads over a nest of loops, as a named operation:
  ``C[i, j] += A[i, k] * B[k, j]`` -> ``C += A @ B``, ``s += w[i] * x[i]``
  -> ``s += w @ x``, ``C[i, j] = a[i] * b[j]`` -> ``C = np.outer(a, b)``,
  otherwise ``np.einsum``;
- sums over examples of per-example products: ``dW += dz_i @ a_i.T`` ->
  ``dW += dZ @ A.T``, ``np.outer(d[:, i], x[:, i])`` -> ``D @ X.T``;
- fills and maps: ``A[:, i:i + 1] = f(X[:, i:i + 1])`` -> ``A = f(X)``,
  ``Xn[i, j] = (X[i, j] - np.mean(X[i, :])) / ...`` -> broadcasting with
  ``keepdims``;
- reductions: ``s += e[i]`` -> ``s += np.sum(e)``, ``m = max(m, x[i])`` ->
  ``m = max(m, np.max(x))``;
- lists built by ``append``: the stacked array at once.

A rewrite is kept only if the interpreter agrees that it has the shape the
loop produces; otherwise the loop gets no rewrite (see ``Finding.rewrites``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..domain import ops
from ..domain.shapes import SCALAR, Shape, ShapeError, shapes_same
from ..infer.values import ArrayValue, IntValue
from .dependence import Output, Verdict, analyze_loop
from .layout import Slot, atom, has_vars, transposed
from .effects import np_name, numpy_alias
from .lifting import Lifter
from .lifting_calls import outer_reduction
from .products import einsum, index_vars

MAX_INLINE = 90


@dataclass
class Rewrite:
    kind: str                  # "matmul", "dot", "outer", "einsum", "sum", "max", "min", "prod", "fill", "append"
    source: str                # the per-iteration statement, as written
    code: str                  # the replacement statement
    shape: Optional[Shape]     # the shape of the value it computes
    preamble: list = field(default_factory=list)  # "name = code" lines it needs first
    vars: tuple = ()           # the loop variables it replaces


def rewrites(verdict: Verdict, entry: dict, verdict_of=None) -> Optional[list[Rewrite]]:
    """One rewrite per statement that produces an output, or None if any cannot be built."""
    numpy = numpy_alias(entry)
    found: list[Rewrite] = []
    for output in verdict.outputs:
        if output.conditional:
            return None
        for statement, value in zip(output.statements, output.values):
            if value is None:
                return None
            found_nest = _nest(verdict, statement, entry, verdict_of)
            if found_nest is None:
                return None
            nest, elements = found_nest
            builder = _Builder(verdict, entry, nest, numpy, elements)
            rewrite = builder.build(output, statement, value)
            if rewrite is None:
                return None
            found.append(rewrite)
    return found or None


def _nest(verdict: Verdict, statement, entry: dict, verdict_of=None) -> Optional[tuple]:
    """The loop variables around ``statement`` (the loop's own and those of whole-axis inner
    loops), and the inner loops' element names (``q`` of ``for j, q in enumerate(Q)``: ``Q[j]``)."""
    scan = verdict.scan
    loops = ()
    for access in scan.accesses:
        if access.statement is statement:
            loops = access.loops
            break
    else:
        for defs in scan.defs.values():
            for d in defs:
                if d.statement is statement:
                    loops = d.loops
    names = [verdict.header.var]
    elements: dict = {}
    for loop in loops:
        inner = verdict_of(loop) if verdict_of is not None else analyze_loop(loop, entry, loose=True)
        if inner is None or not inner.independent or inner.header.var in names:
            return None
        names.append(inner.header.var)
        elements.update({name: (array, inner.header.var) for name, array in inner.header.elements.items()})
    return tuple(names), elements


class _Builder:
    def __init__(self, verdict: Verdict, entry: dict, nest: tuple, numpy: str, elements: Optional[dict] = None) -> None:
        self.elements = elements or {}
        self.verdict = verdict
        self.entry = entry
        self.nest = nest
        self.numpy = numpy

    def lifter(self, target=()) -> Lifter:
        return Lifter(self.nest, self.verdict.scan, self.entry, tuple(target), self.numpy, inner_elements=self.elements)

    def build(self, output: Output, statement, value: cst.BaseExpression) -> Optional[Rewrite]:
        selection = self.verdict.scan.selections.get(statement)
        source = " ".join(_code(selection[2] if selection else statement).split())
        if output.kind == "fill":
            return self.fill(statement, value, source)
        if output.kind == "reduce":
            return self.reduce(output, statement, value, source)
        if output.kind == "append":
            return self.append(output, value, source)
        return None

    # --- fills ---------------------------------------------------------------------------

    def fill(self, statement, value, source: str) -> Optional[Rewrite]:
        target = statement.target if isinstance(statement, cst.AugAssign) else _single_target(statement)
        if not isinstance(target, cst.Subscript):
            return None
        op = "+=" if isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign) else (
            "=" if isinstance(statement, cst.Assign) else None)
        if op is None:
            return None
        lifted_target = self.lifter().lift(target)
        if lifted_target is None or set(s.var for s in lifted_target.layout if s.var) != set(self.nest):
            return self.einsum_fill(target, value, op, source)
        einsum = self.einsum_fill(target, value, op, source)
        if einsum is not None:
            return einsum
        lifter = self.lifter(lifted_target.layout)
        lifter.outer = outer_reduction(value)
        lifted = lifter.aligned(value)
        if lifted is None:
            return None
        code = f"{_code(lifted_target.node)} {op} {_code(lifted)}"
        preamble = [f"{name} = {item.code}" for name, item in lifter.preamble]
        expected = self.shape(lifted_target.node)
        got = self.shape(lifted, preamble)
        if expected is None or got is None or not _fits(got, expected):
            return None
        if self.verdict.assumed and not shapes_same(got, expected):
            return None  # on assumed shapes, nothing may rest on broadcasting
        return Rewrite("fill", source, code, expected, preamble, self.nest)

    def einsum_fill(self, target: cst.Subscript, value, op: str, source: str) -> Optional[Rewrite]:
        out = index_vars(target, self.nest)
        if out is None:
            return None
        spec = einsum(value, out, op == "+=", self.nest, self.entry, self.verdict.scan.written, self.numpy)
        if spec is None:
            return None
        kind, expression = spec
        holder = target.value
        code = f"{_code(holder)} {op} {expression}"
        expected = self.shape(_code(holder))
        got = self.shape(expression)
        if expected is None or got is None or not shapes_same(got, expected):
            return None
        return Rewrite(kind, source, code, expected, [], self.nest)

    # --- reductions ----------------------------------------------------------------------

    def reduce(self, output: Output, statement, value, source: str) -> Optional[Rewrite]:
        accumulator = _accumulator_code(statement)
        if accumulator is None:
            return None
        per_iteration = self.shape(_code(value))
        if output.op == "sum":
            sign = "-=" if _is_subtraction(statement) else "+="
            spec = einsum(value, [], True, self.nest, self.entry, self.verdict.scan.written, self.numpy) if not per_iteration or per_iteration.rank == 0 else None
            if spec is not None:
                kind, expression = spec
                return self.checked(kind, source, f"{accumulator} {sign} {expression}", expression, per_iteration)
            contraction = self.contraction(value)
            if contraction is not None:
                return self.checked("matmul-sum", source, f"{accumulator} {sign} {contraction}", contraction, per_iteration)
        target = self.lifter().read_layout(value)
        if target is None:
            return None
        lifter = self.lifter(target)
        lifted = lifter.aligned(value)
        if lifted is None:
            return None
        preamble = [f"{name} = {item.code}" for name, item in lifter.preamble]
        positions = [p for p, slot in enumerate(target) if slot.var is not None]
        if {target[p].var for p in positions} != set(self.nest):
            return None
        kept = {target[p].kept for p in positions}
        whole = all(slot.var is not None for slot in target)
        reducer = {"sum": "sum", "prod": "prod", "max": "max", "min": "min"}[output.op]
        if whole:
            if isinstance(lifted, cst.Name):
                expression = f"{lifted.value}.{reducer}()"
            else:
                expression = f"{self.numpy}.{reducer}({_code(lifted)})"
        else:
            if len(kept) != 1:
                return None
            axis = str(positions[0]) if len(positions) == 1 else "(" + ", ".join(map(str, positions)) + ")"
            keep = ", keepdims=True" if kept.pop() else ""
            expression = f"{self.numpy}.{reducer}({_code(lifted)}, axis={axis}{keep})"
        if output.op in ("max", "min"):
            code = f"{accumulator} = {output.op}({accumulator}, {expression})" if whole else (
                f"{accumulator} = {self.numpy}.{'maximum' if output.op == 'max' else 'minimum'}({accumulator}, {expression})")
        elif output.op == "prod":
            code = f"{accumulator} *= {expression}"
        else:
            code = f"{accumulator} {'-=' if _is_subtraction(statement) else '+='} {expression}"
        return self.checked(output.op, source, code, expression, per_iteration, preamble)

    def checked(self, kind, source, code, expression, per_iteration, preamble=()) -> Optional[Rewrite]:
        got = self.shape(expression, list(preamble))
        if got is None or per_iteration is None:
            return None
        if self.verdict.assumed:  # on assumed shapes, the total must have the shape of one term
            total = self.shape(code.split("=", 1)[0].rstrip(" +-*").strip())
            if total is None or not shapes_same(total, per_iteration):
                return None
        try:
            if not shapes_same(ops.broadcast(got, per_iteration), per_iteration):
                return None
        except ShapeError:
            return None
        return Rewrite(kind, source, code, got, list(preamble), self.nest)

    def contraction(self, value: cst.BaseExpression) -> Optional[str]:
        """``c * (P_i @ Q_i)`` summed over i, with i the last axis of P and the first of Q: ``c * (P @ Q)``."""
        if len(self.nest) != 1:
            return None
        scale, core = _split_scale(value, self.nest)
        if core is None:
            return None
        lifter = self.lifter()
        if isinstance(core, cst.BinaryOperation) and isinstance(core.operator, cst.MatrixMultiply):
            left, right, outer = core.left, core.right, False
        elif isinstance(core, cst.Call) and np_name(core.func, self.entry) in ("dot", "matmul", "outer") and len(core.args) == 2:
            left, right = core.args[0].value, core.args[1].value
            outer = np_name(core.func, self.entry) == "outer"
        else:
            return None
        a, b = lifter.lift(left), lifter.lift(right)
        if a is None or b is None:
            return None
        var = self.nest[0]
        if outer:
            if len(a.layout) != 2 or len(b.layout) != 2:
                return None
            if a.layout[1] == Slot(var) and b.layout[1] == Slot(var):       # columns d[:, i], x[:, i]
                product = f"{_code(atom(a.node))} @ {_code(transposed(b.node))}"
            elif a.layout[0] == Slot(var) and b.layout[0] == Slot(var):     # rows d[i], x[i]
                product = f"{_code(transposed(a.node))} @ {_code(atom(b.node))}"
            else:
                return None
        else:
            if len(a.layout) != 2 or len(b.layout) != 2:
                return None
            if not (a.layout[1] == Slot(var, kept=True) and b.layout[0] == Slot(var, kept=True)):
                return None
            if has_vars(a.layout[:1]) or has_vars(b.layout[1:]):
                return None
            product = f"{_code(atom(a.node))} @ {_code(atom(b.node))}"
        return f"{scale}({product})" if scale else product

    # --- appends -------------------------------------------------------------------------

    def append(self, output: Output, value, source: str) -> Optional[Rewrite]:
        target = self.lifter().read_layout(value)
        if target is None or len(self.nest) != 1:
            return None
        lifter = self.lifter(target)
        lifter.keepdims = False
        lifted = lifter.lift(value)
        if lifted is None or sum(1 for slot in lifted.layout if slot.var is not None) != 1:
            return None
        preamble = [f"{name} = {item.code}" for name, item in lifter.preamble]
        got = self.shape(lifted.code, preamble)
        if got is None:
            return None
        position, slot = next((p, slot) for p, slot in enumerate(lifted.layout) if slot.var is not None)
        return Rewrite("append", _code(value), lifted.code, got, preamble, (self.nest, position, slot.kept))

    # --- shapes --------------------------------------------------------------------------

    def shape(self, code: str, preamble: Optional[list] = None) -> Optional[Shape]:
        return evaluate_shape(code, self.entry, preamble or [])


def evaluate_shape(code, entry: dict, preamble: list) -> Optional[Shape]:
    """The shape of ``code`` (an expression node, or its text) after ``preamble`` lines, as the
    interpreter infers it from ``entry``; None if unknown."""
    from ..infer.frame import Frame
    from ..infer.interpreter import Interpreter

    try:
        interp = Interpreter()  # a microsecond to make; it keeps nothing between rewrites
        frame = Frame(env=dict(entry), emit=False, depth=1)
        for line in preamble:
            interp.execute_block(cst.parse_module(line).body, frame)
        node = code if isinstance(code, cst.CSTNode) else cst.parse_expression(code)
        value = interp.evaluate(node, frame)
    except Exception:  # noqa: BLE001 - an unknown shape, never a crash
        return None
    if isinstance(value, ArrayValue) and value.shape.fully_known:
        return value.shape
    if isinstance(value, IntValue):
        return SCALAR
    return None


def _fits(got: Shape, expected: Shape) -> bool:
    try:
        return shapes_same(ops.broadcast(got, expected), expected)
    except ShapeError:
        return False


def _split_scale(node: cst.BaseExpression, nest: tuple):
    """``(1 / m) * core`` -> ("(1 / m) * ", core); a factor may not use the loop variable."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        for scale, core in ((node.left, node.right), (node.right, node.left)):
            if not (_names(scale) & set(nest)) and isinstance(core, (cst.BinaryOperation, cst.Call)) and not (
                isinstance(core, cst.BinaryOperation) and isinstance(core.operator, cst.Multiply)
            ):
                return f"{_code(atom(scale))} * ", core.with_changes(lpar=[], rpar=[])
    return "", node.with_changes(lpar=[], rpar=[]) if isinstance(node, cst.BinaryOperation) else node


def _accumulator_code(statement) -> Optional[str]:
    if isinstance(statement, cst.AugAssign):
        return _code(statement.target)
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        return _code(statement.targets[0].target)
    return None


def _is_subtraction(statement) -> bool:
    if isinstance(statement, cst.AugAssign):
        return isinstance(statement.operator, cst.SubtractAssign)
    value = getattr(statement, "value", None)
    return isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Subtract)


def _single_target(statement):
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        return statement.targets[0].target
    return None


def _names(node) -> set:
    from .indices import names_in

    return names_in(node)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).strip()
