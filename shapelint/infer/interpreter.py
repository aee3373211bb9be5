"""The abstract interpreter: runs a module over shapes instead of numbers.

It only infers: what it sees happen to shapes goes out as events (for the
rules), reveals (for fixtures) and assignments (for ``shapelint shapes``).
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Callable, Optional

import libcst as cst

from .. import numpy_model  # noqa: F401  (registers the numpy handlers)
from .calls import CallEvaluator
from .containers import ContainerEvaluator
from .events import Event, Loop
from .expressions import ExpressionEvaluator
from .facts import FactLearner
from .project import ProjectImports
from .frame import Frame
from .guards import record as record_guards
from .functions import FunctionAnalyzer, parameter_names
from .imports import imports_foreign_arrays
from .statements import StatementExecutor
from .values import UNKNOWN, ArrayValue, UserClass, UserFunction, Value


@dataclass
class InternalError:
    node: cst.CSTNode
    message: str


@dataclass
class Analysis:
    events: list[Event] = field(default_factory=list)
    reveals: list[tuple[cst.CSTNode, Value]] = field(default_factory=list)
    assignments: list[tuple[cst.Name, Value]] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    stale_declarations: set = field(default_factory=set)  # ParameterDeclarations a caller contradicts
    contexts: dict = field(default_factory=dict)  # id(event) -> the CallSite it was seen under
    unproven: set = field(default_factory=set)  # id() of the events that would raise where that is not proven (``guards``)
    seen_values: list = field(default_factory=list)  # (expression, value) as written: coverage
    parameters: dict = field(default_factory=dict)  # FunctionDef -> {parameter: got an array shape?}
    context_assignments: list = field(default_factory=list)  # (Name, value, CallSite)
    loaded_files: set = field(default_factory=set)  # the project's files its imports loaded (the cache's dependencies)
    import_probes: set = field(default_factory=set)  # (path, is a file) its imports' resolution asked (the cache asks again)
    owned: list = field(default_factory=list)  # this run's frames, classes and instances, for ``release``

    def release(self) -> None:
        """Break the reference cycles among this run's values, once nothing will read them again.

        A scope holds its functions and each function its scope; a class holds its methods and
        each method its class. Through them the values reach the file's syntax tree, so without
        this the whole tree waits for the cycle collector, whose search over all its nodes cost a
        tenth of a cold run (on 65k lines of scikit-learn and numpy: 0.8 s of the collector
        against 0.03 s once released). Released, the tree goes with its last reference.

        Not when the run touched the project's imports: a value of this run can then be in the
        process-wide import cache (a call's summary reused while a module loaded), and other
        files read it there."""
        if self.loaded_files:
            self.owned.clear()
            return
        for value in self.owned:
            value.release()
        self.owned.clear()


class Interpreter(ExpressionEvaluator, StatementExecutor, CallEvaluator, ContainerEvaluator, FunctionAnalyzer, FactLearner, ProjectImports):
    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path  # the linted file, to find the project's own modules it imports
        self.import_depth = 0
        self.analysis = Analysis()
        self.pending_functions: list[UserFunction] = []
        self.pending_classes: list[UserClass] = []
        self.summaries: dict = {}
        self.active_calls: set = set()
        self._seen_events: set = set()
        self.context_events: list = []
        self.declarations: dict = {}  # FunctionDef -> its parameters' declared shapes (read once)
        self.docstring_specs: dict = {}  # FunctionDef -> the parameter shapes its docstring states
        self.foreign_arrays = False  # the module imports torch, jax...: an unknown with .shape may be theirs
        self._loop_judge = None
        self.foreign_written: dict = {}  # id(another file's FunctionDef) -> what its as-written run saw
        self.frozen_list_names: dict = {}  # id(module) -> (module, its names ``unrolling.frozen_list_names`` finds)
        self.changed_parameters: dict = {}  # id(function node) -> (node, ``mutation.parameters_changed``)
        self.reshaped_parameters: dict = {}  # id(function node) -> (node, ``mutation.parameters_reshaped``)
        self.rebound_names: dict = {}  # id(function node) -> (node, ``mutation.names_rebound_outside``)

    @property
    def loop_judge(self):
        """The module's loops, each analysed once when SL006 first asks (never if it is off)."""
        if self._loop_judge is None:
            from ..loops.judge import LoopJudge

            self._loop_judge = LoopJudge()
        return self._loop_judge

    # --- outputs ------------------------------------------------------------------

    def emit(self, frame: Frame, event: Event) -> None:
        if not frame.emit or (isinstance(event, Loop) and (frame.compiled or frame.first_pass)):
            return
        if frame.guards or frame.handled:
            record_guards(self.analysis, event, frame)
        if frame.written_only is not None:  # another file's function as written: note what it saw, report nothing
            known = all(array.shape.known_rank for array in event.arrays())
            frame.written_only[(id(event.node), type(event))] = known
            return
        if frame.context is not None and frame.context.foreign and not isinstance(event, Loop):
            written = self.foreign_written.get(id(frame.function.node), {}) if frame.function is not None else {}
            if written.get((id(event.node), type(event))):
                return  # that file's own lint sees this with the shapes its code gives
        if frame.context is not None and isinstance(event, Loop):  # judged once, with the run that knows most
            self.loop_judge.record(event.node, event.entry, event.before, context=frame.context)
            return
        if frame.context is not None:
            if not isinstance(event, Loop):  # loops are judged as written, not per caller
                self.context_events.append((event, frame.context))
            return
        key = (id(event.node), type(event), event.arrays())  # a loop's two passes may see two shapes
        if isinstance(event, Loop):
            self.loop_judge.record(event.node, event.entry, event.before)
        if key not in self._seen_events:
            self._seen_events.add(key)
            self.analysis.events.append(event)

    def add_context_events(self) -> None:
        """What only a caller's arguments show, after what the code shows as written (which wins:
        rules keep the first finding per node), once per node and kind of event: a call where the
        error would raise wins over one where the code expects it (``try: ... except ValueError:``)."""
        events, contexts, unproven = self.analysis.events, self.analysis.contexts, self.analysis.unproven
        kept: dict = {}  # key -> index in events, of the context events kept
        for event, site in self.context_events:
            key = (id(event.node), type(event), event.arrays())
            if key not in self._seen_events:
                self._seen_events.add(key)
                kept[key] = len(events)
                events.append(event)
                contexts[id(event)] = site
            elif key in kept and id(events[kept[key]]) in unproven and id(event) not in unproven:
                del contexts[id(events[kept[key]])]
                events[kept[key]] = event
                contexts[id(event)] = site

    def record_reveal(self, frame: Frame, node: cst.CSTNode, value: Value) -> None:
        if frame.emit and frame.context is None and not frame.first_pass:  # what the code holds as written
            self.analysis.reveals.append((node, value))

    def record_assignment(self, frame: Frame, target: cst.Name, value: Value) -> None:
        if frame.first_pass:
            return
        if frame.emit and frame.context is None:
            self.analysis.assignments.append((target, value))
        elif frame.emit:
            self.analysis.context_assignments.append((target, value, frame.context))

    def record_parameters(self, frame: Frame, function: UserFunction) -> None:
        """Which parameters got a shape (declared, or from some caller): for ``shapelint coverage``."""
        if function.external:
            return
        seen = self.analysis.parameters.setdefault(function.node, {})
        for name in parameter_names(function):
            value = frame.env.get(name)
            known = value is not None and value is not UNKNOWN and not (isinstance(value, ArrayValue) and not value.shape.known_rank)
            seen[name] = seen.get(name, False) or known

    def owned(self, value):
        """``value`` (a frame, class or instance of this file's run) remembered for
        ``Analysis.release``; not what an imported module's run makes, which the import cache
        keeps for the files linted next."""
        if not self.import_depth:
            self.analysis.owned.append(value)
        return value

    # --- driver -------------------------------------------------------------------

    def run(self, module: cst.Module) -> Analysis:
        self.foreign_arrays = imports_foreign_arrays(module)
        frame = self.owned(Frame(env={}, module=module))
        predeclare(module, frame, self)
        self.guarded(module, lambda: self.execute_block(module.body, frame))
        while self.pending_functions or self.pending_classes:
            if self.pending_classes:
                cls = self.pending_classes.pop(0)
                self.analyze_class(cls)
            else:
                function = self.pending_functions.pop(0)
                self.guarded(function, lambda f=function: self.analyze_function(f))
        self.add_context_events()
        return self.analysis

    def guarded(self, owner, action: Callable[[], None]) -> None:
        """One function failing must not stop the others: record it and go on."""
        try:
            action()
        except RecursionError:
            self.analysis.errors.append(InternalError(_node_of(owner), "analysis too deeply nested"))
        except Exception as exc:  # noqa: BLE001 - reported as SL000
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = f"{type(exc).__name__}: {exc} (in {where.name}, {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
            self.analysis.errors.append(InternalError(_node_of(owner), message))


def _node_of(owner) -> cst.CSTNode:
    return owner.node if isinstance(owner, (UserFunction, UserClass)) else owner


def predeclare(module: cst.Module, frame: Frame, interp: Interpreter) -> None:
    """Bind module-level functions and classes first, so calls before a def resolve."""
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            frame.env[statement.name.value] = UserFunction(statement, frame)
        elif isinstance(statement, cst.ClassDef):
            frame.env[statement.name.value] = interp.make_class(statement, frame)


def analyze(module: cst.Module, path: Optional[str] = None) -> Analysis:
    return Interpreter(path).run(module)
