"""Execution of statements: bindings, control flow, declarations, asserts."""
from __future__ import annotations

from functools import cached_property
from typing import Optional, Sequence

import libcst as cst

from ..domain import ops
from ..domain.dims import unknown
from ..domain.shapes import Shape, attempt, shape_of
from ..cst_walk import one_plain_argument
from ..literals import integer_literal
from ..numpy_model.registry import dims_of
from .declarations import annotation_shape, trailing_comment_shape
from .declaring import DeclarationApplier
from .events import Inplace, Loop
from .expressions import _ELEMENTWISE_OPS, int_arithmetic
from .frame import Frame, join_envs
from .imports import bind_import, bind_import_from, dotted
from .naming import SizeNaming, is_shape_attribute, target_name
from .guards import ErrorsExpected, GuardedBy, expects_error, handler_takes_numpy_errors
from .unrolling import (
    MAX_UNROLLED_RUNS,
    constant_items,
    constant_test,
    cuts_iterations_short,
    frozen_list_names,
    python_constant,
    branches_decided,
)
from ..numpy_model.kinds import ObjectArray
from .values import (
    UNKNOWN,
    ArrayValue,
    DictValue,
    FunctionValue,
    Instance,
    NoneValue,
    IntValue,
    IterValue,
    ListValue,
    RangeValue,
    TupleValue,
    UserClass,
    UserFunction,
    Value,
    as_array,
    is_list,
    join,
    stored,
    list_item,
)


MAX_WIDENED_LOOP_DEPTH = 2
_UNSEEN = object()


class StatementExecutor(SizeNaming, DeclarationApplier):
    """Mixin of the interpreter: ``execute_block(statements, frame)``."""

    @cached_property
    def executors(self) -> dict:
        """Statement type -> this class's ``exec_`` function for it (None: nothing to run), looked
        up once per type (as ``ExpressionEvaluator.evaluators``)."""
        return {}

    def executor(self, kind: type):
        """The ``exec_`` function for a statement type, found by name once."""
        method = self.executors[kind] = getattr(type(self), "exec_" + kind.__name__, None)
        return method

    def execute_block(self, statements: Sequence[cst.BaseStatement], frame: Frame) -> None:
        guards = frame.guards  # an ``if ...: return`` guards the rest of its block only
        try:
            for statement in statements:
                if frame.returned:
                    return
                if statement.leading_lines:  # (most statements have none: no call)
                    self.apply_comment_lines(statement.leading_lines, frame)
                method = self.executors.get(type(statement), _UNSEEN)
                if method is _UNSEEN:
                    method = self.executor(type(statement))
                if method is not None:
                    method(self, statement, frame)
        finally:
            frame.guards = guards

    def execute_suite(self, suite: cst.BaseSuite, frame: Frame) -> None:
        if type(suite) is cst.IndentedBlock:  # (isinstance on libcst's classes is slow when it misses)
            self.execute_block(suite.body, frame)
            if suite.footer:
                self.apply_comment_lines(suite.footer, frame)
        else:
            self.exec_SimpleStatementLine(suite, frame)

    # --- simple statements --------------------------------------------------------------

    def exec_SimpleStatementLine(self, line, frame: Frame) -> None:
        trailing = getattr(line, "trailing_whitespace", None)
        comment = trailing.comment if trailing is not None else None
        declared = trailing_comment_shape(comment.value) if comment is not None else False
        for small in line.body:
            method = self.executors.get(type(small), _UNSEEN)
            if method is _UNSEEN:
                method = self.executor(type(small))
            if method is not None:
                method(self, small, frame, declared)

    def exec_Expr(self, node: cst.Expr, frame: Frame, declared=False) -> None:
        self.evaluate(node.value, frame)

    def exec_Assign(self, node: cst.Assign, frame: Frame, declared=False) -> None:
        value = self.evaluate(node.value, frame)
        if len(node.targets) == 1 and type(node.targets[0].target) is cst.Name:
            value = self.name_size(frame, node.value, value, node.targets[0].target)
            frame.derived[node.targets[0].target.value] = node.value  # what a test reads through it (``guards``)
        for target in node.targets:
            self.bind(target.target, value, frame, node.value, declared, "shape comment")

    def exec_AnnAssign(self, node: cst.AnnAssign, frame: Frame, declared=False) -> None:
        spec = annotation_shape(node.annotation.annotation)
        source = "annotation"
        if spec is False:
            spec, source = declared, "shape comment"
        if node.value is None:
            if spec is not False and isinstance(node.target, cst.Name):
                frame.pending[node.target.value] = self.resolve_spec(spec, frame)
            return
        value = self.evaluate(node.value, frame)
        self.bind(node.target, value, frame, node.value, spec, source)

    def exec_AugAssign(self, node: cst.AugAssign, frame: Frame, declared=False) -> None:
        target = self.evaluate(node.target, frame)
        value = self.evaluate(node.value, frame)
        if type(node.operator) is cst.MatrixMultiplyAssign:
            result = self.matmul(frame, node, "@", (node.target, target), (node.value, value))
        else:
            op = _ELEMENTWISE_OPS.get(_binary_of(node.operator))
            if isinstance(target, IntValue) and isinstance(value, IntValue):
                result = int_arithmetic(op or "?", target, value)
            elif isinstance(target, ArrayValue) and target.shape.rank and as_array(value) is not None:
                result = self.inplace(frame, node, op or "?", target, as_array(value))
            elif isinstance(target, ArrayValue) and target.shape.known_rank and not target.python_number:
                result = target  # ``W -= lr * dW`` with dW unknown: an in-place update keeps W's shape
            else:
                result = self.elementwise(frame, node, op or "?", (node.target, target), (node.value, value))
        self.bind(node.target, result, frame, node.value, declared, "shape comment", record=False)

    def inplace(self, frame: Frame, node: cst.AugAssign, op: str, target: ArrayValue, value: ArrayValue) -> Value:
        """``b -= lr * db`` keeps b's shape; NumPy raises when the broadcast would not."""
        result, error = attempt(ops.broadcast, target.shape, value.shape)
        if value.shape.rank:
            self.emit(frame, Inplace(node, op, target, value, node.target, node.value, result, error))
        return target

    def exec_Return(self, node: cst.Return, frame: Frame, declared=False) -> None:
        value = self.evaluate(node.value, frame) if node.value is not None else UNKNOWN
        if frame.declared_return is not None and node.value is not None:
            self.check_declared(frame, node.value, value, frame.declared_return, "return annotation")
        frame.returns.append(value)

    def exec_Assert(self, node: cst.Assert, frame: Frame, declared=False) -> None:
        self.evaluate(node.test, frame)
        self.learn_from_test(node.test, frame, holds=True)
        test = node.test
        if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
            return
        comparison = test.comparisons[0]
        if not isinstance(comparison.operator, cst.Equal):
            return
        for subject, other in ((test.left, comparison.comparator), (comparison.comparator, test.left)):
            if isinstance(subject, cst.Attribute) and subject.attr.value == "shape" and isinstance(other, (cst.Tuple, cst.List)):
                dims = dims_of(other, self.evaluate(other, frame))
                if dims is None:
                    return
                value = self.evaluate(subject.value, frame)
                if isinstance(value, Instance):
                    return  # an object of the module's own classes: its ``shape`` is its own (a property)
                array = value if isinstance(value, ArrayValue) else None
                shape = shape_of(dims)
                refined = self.declare(frame, subject.value, array, shape, "assert")
                self.assign_expression(subject.value, refined, frame)
                return

    def exec_Import(self, node: cst.Import, frame: Frame, declared=False) -> None:
        bind_import(node, frame.env)
        self.bind_user_import(node, frame.env)

    def exec_ImportFrom(self, node: cst.ImportFrom, frame: Frame, declared=False) -> None:
        bind_import_from(node, frame.env)
        self.bind_user_import(node, frame.env)

    def exec_Del(self, node: cst.Del, frame: Frame, declared=False) -> None:
        if isinstance(node.target, cst.Name):
            frame.env.pop(node.target.value, None)

    def exec_Raise(self, node: cst.Raise, frame: Frame, declared=False) -> None:
        if node.exc is not None:
            self.evaluate(node.exc, frame)

    # --- compound statements ----------------------------------------------------------

    def exec_If(self, node: cst.If, frame: Frame) -> None:
        """Each branch runs knowing its test's outcome; a branch that always leaves (``raise``,
        ``return``) does not reach the code after the ``if``, so it adds nothing to what holds there."""
        self.evaluate(node.test, frame)
        decided = self.known_outcome(node.test, frame)
        if decided is not None:  # ``if w is None:`` where w is known: only one branch runs
            taken = node.body if decided else node.orelse
            if decided:
                self.execute_suite(node.body, frame)
            elif isinstance(node.orelse, cst.If):
                self.exec_If(node.orelse, frame)
            elif node.orelse is not None:
                self.execute_suite(node.orelse.body, frame)
            if always_leaves(taken, (cst.Return, cst.Raise)):
                frame.returned = True  # the rest of the body never runs
            return
        guard = rank_guard(node.test)
        before = frame.env
        frame.env = dict(before)
        with GuardedBy(frame, node.test):  # neither branch is sure to run
            self.distrust_rank(guard, frame, branch_taken=True)
            self.learn_from_test(node.test, frame, holds=True)
            self.execute_suite(node.body, frame)
            body_env, body_returned, frame.returned = frame.env, frame.returned, False
            frame.env = dict(before)
            self.distrust_rank(guard, frame, branch_taken=False)
            self.learn_from_test(node.test, frame, holds=False)
            if node.orelse is not None:
                if isinstance(node.orelse, cst.If):
                    self.exec_If(node.orelse, frame)
                else:
                    self.execute_suite(node.orelse.body, frame)
        body_leaves, else_leaves = always_leaves(node.body), always_leaves(node.orelse)
        if body_leaves or else_leaves:  # ``if b.size == 0: return``: what follows runs on the test (until the block ends)
            frame.guards = frame.guards + (node.test,)
        frame.returned = body_returned and frame.returned  # only if both paths return is the rest dead
        paths = [env for env, leaves in ((body_env, body_leaves), (frame.env, else_leaves)) if not leaves]
        frame.env = join_envs(before, *paths) if paths else frame.env

    def exec_For(self, node: cst.For, frame: Frame) -> None:
        iterable = node.iter
        if isinstance(iterable, cst.Call) and dotted(iterable.func) in ("prange", "numba.prange", "nb.prange"):
            frame.compiled = True  # numba's parallel range: only compiled code uses it
        iterated = self.evaluate(iterable, frame)
        element = element_of(iterated)
        bind_element = lambda: self.bind(node.target, element, frame, node.iter, False, "", record=False)  # noqa: E731
        items = self.unrolled_items(node, iterated, frame)
        if items is not None:
            self.unroll_loop(node, frame, items, bind_element, element)
        else:
            self.run_loop(node, frame, bind_element, element)

    def unrolled_items(self, node: cst.For, iterated: Value, frame: Frame) -> Optional[tuple]:
        """The items to run the body with one by one, or None to run the loop as a loop
        (see ``unrolling``): few known constants, a body that runs whole for each and whose tests on
        the item are decided, a nest in bounds, and for a list bound to a name, a name through which
        nothing can change the list."""
        items = constant_items(iterated)
        if items is None or node.asynchronous is not None or frame.unrolled * (len(items) + 1) > MAX_UNROLLED_RUNS:
            return None
        if isinstance(iterated, ListValue) and not (
            type(node.iter) is cst.Name and frame.module is not None and node.iter.value in self.frozen_lists(frame.module)
        ):
            return None
        return None if cuts_iterations_short(node) or not branches_decided(node) else items

    def frozen_lists(self, module: cst.Module) -> frozenset:
        """``unrolling.frozen_list_names`` of the module, found once."""
        found = self.frozen_list_names.get(id(module))
        if found is None or found[0] is not module:
            found = self.frozen_list_names[id(module)] = (module, frozen_list_names(module))
        return found[1]

    def unroll_loop(self, node: cst.For, frame: Frame, items: tuple, bind_element, element: Value) -> None:
        """Run the body once per item, in order, with the loop variable bound to it: what Python
        runs, so ``parameters[name] = ...`` keeps the dict's entries. What these runs find counts,
        as a loop's first pass's does; the loop itself, its reveals and its assignments come from one
        more run, from the join of what held at the start of every iteration (as ``run_loop``'s last
        pass), whose bindings are then dropped: the names hold what the last iteration left."""
        before = frame.env
        returned = frame.returned
        frame.ran_loop = True
        starts = []
        first_pass, frame.first_pass = frame.first_pass, True
        frame.loop_depth += 1
        frame.unrolled *= len(items) + 1  # the body runs once per item, and once more for every iteration
        for item in items:
            starts.append(frame.env)
            frame.env = dict(frame.env)
            self.bind(node.target, item, frame, node.iter, False, "", record=False)
            self.execute_suite(node.body, frame)
        frame.loop_depth -= 1
        frame.first_pass = first_pass
        after, after_returned = frame.env, frame.returned
        frame.returned = returned
        kept = dict(frame.instance.attributes) if frame.instance is not None else None
        self.every_iteration_pass(node, frame, join_envs(before, *starts), bind_element, element, before)
        if kept is not None:  # what the last iteration left in ``self.m[name]``, as in the names
            frame.instance.attributes.clear()
            frame.instance.attributes.update(kept)
        frame.unrolled //= len(items) + 1
        frame.env, frame.returned = after, after_returned
        if node.orelse is not None:
            self.execute_suite(node.orelse.body, frame)

    def exec_While(self, node: cst.While, frame: Frame) -> None:
        self.evaluate(node.test, frame)
        with GuardedBy(frame, node.test):
            self.run_loop(node, frame, lambda: None, UNKNOWN)

    def run_loop(self, node, frame: Frame, bind_target, element: Value) -> None:
        """Judge the body with what holds on every iteration, not just the first.

        A first pass runs the first iteration, with the exact values from before
        the loop (what it finds there is found), and learns what the body
        changes; names it changes are widened (``A`` is ``(n_x, m)`` before the
        layer loop and ``(n_h, m)`` after one pass: ``(?, m)`` inside it) for
        the pass that stands for every iteration, which alone reports the loop
        itself and the shapes ``reveal_shape`` shows. Deep nests skip the first pass.
        """
        before = frame.env
        entry = before
        frame.ran_loop = True
        returned = frame.returned  # a body may run zero times: a return in it does not end the function
        if frame.loop_depth < MAX_WIDENED_LOOP_DEPTH:
            first_pass, frame.first_pass = frame.first_pass, True
            frame.env = dict(before)
            frame.loop_depth += 1
            bind_target()
            self.execute_suite(node.body, frame)
            frame.loop_depth -= 1
            frame.first_pass = first_pass
            frame.returned = returned
            entry = join_envs(before, before, frame.env)
        self.every_iteration_pass(node, frame, entry, bind_target, element, before)
        frame.returned = returned
        frame.env = join_envs(before, before, frame.env)
        if node.orelse is not None:
            self.execute_suite(node.orelse.body, frame)

    def every_iteration_pass(self, node, frame: Frame, entry: dict, bind_target, element: Value, before: dict) -> None:
        """The run of the body that stands for every iteration, from ``entry`` (what holds at the
        start of each): it alone reports the loop itself (SL006) and what ``reveal_shape`` shows."""
        frame.env = dict(entry)
        frame.loop_depth += 1
        bind_target()
        counters = before  # a ``while`` counter's start; what a total held before the loop
        if frame.emit:
            self.emit(frame, Loop(node, {**(frame.globals or {}), **frame.env}, element, self.loop_judge, counters))
        elif frame.assumed_arrays and not (frame.compiled or frame.first_pass):
            self.loop_judge.record(node, {**(frame.globals or {}), **frame.env}, counters, frame.assumed_arrays)
        self.execute_suite(node.body, frame)
        frame.loop_depth -= 1

    def exec_Try(self, node, frame: Frame) -> None:
        before = frame.env
        frame.env = dict(before)
        returned = frame.returned
        with ErrorsExpected(frame, any(handler_takes_numpy_errors(h) for h in node.handlers)):
            self.execute_suite(node.body, frame)  # an error the handlers take is expected there, not a bug
        frame.returned = returned  # the body may raise before it returns: the handlers run
        if node.orelse is not None:
            self.execute_suite(node.orelse.body, frame)
        paths = [frame.env]
        for handler in node.handlers:
            frame.env = dict(before)
            if handler.name is not None:
                self.bind(handler.name.name, UNKNOWN, frame, None, False, "", record=False)
            self.execute_suite(handler.body, frame)
            paths.append(frame.env)
        frame.env = join_envs(before, *paths)
        if node.finalbody is not None:
            self.execute_suite(node.finalbody.body, frame)

    exec_TryStar = exec_Try

    def exec_With(self, node: cst.With, frame: Frame) -> None:
        for item in node.items:
            self.evaluate(item.item, frame)
            if item.asname is not None:
                self.bind(item.asname.name, UNKNOWN, frame, None, False, "", record=False)
        with ErrorsExpected(frame, any(expects_error(item) for item in node.items)):
            self.execute_suite(node.body, frame)  # ``with pytest.raises(ValueError):``: the error is the point

    def exec_FunctionDef(self, node: cst.FunctionDef, frame: Frame) -> None:
        for decorator in node.decorators:
            self.evaluate(decorator.decorator, frame)
        if frame.depth == 0 and frame.emit:
            function = frame.env.get(node.name.value)
            if not (isinstance(function, UserFunction) and function.node is node):
                function = UserFunction(node, frame)
                frame.env[node.name.value] = function
            self.queue_function(function)
        elif frame.emit is False:
            frame.env[node.name.value] = UserFunction(node, frame)

    def exec_ClassDef(self, node: cst.ClassDef, frame: Frame) -> None:
        existing = frame.env.get(node.name.value)
        cls = existing if isinstance(existing, UserClass) and existing.node is node else self.make_class(node, frame)
        frame.env[node.name.value] = cls
        if frame.emit and frame.depth == 0:
            self.queue_class(cls)

    def known_outcome(self, test, frame: Frame) -> Optional[bool]:
        """The outcome of ``x is None`` / ``x is not None`` when what ``x`` holds is known to be
        None or known to be something else (an array, a number, a dict), of ``flag`` / ``not
        flag`` bound to a literal True or False (a default), of ``x.ndim > 1`` for an array whose
        rank the code gives, and of ``and``/``or`` of those; None when it is not known."""
        if type(test) is cst.UnaryOperation and type(test.operator) is cst.Not:
            inner = self.known_outcome(test.expression, frame)
            return None if inner is None else not inner
        if type(test) is cst.Name:
            value = frame.lookup(test.value)
            return value.truth if isinstance(value, ArrayValue) else None
        if type(test) is cst.BooleanOperation:  # ``x.ndim > 1 and ...``: decided by either side
            left, right = self.known_outcome(test.left, frame), self.known_outcome(test.right, frame)
            if type(test.operator) is cst.And:
                return False if False in (left, right) else True if left is True and right is True else None
            return True if True in (left, right) else False if left is False and right is False else None
        if type(test) in (cst.Comparison, cst.Call):
            outcome = self.constant_outcome(test, frame)  # ``name == "b1"`` on an unrolled loop's item, ``seasons > 0``
            if outcome is not None:
                return outcome
        if type(test) is cst.Call and one_plain_argument(test):
            return self.isscalar_outcome(test, frame)
        guard = rank_guard(test)
        if guard is not None:  # ``x.ndim > 1`` where x's rank is known
            value = self.evaluate(guard[0], frame)
            if isinstance(value, ArrayValue) and value.shape.known_rank and not value.python_number and not value.basis:
                return guard[1](value.shape.rank)
            return None
        if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
            return None
        comparison = test.comparisons[0]
        if not (type(comparison.operator) in (cst.Is, cst.IsNot) and type(comparison.comparator) is cst.Name
                and comparison.comparator.value == "None"):
            return None
        value = self.evaluate(test.left, frame)
        if isinstance(value, NoneValue):
            is_none = True
        elif isinstance(value, (ArrayValue, IntValue, TupleValue, DictValue)) and not (isinstance(value, ArrayValue) and value.basis):
            is_none = False
        else:
            return None
        return is_none if isinstance(comparison.operator, cst.Is) else not is_none

    def constant_outcome(self, test, frame: Frame) -> Optional[bool]:
        """``name == "b1"``, ``"W" in name``, ``name.startswith("W")``, ``seasons > 0`` on known
        constants (the items an unrolled loop binds, ``unrolling.branches_decided``; a call's
        arguments and defaults); None unless both sides are constants. Deciding matters for
        precision: the branch Python skips is not run (``if seasons > 0:`` holding
        ``reshape(-1, seasons - 1)``, which would raise, with ``seasons=0``), and what follows the
        ``if`` holds what the branch taken left."""
        if type(test) is cst.Comparison:
            operator = _CONSTANT_TESTS.get(type(test.comparisons[0].operator))
            if len(test.comparisons) != 1 or operator is None:
                return None
            left, right = test.left, test.comparisons[0].comparator
        elif type(test.func) is cst.Attribute and test.func.attr.value in ("startswith", "endswith") and one_plain_argument(test):
            operator, left, right = test.func.attr.value, test.func.value, test.args[0].value
        else:
            return None
        left_value, right_value = self.evaluate(left, frame), self.evaluate(right, frame)
        if operator in ("==", "!=") and (is_list(left_value) or is_list(right_value)):
            return None  # a list is never equal to a tuple, though ``python_constant`` gives both as tuples
        return constant_test(operator, python_constant(left_value), python_constant(right_value))

    def isscalar_outcome(self, test: cst.Call, frame: Frame) -> Optional[bool]:
        """``np.isscalar(alpha)``: True for a Python number, False for an array of known rank >= 1
        (what the code gives, not a declaration); None otherwise (a 0-d array is no scalar, a NumPy
        scalar is). statsmodels' ``fit_regularized`` indexes ``alpha[:, None]`` only when it is not."""
        func = self.evaluate(test.func, frame)
        if not (isinstance(func, FunctionValue) and func.qualname == "numpy.isscalar"):
            return None
        value = self.evaluate(test.args[0].value, frame)
        if isinstance(value, IntValue) or (isinstance(value, ArrayValue) and value.python_number):
            return True
        if isinstance(value, ArrayValue) and value.shape.known_rank and value.shape.rank >= 1 and not value.basis:
            return False
        return None

    def distrust_rank(self, guard, frame: Frame, branch_taken: bool) -> None:
        """``if y.ndim == 2:`` where y is known rank-1: in the branch the code says otherwise,
        so what we know of y is wrong there; it becomes an array of unknown shape."""
        if guard is None:
            return
        subject, holds = guard
        value = self.evaluate(subject, frame)
        if isinstance(value, ArrayValue) and value.shape.known_rank and holds(value.shape.rank) != branch_taken:
            self.assign_expression(subject, ArrayValue(Shape(None)), frame)

    # --- binding ----------------------------------------------------------------------

    def bind(self, target, value: Value, frame: Frame, value_node, declared, source: str, record: bool = True) -> None:
        if type(target) not in (cst.Tuple, cst.List):
            value = stored(value)
        if type(target) is cst.Name:
            name = target.value
            shape = None
            if declared is not False:
                shape = self.resolve_spec(declared, frame)
            elif name in frame.pending:
                shape, source = frame.pending.pop(name), "comment"
            if shape is not None:
                value = self.declare(frame, value_node, value if isinstance(value, ArrayValue) else None, shape, source)
            frame.env[name] = value
            if record:
                self.record_assignment(frame, target, value)
        elif type(target) in (cst.Tuple, cst.List):
            self.unpack(target, value, frame, value_node)
        elif type(target) is cst.Attribute:
            if isinstance(target.value, cst.Name) and target.value.value == "self" and frame.instance is not None:
                if declared is not False and value_node is not None:
                    value = self.declare(frame, value_node, value if isinstance(value, ArrayValue) else None, self.resolve_spec(declared, frame), source)
                frame.instance.attributes[target.attr.value] = value
                frame.instance.assigned.setdefault(target.attr.value, []).append(value)
            elif target.attr.value == "shape":
                self.set_shape(target, value, frame, value_node)
            else:
                owner = self.evaluate(target.value, frame)
                if isinstance(owner, Instance):  # ``decoder.W = encoder.W.T`` in a helper: forgotten, not taken
                    owner.attributes[target.attr.value] = UNKNOWN  # (one object here may be two in Python)
        elif isinstance(target, cst.Subscript):
            if not self.store_item(target, value, frame):
                self.evaluate(target, frame)
            if declared is not False and value_node is not None:
                self.check_declared(frame, value_node, value, self.resolve_spec(declared, frame), source)

    def unpack(self, target, value: Value, frame: Frame, value_node) -> None:
        elements = target.elements
        starred = [index for index, e in enumerate(elements) if type(e) is cst.StarredElement]
        if starred:  # ``beta, *_ = np.linalg.lstsq(A, y)``: the items around the star are known
            known = isinstance(value, TupleValue) and len(starred) == 1 and len(value.items) >= len(elements) - 1
            for position, element in enumerate(elements):
                if not known or position == starred[0]:
                    item = UNKNOWN
                else:  # before the star, counted from the start; after it, from the end
                    item = value.items[position if position < starred[0] else position - len(elements)]
                self.bind(element.value, item, frame, None, False, "")
            return
        if value is UNKNOWN and is_shape_attribute(value_node):
            value = self.name_shape(frame, value_node.value, [target_name(e.value) for e in elements])
        if isinstance(value, TupleValue) and value.is_shape and len(value.items) != len(elements) and is_shape_attribute(value_node):
            value = self.contradicted_rank(frame, value_node.value, [target_name(e.value) for e in elements])
        items = value.items if isinstance(value, TupleValue) and len(value.items) == len(elements) else None
        for position, element in enumerate(elements):
            item = items[position] if items is not None else UNKNOWN
            if items is not None and isinstance(value, TupleValue) and value.is_shape and is_shape_attribute(value_node):
                item = self.name_dim(frame, value_node.value, position, item, element.value)
            self.bind(element.value, item, frame, None, False, "")

    def assign_expression(self, node, value: Value, frame: Frame) -> None:
        """Refine what a name (or ``self.attr``) holds after a declaration or an unpacking."""
        if isinstance(node, cst.Name):
            frame.env[node.value] = value
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            if node.value.value == "self" and frame.instance is not None:
                frame.instance.attributes[node.attr.value] = value


_LEAVING = (cst.Raise, cst.Return, cst.Continue, cst.Break)


def always_leaves(suite, leaving: tuple = None) -> bool:
    """Does this suite (an ``if`` branch, or an ``else``/``elif``) end every path with
    ``raise``/``return``/``continue``/``break`` (or the statements ``leaving`` names)? None (no
    ``else``) falls through."""
    leaving = leaving or _LEAVING
    if suite is None:
        return False
    if type(suite) is cst.If:
        return always_leaves(suite.body, leaving) and always_leaves(suite.orelse, leaving)
    if type(suite) is cst.Else:
        return always_leaves(suite.body, leaving)
    statements = suite.body if type(suite) is cst.IndentedBlock else [suite]
    if not statements:
        return False
    last = statements[-1]
    if type(last) is cst.SimpleStatementLine:
        return bool(last.body) and type(last.body[-1]) in leaving  # (libcst's statement classes have no subclasses)
    if type(last) is cst.If:
        return always_leaves(last, leaving)
    return False


_CONSTANT_TESTS = {cst.Equal: "==", cst.NotEqual: "!=", cst.In: "in", cst.NotIn: "not in",
                   cst.LessThan: "<", cst.GreaterThan: ">", cst.LessThanEqual: "<=", cst.GreaterThanEqual: ">="}


def _binary_of(operator) -> type:
    name = type(operator).__name__.replace("Assign", "")
    return getattr(cst, name, type(None))


_RANK_TESTS = {
    cst.Equal: lambda r, k: r == k,
    cst.NotEqual: lambda r, k: r != k,
    cst.GreaterThan: lambda r, k: r > k,
    cst.GreaterThanEqual: lambda r, k: r >= k,
    cst.LessThan: lambda r, k: r < k,
    cst.LessThanEqual: lambda r, k: r <= k,
}


def rank_guard(test):
    """``X.ndim == 2`` / ``len(X.shape) > 1`` / ``X.shape == ()`` -> (X's node, rank -> does the test hold?)."""
    if not (type(test) is cst.Comparison and len(test.comparisons) == 1):
        return None
    comparison = test.comparisons[0]
    compare = _RANK_TESTS.get(type(comparison.operator))
    left = test.left
    if (
        type(comparison.operator) in (cst.Equal, cst.NotEqual) and is_shape_attribute(left)
        and isinstance(comparison.comparator, cst.Tuple) and not comparison.comparator.elements
    ):  # ``x.shape == ()``: rank 0
        return left.value, lambda r: compare(r, 0)
    k = integer_literal(comparison.comparator)
    if compare is None or k is None:
        return None
    if isinstance(left, cst.Attribute) and left.attr.value == "ndim":
        return left.value, lambda r: compare(r, k)
    if (
        type(left) is cst.Call and type(left.func) is cst.Name and left.func.value == "len"
        and len(left.args) == 1 and is_shape_attribute(left.args[0].value)
    ):
        return left.args[0].value.value, lambda r: compare(r, k)
    return None


def element_of(iterable: Value) -> Value:
    """What one iteration binds: an index for ``range``, a row for an array."""
    if isinstance(iterable, RangeValue):
        return IntValue(unknown())
    if isinstance(iterable, ArrayValue) and iterable.shape.dims:
        if isinstance(iterable, ObjectArray) and len(iterable.shape.dims) == 1:
            return UNKNOWN  # the objects an object array holds
        return ArrayValue(Shape(iterable.shape.dims[1:]), basis=iterable.basis)
    if isinstance(iterable, IterValue):
        return iterable.element
    if isinstance(iterable, TupleValue) and iterable.items:
        result = iterable.items[0]
        for item in iterable.items[1:]:
            result = join(result, item)
        return result
    return list_item(iterable)
