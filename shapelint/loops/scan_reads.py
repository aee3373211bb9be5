"""What the scan records as one iteration reads: names, through aliases, subscripts and calls.

A mixin of the scanner (``scan``): reads of names the loop does not own are
recorded as accesses of their storage, reads of the loop's own names as uses
(a use before any write in the iteration is *exposed*: it sees the previous
iteration's value), and every call is checked for effects first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from ..cst_walk import code_children

from ..numpy_model import properties
from .effects import is_fresh
from .forms import is_mask, ragged_call
from .syntax import bound_names, dotted_root, head_name, keyword, peel, short_code

if TYPE_CHECKING:
    from .scan import _State

READ = "read"


@dataclass(frozen=True)
class Ref:
    """Storage a local name points into: ``root`` (a name defined before the loop) and subscripts."""

    root: str
    levels: tuple = ()
    transposed: bool = False

    def extend(self, levels: tuple, transposed: bool = False) -> "Ref":
        return Ref(self.root, self.levels + levels, self.transposed or transposed)


FRESH = "fresh"    # a new array made in this iteration: writes into it are local
OPAQUE = "opaque"  # a value of unknown storage (a call result, an int, a branch-dependent alias)




class ReadScanning:
    def private(self, name: str, state: _State) -> bool:
        return name in self.written or name in self.loop_names or name in state.comp_locals

    def use(self, name: str, node: cst.CSTNode, state: _State) -> None:
        if name in state.comp_locals:
            return
        self.scan.reads.setdefault(name, []).append(node)
        if (name in self.written or name in self.loop_names) and name not in state.defined:
            self.scan.exposed.setdefault(name, []).append(node)

    def read_name(self, node: cst.Name, state: _State, levels: tuple = (), holder_node=None, transposed=False) -> None:
        name = node.value
        if name in state.comp_locals:
            return
        if self.private(name, state):
            self.use(name, node, state)
            binding = state.binding.get(name)
            if isinstance(binding, Ref):
                self.record(READ, binding.extend(levels, transposed), holder_node or node, name, levels, state)
            return
        self.record(READ, Ref(name, levels, transposed), holder_node or node, name, levels, state)

    def chain(self, node: cst.BaseExpression, state: _State):
        """Peel ``base[...][...].T``: the base, the subscript levels in order, whether transposed.

        Index expressions are scanned as reads on the way.
        """
        base, levels, transposed = peel(node)
        for level in reversed(levels):  # outermost subscript first, as the code reads
            for element in level:
                if is_mask(element.slice):
                    self.stop(f"selects a data-dependent number of elements (`{short_code(node)}`)")
                self.slice_reads(element.slice, state)
        return base, levels, transposed

    def slice_reads(self, item: cst.BaseSlice, state: _State) -> None:
        if isinstance(item, cst.Index):
            self.expr(item.value, state)
        elif isinstance(item, cst.Slice):
            for part in (item.lower, item.upper, item.step):
                if part is not None:
                    self.expr(part, state)

    def storage_of(self, value: cst.BaseExpression, state: _State):
        base, levels, transposed = peel(value)
        if isinstance(base, cst.Name) and base is not value or isinstance(value, cst.Name):
            name = base.value
            if self.private(name, state):
                binding = state.binding.get(name, OPAQUE)
                if isinstance(binding, Ref):
                    return binding.extend(levels, transposed)
                return binding if binding == FRESH else OPAQUE
            return Ref(name, levels, transposed)
        if is_fresh(value, self.entry, self.written):
            return FRESH
        root = dotted_root(base)
        if root is not None and not self.private(root.split(".")[0], state):
            return Ref(root, levels, transposed)
        return OPAQUE

    def expr(self, node: cst.CSTNode, state: _State) -> None:
        if self.scan.unsafe:
            return
        if isinstance(node, cst.Name):
            if node.value not in ("True", "False", "None"):
                self.read_name(node, state)
            return
        if isinstance(node, (cst.Subscript, cst.Attribute)):
            self.read_chain(node, state)
            return
        if isinstance(node, cst.Call):
            self.call(node, state)
            return
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            self.comprehension(node, state)
            return
        if isinstance(node, (cst.Lambda, cst.NamedExpr, cst.Yield, cst.Await)):
            self.stop(f"uses `{keyword(node)}`")
            return
        for child in code_children(node):
            self.expr(child, state)

    def read_chain(self, node: cst.BaseExpression, state: _State) -> None:
        if isinstance(node, cst.Attribute) and properties.method_has(node.attr.value, "meta"):
            base = node.value
            while isinstance(base, (cst.Subscript, cst.Attribute)):
                base = base.value
            if isinstance(base, cst.Name):
                self.use(base.value, base, state)
            else:
                self.expr(base, state)
            return
        base, levels, transposed = self.chain(node, state)
        if isinstance(base, cst.Name):
            self.read_name(base, state, levels, node, transposed)
            return
        root = dotted_root(base)
        if root is not None:
            head = root.split(".")[0]
            if self.private(head, state):
                self.read_name(head_name(base), state)
            else:
                self.record(READ, Ref(root, levels, transposed), node, root, levels, state)
            return
        if base is node:  # an attribute of a computed value (``f(x).a``, ``b[0].a``): read what it comes from
            self.expr(node.value, state)
            return
        self.expr(base, state)

    def call(self, node: cst.Call, state: _State) -> None:
        local = frozenset(self.written | self.loop_names | state.comp_locals)
        fresh = frozenset(n for n, b in state.binding.items() if b == FRESH)
        reason = self.effects.call(node, local, fresh) or ragged_call(node, self.entry, local)
        if reason:
            self.stop(reason)
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = func.value
            if not _is_module_path(receiver, self.entry, local):
                self.expr(receiver, state)
        elif isinstance(func, cst.Name):
            if func.value in local:
                self.use(func.value, func, state)
        else:
            self.expr(func, state)
        for arg in node.args:
            self.expr(arg.value, state)

    def comprehension(self, node, state: _State) -> None:
        inner = state.copy()
        clause = node.for_in
        names: set = set(state.comp_locals)
        while clause is not None:
            self.expr(clause.iter, inner)
            names.update(bound_names(clause.target))
            inner.comp_locals = frozenset(names)
            for condition in clause.ifs:
                self.expr(condition.test, inner)
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            self.expr(node.key, inner)
            self.expr(node.value, inner)
        else:
            self.expr(node.elt, inner)



def _is_module_path(node: cst.BaseExpression, entry: dict, local) -> bool:
    from .effects import qualname

    return qualname(node, entry, local) is not None
