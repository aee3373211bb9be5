"""What one iteration of a loop reads and writes, and where.

The scan walks the loop body once, in order, and records:

- ``accesses``: reads and writes of arrays the loop does not own (defined
  before it), each with the chain of subscripts it goes through, resolved
  through local aliases (``Z = cache["Z1"]; Z[j, i] = z`` writes
  ``cache["Z1"][j, i]``; ``x_i = X[:, i:i + 1]`` reads column i of ``X``);
- ``defs`` and ``exposed``: for names the body assigns, each assignment, and
  each read that may see a value from an earlier iteration (no assignment on
  every path before it in this iteration);
- ``unsafe``: the first statement or call that a rewrite could not keep
  (``break``, ``return``, ``print``, an unknown function, ``np.random``...).

It only records; ``dependence`` judges.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from ..infer.values import ArrayValue
from .effects import Effects
from .forms import selection
from .header import Header
from .syntax import bound_names, dotted_root, head_name, keyword, short_code
from .taint import assignments, tainted_names
from .scan_reads import FRESH, OPAQUE, READ, ReadScanning, Ref

__all__ = ["ACCUM", "APPEND", "READ", "WRITE", "Access", "Def", "Ref", "Scan", "scan_loop"]

WRITE, ACCUM, APPEND = "write", "accum", "append"
_AUG_OPS = {
    cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.DivideAssign: "/",
    cst.MatrixMultiplyAssign: "@", cst.PowerAssign: "**", cst.BitOrAssign: "|", cst.BitAndAssign: "&",
    cst.FloorDivideAssign: "//", cst.ModuloAssign: "%", cst.BitXorAssign: "^",
}


@dataclass
class Access:
    kind: str
    root: str
    levels: tuple
    node: cst.CSTNode
    holder: str                    # the name as written (``Z`` in ``Z[j, i]``)
    holder_levels: tuple = ()      # the subscripts applied to the holder in the code
    op: Optional[str] = None       # ACCUM: ``+``, ``-``, ...
    value: Optional[cst.BaseExpression] = None
    statement: Optional[cst.CSTNode] = None
    depth: int = 0                 # how many inner loops deep
    conditional: bool = False
    transposed: bool = False
    loops: tuple = ()              # the inner loops around it, outermost first
    guarded: bool = False          # under an ``if``


@dataclass
class Def:
    name: str
    kind: str                      # "assign", "aug", "unpack", "loop"
    value: Optional[cst.BaseExpression]
    statement: cst.CSTNode
    op: Optional[str] = None
    depth: int = 0
    conditional: bool = False
    loops: tuple = ()
    guarded: bool = False          # under an ``if`` (``conditional`` also counts inner loops)


@dataclass
class Scan:
    header: Header
    accesses: list = field(default_factory=list)
    defs: dict = field(default_factory=dict)
    exposed: dict = field(default_factory=dict)
    written: frozenset = frozenset()
    tainted: frozenset = frozenset()
    unsafe: Optional[str] = None
    inner_loops: list = field(default_factory=list)
    inner_vars: dict = field(default_factory=dict)  # inner loop variable -> its For node
    defined_at_end: frozenset = frozenset()
    reads: dict = field(default_factory=dict)       # private name -> every read of it
    selections: dict = field(default_factory=dict)  # ``n = e`` node -> ("max"|"min", the test's read of n, the if)


@dataclass
class _State:
    defined: set
    binding: dict
    depth: int = 0
    conditional: int = 0
    comp_locals: frozenset = frozenset()
    loops: tuple = ()
    ifs: int = 0

    def copy(self) -> "_State":
        return _State(set(self.defined), dict(self.binding), self.depth, self.conditional, self.comp_locals, self.loops, self.ifs)


def scan_loop(node: cst.For, header: Header, entry: dict, effects: Optional[Effects] = None) -> Scan:
    return _Scanner(node, header, entry, effects or Effects(entry)).run()


class _Scanner(ReadScanning):
    def __init__(self, loop: cst.For, header: Header, entry: dict, effects: Effects) -> None:
        self.loop = loop
        self.header = header
        self.entry = entry
        self.effects = effects
        pairs = assignments(loop.body)
        self.written = frozenset(name for targets, _ in pairs for name in targets)
        self.scan = Scan(header, written=self.written, tainted=tainted_names(pairs, {header.var, *header.elements}))
        self.loop_names = {header.var, *header.elements}

    # --- driver ---------------------------------------------------------------------------

    def run(self) -> Scan:
        if self.loop.orelse is not None:
            self.stop("has an `else` clause")
        if self.loop_names & self.written:
            self.stop("reassigns its loop variable")
        state = _State(defined=set(self.loop_names), binding={})
        for name, array in self.header.elements.items():
            index = cst.SubscriptElement(cst.Index(cst.Name(self.header.var)))
            state.binding[name] = Ref(array, ((index,),))
        self.suite(self.loop.body, state)
        self.scan.defined_at_end = frozenset(state.defined)
        return self.scan

    def stop(self, reason: str) -> None:
        if self.scan.unsafe is None:
            self.scan.unsafe = reason

    # --- statements ----------------------------------------------------------------------

    def suite(self, suite: cst.BaseSuite, state: _State) -> None:
        if isinstance(suite, cst.IndentedBlock):
            for statement in suite.body:
                self.statement(statement, state)
        else:
            for small in suite.body:
                self.small(small, suite, state)

    def statement(self, node: cst.BaseStatement, state: _State) -> None:
        if self.scan.unsafe:
            return
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small, node, state)
        elif isinstance(node, cst.If):
            self.branch(node, state)
        elif isinstance(node, cst.For):
            self.inner_for(node, state)
        elif isinstance(node, cst.While):
            self.stop("has a `while` loop inside")
        else:
            self.stop(f"has a `{keyword(node)}` statement")

    def small(self, node: cst.BaseSmallStatement, line: cst.CSTNode, state: _State) -> None:
        if self.scan.unsafe:
            return
        if isinstance(node, cst.Assign):
            self.value(node.value, node.targets, state)
            for target in node.targets:
                self.bind(target.target, node.value, node, state)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.expr(node.value, state)
                self.bind(node.target, node.value, node, state)
        elif isinstance(node, cst.AugAssign):
            self.expr(node.value, state)
            self.augment(node, state)
        elif isinstance(node, cst.Expr):
            if not self.append(node, state):
                self.expr(node.value, state)
        elif isinstance(node, cst.Assert):
            self.expr(node.test, state)
            if node.msg is not None:
                self.expr(node.msg, state)
        elif isinstance(node, cst.Pass):
            pass
        else:
            self.stop(f"has a `{keyword(node)}` statement")

    def value(self, value: cst.BaseExpression, targets, state: _State) -> None:
        """Scan an assigned value; binding a local alias (``Z = cache["Z1"]``) reads no data yet."""
        if len(targets) == 1 and isinstance(targets[0].target, cst.Name) and isinstance(self.storage_of(value, state), Ref):
            base, _, _ = self.chain(value, state)
            head = head_name(base)
            if isinstance(head, cst.Name):
                self.use(head.value, head, state)
            return
        self.expr(value, state)

    def branch(self, node: cst.If, state: _State) -> None:
        found = selection(node)
        if found is not None:
            assign, kind, read = found
            self.scan.selections[assign] = (kind, read, node)
        self.expr(node.test, state)
        body = state.copy()
        body.conditional += 1
        body.ifs += 1
        self.suite(node.body, body)
        other = state.copy()
        other.conditional += 1
        other.ifs += 1
        if node.orelse is not None:
            if isinstance(node.orelse, cst.If):
                self.branch(node.orelse, other)
            else:
                self.suite(node.orelse.body, other)
        state.defined = body.defined & other.defined
        state.binding = _merge(body.binding, other.binding)

    def inner_for(self, node: cst.For, state: _State) -> None:
        if node.orelse is not None:
            self.stop("has a loop with an `else` clause")
            return
        self.expr(node.iter, state)
        self.scan.inner_loops.append(node)
        inner = state.copy()
        inner.depth += 1
        inner.loops = state.loops + (node,)
        inner.conditional += 1  # the body may run zero times
        targets = bound_names(node.target)
        for name in targets:
            self.scan.defs.setdefault(name, []).append(Def(name, "loop", node.iter, node, depth=inner.depth, conditional=True, loops=inner.loops))
            inner.defined.add(name)
            inner.binding[name] = OPAQUE
            self.scan.inner_vars[name] = node
        self.suite(node.body, inner)
        state.binding = _merge(state.binding, inner.binding)

    # --- writes --------------------------------------------------------------------------

    def bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], statement, state: _State) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            self.define(name, "assign", value, statement, state)
            state.binding[name] = self.storage_of(value, state) if value is not None else OPAQUE
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                inner = element.value
                if isinstance(inner, cst.Name):
                    self.define(inner.value, "unpack", None, statement, state)
                    state.binding[inner.value] = OPAQUE
                else:
                    self.bind(inner, None, statement, state)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, None, statement, state)
        elif isinstance(target, cst.Subscript):
            self.store(target, WRITE, None, value, statement, state)
        else:
            self.stop(f"assigns `{short_code(target)}`")

    def define(self, name: str, kind: str, value, statement, state: _State, op: Optional[str] = None) -> None:
        self.scan.defs.setdefault(name, []).append(
            Def(name, kind, value, statement, op, state.depth, state.conditional > 0, state.loops, state.ifs > 0)
        )
        state.defined.add(name)

    def augment(self, node: cst.AugAssign, state: _State) -> None:
        op = _AUG_OPS.get(type(node.operator), "?")
        target = node.target
        if isinstance(target, cst.Name):
            name = target.value
            binding = state.binding.get(name)
            array = self.entry.get(name)
            is_array = isinstance(array, ArrayValue) and bool(array.shape.rank)
            if isinstance(binding, Ref):
                if not is_array or binding.transposed:
                    self.stop(f"updates `{name}` in place, which may change the array it came from")
                    return
                self.use(name, target, state)
                self.record(ACCUM, binding, target, name, (), state, op=op, value=node.value, statement=node)
                return
            if binding == OPAQUE and name in state.defined and is_array:
                self.stop(f"updates `{name}` in place, an array it does not own")
                return
            self.use(name, target, state)
            self.define(name, "aug", node.value, node, state, op)
            return
        if isinstance(target, cst.Subscript):
            self.store(target, ACCUM, op, node.value, node, state)
            return
        self.stop(f"updates `{short_code(target)}`")

    def store(self, target: cst.Subscript, kind: str, op, value, statement, state: _State) -> None:
        base, levels, transposed = self.chain(target, state)
        if transposed:
            self.stop(f"writes through a transpose in `{short_code(target)}`")
            return
        if isinstance(base, cst.Name):
            name = base.value
            if self.private(name, state):
                self.use(name, base, state)
                binding = state.binding.get(name)
                if binding == FRESH:
                    return
                if isinstance(binding, Ref) and not binding.transposed:
                    self.record(kind, binding.extend(levels), target, name, levels, state, op, value, statement)
                    return
                self.stop(f"writes into `{name}`, whose storage it does not own")
                return
            self.record(kind, Ref(name, levels), target, name, levels, state, op, value, statement)
            return
        root = dotted_root(base)
        if root is not None and not self.private(root.split(".")[0], state):
            self.record(kind, Ref(root, levels), target, root, levels, state, op, value, statement)
            return
        self.stop(f"writes into `{short_code(target)}`")

    def append(self, node: cst.Expr, state: _State) -> bool:
        call = node.value
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "append"
            and isinstance(call.func.value, cst.Name)
            and len(call.args) == 1
            and call.args[0].keyword is None
            and not call.args[0].star
        ):
            return False
        name = call.func.value.value
        if self.private(name, state):
            self.use(name, call.func.value, state)
            if state.binding.get(name) != FRESH:
                self.stop(f"appends to `{name}`, a list it does not own")
            self.expr(call.args[0].value, state)
            return True
        self.expr(call.args[0].value, state)
        self.record(APPEND, Ref(name), call, name, (), state, value=call.args[0].value, statement=node)
        return True

    def record(self, kind, ref: Ref, node, holder, holder_levels, state: _State, op=None, value=None, statement=None) -> None:
        self.scan.accesses.append(Access(
            kind, ref.root, ref.levels, node, holder, holder_levels, op, value, statement,
            state.depth, state.conditional > 0, ref.transposed, state.loops, state.ifs > 0,
        ))


# --- helpers ---------------------------------------------------------------------------------

def _merge(a: dict, b: dict) -> dict:
    merged = {}
    for name in set(a) | set(b):
        merged[name] = a[name] if name in a and name in b and a[name] == b[name] else OPAQUE
    return merged
