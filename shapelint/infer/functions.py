"""Functions and classes: parameters from declarations, summaries per call site.

Every function is analysed once as written, its parameters known only from
declarations (this run reports findings). A call site re-runs the body with
the arguments' values to learn the return value (memoized, depth-limited,
silent).
"""
from __future__ import annotations

import inspect
from typing import Optional

import libcst as cst


from ..domain.dims import Dim, dim_eq, sym
from ..literals import plain_string_value
from .declarations import annotation_shape, docstring_declarations
from .imports import dotted, nested_statements
from .events import Declared
from .frame import CallSite, Frame
from .mutation import forget_holders, is_container, names_rebound_outside, parameters_changed, parameters_reshaped
from ..domain.shapes import Shape, shapes_eq
from .values import UNKNOWN, Assumed, DictValue, LambdaValue, FunctionValue, ModuleValue, ParameterDeclaration, ArrayValue, Instance, IntValue, NoneValue, TupleValue, UserClass, UserFunction, Value, join, stored

MAX_CALL_DEPTH = 3


class FunctionAnalyzer:
    """Mixin of the interpreter."""

    def make_class(self, node: cst.ClassDef, frame: Frame) -> UserClass:
        cls = self.owned(UserClass(node))
        if isinstance(node.body, cst.IndentedBlock):
            for statement in node.body.body:
                if isinstance(statement, cst.FunctionDef):
                    cls.methods[statement.name.value] = UserFunction(statement, frame, owner=cls)
        return cls

    def queue_function(self, function: UserFunction) -> None:
        self.pending_functions.append(function)

    def queue_class(self, cls: UserClass) -> None:
        self.pending_classes.append(cls)

    def analyze_class(self, cls: UserClass) -> None:
        """``__init__`` first, so ``self.W`` is known in the other methods; then the methods in
        order, each seeing what the methods before it set (``fit`` sets ``self.coef_``, ``predict``
        uses it): an attribute set in several places holds the join of those values."""
        init = cls.methods.get("__init__")
        reassigned = attributes_assigned_outside_init(cls)
        initial: dict[str, Value] = {}
        if init is not None:
            instance = self.owned(Instance(cls))
            self.guarded(init, lambda: self.analyze_function(init, instance))
            initial = {name: value for name, value in instance.attributes.items() if not isinstance(value, NoneValue)}
            cls.attributes = {name: UNKNOWN if name in reassigned or is_placeholder(value) else value
                              for name, value in instance.attributes.items()}
        seen: dict[str, Value] = {}  # what methods analysed so far set, joined
        for name, method in cls.methods.items():
            if name == "__init__":
                continue
            attributes = dict(cls.attributes)
            for attribute in reassigned:
                values = [v for v in (initial.get(attribute), seen.get(attribute)) if v is not None]
                attributes[attribute] = join(*values) if len(values) == 2 else values[0] if values else UNKNOWN
            instance = self.owned(Instance(cls, dict(attributes)))
            self.guarded(method, lambda m=method, i=instance: self.analyze_function(m, i))
            for attribute in reassigned & set(instance.assigned):
                for value in instance.assigned[attribute]:  # every assignment, not just the last
                    seen[attribute] = join(seen[attribute], value) if attribute in seen else value

    def analyze_function(self, function: UserFunction, instance: Optional[Instance] = None) -> None:
        frame = self.function_frame(function, emit=True, instance=instance)
        self.bind_declared_parameters(function, frame)
        self.record_parameters(frame, function)
        entry = dict(frame.env)
        self.execute_suite(function.node.body, frame)
        if frame.ran_loop:
            self.analyze_loops_with_assumed_arrays(function, instance, entry)

    def analyze_loops_with_assumed_arrays(self, function: UserFunction, instance, entry: dict) -> None:
        """Parameters that the function's loops use as arrays (``loops.arrayness``) get shapes of
        unknown sizes, and the body runs once more with them, silently but for its loops: SL006
        then judges them with these shapes. No other rule sees an assumed shape."""
        from ..loops.arrayness import parameter_shapes

        frame = self.function_frame(function, emit=False, instance=instance)
        scope = {**(frame.globals or {}), **frame.env, **entry}
        shapes = parameter_shapes(function.node, scope, parameter_names(function))
        if not shapes:
            return
        basis = frozenset((Assumed(function.node),))
        frame.env.update(entry)
        frame.env.update({name: ArrayValue(shape, basis=basis) for name, shape in shapes.items()})
        frame.assumed_arrays = frozenset(shapes)
        self.execute_suite(function.node.body, frame)

    def function_frame(self, function: UserFunction, emit: bool, instance=None, depth: int = 0) -> Frame:
        closure: Frame = function.closure
        globals_ = closure.globals if closure.globals is not None else closure.env
        outer = dict(closure.env) if closure.globals is not None else {}
        frame = self.owned(Frame(env=outer, globals=globals_, emit=emit, instance=instance, function=function, depth=depth,
                                 module=closure.module))
        frame.compiled = closure.compiled or is_compiled(function.node, frame)
        returns = function.node.returns
        if returns is not None:
            spec = annotation_shape(returns.annotation)
            if spec is not False:
                frame.declared_return = self.resolve_spec(spec, frame)
        return frame

    def parameter_declarations(self, function: UserFunction, frame: Frame) -> dict[str, ArrayValue]:
        """Annotations win over docstrings; a docstring's shape is ``loose`` (it says what is accepted).

        Each rests on its declaration, so that a caller passing something else can make it stale."""
        params = all_parameters(function.node)
        declared: dict[str, ArrayValue] = {}
        specs = self.docstring_specs.get(function.node)
        if specs is None:  # read once per function: a function is entered once per call
            doc = docstring_of(function.node)
            specs = self.docstring_specs[function.node] = docstring_declarations(doc, {p.name.value for p in params}) if doc else {}
        if specs:
            for name, spec in specs.items():
                basis = frozenset((ParameterDeclaration(function.node, name, "docstring"),))
                declared[name] = ArrayValue(self.resolve_spec(spec, frame), loose=True, basis=basis)
        for param in params:
            if param.annotation is not None:
                spec = annotation_shape(param.annotation.annotation)
                if spec is not False:
                    name = param.name.value
                    basis = frozenset((ParameterDeclaration(function.node, name, "annotation"),))
                    declared[name] = ArrayValue(self.resolve_spec(spec, frame), basis=basis)
        return declared

    def bind_declared_parameters(self, function: UserFunction, frame: Frame) -> dict[str, ArrayValue]:
        declared = self.parameter_declarations(function, frame)
        for index, param in enumerate(all_parameters(function.node)):
            name = param.name.value
            if index == 0 and frame.instance is not None and function.owner is not None:
                frame.env[name] = frame.instance
            elif name in declared:
                frame.env[name] = declared[name]
            elif param.annotation is not None and _is_int_annotation(param.annotation.annotation):
                frame.env[name] = IntValue(sym(name))
            else:
                frame.env[name] = UNKNOWN
        return declared

    def call_user(self, function: UserFunction, args, kwargs, caller: Frame, call=None) -> Value:
        """The return value of one call, from a run of the body with these arguments.

        The run reports what it sees, under this call site (once per distinct arguments,
        ``MAX_CALL_DEPTH`` calls deep), when the caller's own run reports."""
        self.forget_changed_arguments(function, args, kwargs, caller)
        if caller.depth >= MAX_CALL_DEPTH or function in self.active_calls:
            return UNKNOWN
        if not function.external:  # every call site is checked against the declarations, even a repeated one
            self.note_contradicted_declarations(function, caller, args, kwargs)
        # another file's copy of a function (``external``, run in that file's module scope) never shares a summary with the file's own;
        # nor does a call whose errors the caller expects (``try: ... except ValueError:``) with one where they would raise
        key = (id(function.node), function.external, bool(caller.handled), tuple(value_key(v) for _, v in args),
               tuple(sorted((k, value_key(v)) for k, (_, v) in kwargs.items())))
        informative = any(value is not UNKNOWN and not (isinstance(value, Instance) and not value.attributes)
                          for _, value in list(args) + list(kwargs.values()))
        emit = caller.emit and call is not None and informative and caller.written_only is None  # else: the plain run saw it all
        if key in self.summaries and (self.summaries[key][1] or not emit):
            return self.summaries[key][0]
        self.summaries[key] = (UNKNOWN, emit)
        instance = args[0][1] if function.owner is not None and args and isinstance(args[0][1], Instance) else None
        frame = self.function_frame(function, emit=emit, instance=instance, depth=caller.depth + 1)
        frame.handled = caller.handled  # called inside ``try: ... except ValueError:``: expected there too
        if emit and caller.context is not None and caller.context.foreign:
            frame.context = caller.context  # deeper in the other file (its own helpers too): still reported at this file's call
        elif emit:
            frame.context = call_site(call, caller, function, args, kwargs)
        if emit and (function.external or (frame.context is not None and frame.context.foreign)):
            self.written_in_its_file(function)  # what that file's own lint sees is not reported again here
        self.bind_declared_parameters(function, frame)
        self.bind_arguments(function, frame, args, kwargs)
        self.record_parameters(frame, function)
        if not self.run_body(function, frame):
            frame.returns = [UNKNOWN]  # a failed summary is an unknown result, never a crash
        result = summarize_returns(frame)
        self.summaries[key] = (result, emit)
        return result

    def forget_changed_arguments(self, function: UserFunction, args, kwargs, caller: Frame) -> None:
        """What a call may change out of the caller's sight is, for the caller, no longer known: a
        container the function changes (``mutation.parameters_changed``), an array it reshapes in
        place (``mutation.parameters_reshaped``), a name it rebinds (``global``, ``nonlocal``)."""
        self.forget_arguments_changed_by(function, args, kwargs, caller, self.changed_parameters, parameters_changed, is_container)
        self.forget_arguments_changed_by(function, args, kwargs, caller, self.reshaped_parameters, parameters_reshaped, _is_array)
        for name in self.of_function(self.rebound_names, function, names_rebound_outside):
            for scope in (caller.env, caller.globals, function.closure.env):
                if scope is not None and name in scope:
                    scope[name] = UNKNOWN

    def forget_arguments_changed_by(self, function: UserFunction, args, kwargs, caller: Frame, cache: dict, changed_by, affected) -> None:
        """The arguments ``affected`` (containers, arrays) whose parameter ``changed_by`` names are
        forgotten in the caller. Most calls hand none: the body's walk is then not needed."""
        if not any(affected(value) for _, value in args) and not any(affected(value) for _, value in kwargs.values()):
            return
        changed = self.of_function(cache, function, changed_by)
        if not changed:
            return
        for name, (_, value) in arguments_by_parameter(function, args, kwargs).items():
            if name in changed and affected(value):
                forget_holders(value, caller)

    @staticmethod
    def of_function(cache: dict, function: UserFunction, compute) -> frozenset:
        """``compute(function.node)``, once per function (keyed by the node's id, the node kept so
        that a reused id is told apart)."""
        found = cache.get(id(function.node))
        if found is None or found[0] is not function.node:
            found = cache[id(function.node)] = (function.node, compute(function.node))
        return found[1]

    def written_in_its_file(self, function: UserFunction) -> dict:
        """Another file's function run as written, once: the events it saw there with every shape
        known are that file's to report; only the rest can be news from this file's arguments."""
        found = self.foreign_written.get(id(function.node))
        if found is None:
            found = self.foreign_written[id(function.node)] = {}
            frame = self.function_frame(function, emit=True)
            frame.written_only = found
            self.bind_declared_parameters(function, frame)
            self.run_body(function, frame)  # a run that failed claims what it saw before failing
        return found

    def run_body(self, function: UserFunction, frame: Frame) -> bool:
        """Run a function's body for a call (no recursion into it meanwhile); False if it failed."""
        self.active_calls.add(function)
        try:
            self.execute_suite(function.node.body, frame)
            return True
        except Exception:  # noqa: BLE001 - an analysis that fails is an unknown result, never a crash
            return False
        finally:
            self.active_calls.discard(function)

    def declarations_of(self, function: UserFunction) -> dict[str, ArrayValue]:
        """The parameters' declared shapes, read once per function (in the scope it was defined in)."""
        if function.node not in self.declarations:
            self.declarations[function.node] = self.parameter_declarations(function, self.function_frame(function, emit=False))
        return self.declarations[function.node]

    def note_contradicted_declarations(self, function: UserFunction, caller: Frame, args, kwargs) -> None:
        """A caller passes an array whose shape (derived from its code) cannot be the declared one.

        A docstring says loosely what a function accepts: the code wins, the declaration is
        stale, and nothing found in the function may rest on it. An annotation is a contract:
        the argument is judged against it at the call site (a rank-1 array where a column is
        annotated, a reduction that lost its axis)."""
        declared = self.declarations_of(function)
        if not declared:
            return
        given = arguments_by_parameter(function, args, kwargs)
        nodes = {name: node for name, (node, _) in given.items()}
        passed = {name: value for name, (_, value) in given.items()
                  if name in declared and isinstance(value, ArrayValue) and not value.basis}
        sizes = sizes_named_by(declared, passed)  # "n" in Float[..., "n 1"] is 4 when b (4, 1) is passed for it
        for name, argument in passed.items():
            declaration = declared[name].with_shape(Shape(tuple(sizes.get(d, d) for d in declared[name].shape.dims)) if declared[name].shape.dims is not None else declared[name].shape)
            if shapes_eq(argument.shape, declaration.shape) is not False:
                continue
            if any(source.source == "annotation" for source in declaration.basis) and name in nodes:
                self.emit(caller, Declared(nodes[name], argument, nodes[name], declaration.shape, f"annotation in {function.node.name.value}()"))
            else:
                self.analysis.stale_declarations |= declaration.basis

    def bind_arguments(self, function: UserFunction, frame: Frame, args, kwargs) -> None:
        """The call's arguments; a parameter the call leaves out has its default (``activation=np.tanh``)."""
        given = {param.name.value for param, _ in zip(list(function.node.params.posonly_params) + list(function.node.params.params), args)} | set(kwargs)
        for param in all_parameters(function.node):
            if param.default is not None and param.name.value not in given:  # what Python binds, whatever a docstring says
                frame.env[param.name.value] = stored(self.evaluate(param.default, frame))
        positional = list(function.node.params.posonly_params) + list(function.node.params.params)
        for param, (_, value) in zip(positional, args):
            if value is not UNKNOWN or param.name.value not in frame.env:
                frame.env[param.name.value] = stored(value)
        names = {p.name.value for p in all_parameters(function.node)}
        for keyword, (_, value) in kwargs.items():
            if keyword in names and value is not UNKNOWN:
                frame.env[keyword] = stored(value)


_COMPILING_DECORATORS = frozenset(("jit", "njit", "vectorize", "guvectorize", "stencil", "cfunc", "generated_jit", "overload"))


def is_compiled(node: cst.FunctionDef, frame: Frame) -> bool:
    """Decorated by numba (``@njit``, ``@jit(nopython=True)``, ``@numba.vectorize``...) or Cython
    (``@cython.cfunc``...): its loops are compiled. ``@np.vectorize`` is NumPy's Python loop."""
    for decorator in node.decorators:
        expression = decorator.decorator
        target = expression.func if isinstance(expression, cst.Call) else expression
        name = dotted(target)
        if name is None:
            continue
        root, _, last = name.partition(".")
        if root == "cython":
            return True
        if (last or root).rsplit(".", 1)[-1] in _COMPILING_DECORATORS and not _is_numpy(frame.lookup(root)):
            return True
    return False


def _is_numpy(value) -> bool:
    return isinstance(value, (ModuleValue, FunctionValue)) and value.qualname.startswith("numpy")


def sizes_named_by(declared: dict[str, ArrayValue], passed: dict[str, ArrayValue]) -> dict:
    """What the declarations' size names stand for in this call: each name a declaration uses for
    an axis, the size the argument of the same rank has there (when every such argument agrees)."""
    sizes: dict = {}
    clashes: set = set()
    for name, argument in passed.items():
        dims = declared[name].shape.dims
        if dims is None or argument.shape.dims is None or len(dims) != len(argument.shape.dims):
            continue
        for d, actual in zip(dims, argument.shape.dims):
            if isinstance(d, Dim) and d.symbols and not d.is_const:
                if d in sizes and dim_eq(sizes[d], actual) is not True:
                    clashes.add(d)
                sizes.setdefault(d, actual)
    return {d: actual for d, actual in sizes.items() if d not in clashes}


def arguments_by_parameter(function: UserFunction, args, kwargs) -> dict:
    """Parameter name -> (argument expression, its value) of one call."""
    positional = list(function.node.params.posonly_params) + list(function.node.params.params)
    found = {param.name.value: argument for param, argument in zip(positional, args)}
    found.update(kwargs)
    return found


def call_site(call, caller: Frame, function: UserFunction, args, kwargs) -> CallSite:
    """Where a body runs with a caller's arguments, and the array arguments' shapes."""
    where = f"{caller.function.node.name.value}()" if caller.function is not None else "module level"
    positional = list(function.node.params.posonly_params) + list(function.node.params.params)
    named = [(param.name.value, value) for param, (_, value) in zip(positional, args)]
    named += [(keyword, value) for keyword, (_, value) in kwargs.items()]
    arrays = tuple((name, value) for name, value in named if isinstance(value, ArrayValue) and value.shape.rank)
    foreign = f"`{function.node.name.value}()` in {function.origin}" if function.external else ""
    return CallSite(call, where, arrays, foreign)


def attributes_assigned_outside_init(cls: UserClass) -> set[str]:
    """``self.y = ...`` in a method other than ``__init__``: y's shape there may be another.

    An in-place ``self.W -= lr * dW`` keeps the shape, so it does not count."""
    names: set[str] = set()
    for name, method in cls.methods.items():
        if name == "__init__":
            continue
        for node in _small_statements(method.node.body):
            targets = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, cst.AnnAssign):
                targets = [node.target]  # (``self.W -= ...`` updates in place: the shape stays)
            for target in targets:
                for element in _flatten_targets(target):
                    if type(element) is cst.Attribute and type(element.value) is cst.Name and element.value.value == "self":
                        names.add(element.attr.value)
    return names


def _flatten_targets(target):
    if type(target) in (cst.Tuple, cst.List):
        for element in target.elements:
            yield from _flatten_targets(element.value)
    else:
        yield target


def _small_statements(body: cst.BaseSuite):
    """The simple statements of a body and of the blocks nested in it (not of nested functions or
    classes: their ``self`` is another), without walking into expressions, which cannot assign."""
    stack: list[cst.CSTNode] = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            yield from current.body
        elif not isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            stack.extend(nested_statements(current))


def docstring_of(node: cst.FunctionDef) -> Optional[str]:
    """``node.get_docstring()``, which asks libcst's abstract classes (slow isinstance misses) even
    of a body that starts with code, and compiles each string (``literal_eval``). Here a body that
    starts with code has none, and a string without escapes is read directly
    (``literals.plain_string_value``); libcst reads the rest."""
    body = node.body
    if type(body) is not cst.IndentedBlock:
        return node.get_docstring()
    first = body.body[0] if body.body else None
    if type(first) is not cst.SimpleStatementLine or not first.body or type(first.body[0]) is not cst.Expr:
        return None
    string = first.body[0].value
    if type(string) is cst.SimpleString:
        text = plain_string_value(string.value)
        if text is not None:
            return inspect.cleandoc(text)
    elif type(string) is not cst.ConcatenatedString:
        return None
    return node.get_docstring()


def _is_int_annotation(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "int"


def summarize_returns(frame: Frame) -> Value:
    if frame.declared_return is not None and frame.declared_return.known_rank:
        inferred = [v for v in frame.returns if isinstance(v, ArrayValue)]
        if not inferred:
            return ArrayValue(frame.declared_return)
    if not frame.returns:
        return NoneValue()
    result = frame.returns[0]
    for value in frame.returns[1:]:
        result = join(result, value)
    return result


def parameter_names(function: UserFunction) -> list[str]:
    """The parameters that could hold arrays (``self`` of a method left out)."""
    names = [param.name.value for param in all_parameters(function.node)]
    return names[1:] if function.owner is not None and names else names


def all_parameters(node: cst.FunctionDef) -> list[cst.Param]:
    params = node.params
    found = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    return found


def value_key(value: Value, outermost: bool = True):
    """What a call's summary depends on. An instance's state counts only for the instance passed
    itself (a method after ``fit()`` sees what ``fit()`` set); instances inside it count by identity,
    so back-references (``self.input = Acceptor(self)``) end."""
    if isinstance(value, ArrayValue):
        return ("array", value.shape.dims)
    if isinstance(value, IntValue):
        return ("int", value.dim)
    if isinstance(value, TupleValue):  # (a list literal is one too: the callee holds it as a list)
        return ("tuple", value.mutable, tuple(value_key(v, outermost) for v in value.items))
    if isinstance(value, DictValue):
        return ("dict", value.complete, tuple((k, value_key(v, outermost)) for k, v in value.entries))
    if isinstance(value, Instance):
        if not outermost:
            return ("instance", id(value))
        return ("instance", id(value), tuple(sorted((k, value_key(v, False)) for k, v in value.attributes.items())))
    if isinstance(value, (UserFunction, LambdaValue)):
        return (type(value).__name__, id(value.node))
    return (type(value).__name__, None)


def is_placeholder(value: Value) -> bool:
    """An empty array set in ``__init__`` (``self._moments = np.empty((0,))``): a place kept for
    what a subclass or a later call puts there, not the shape the other methods see."""
    return isinstance(value, ArrayValue) and value.shape.dims is not None and any(
        isinstance(d, Dim) and d.is_const and d.coeff == 0 for d in value.shape.dims)


def _is_array(value: Value) -> bool:
    return isinstance(value, ArrayValue)
