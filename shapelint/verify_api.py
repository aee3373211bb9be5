"""The API ``shapelint verify`` calls, checked against the user's functions before any runs.

A network written from a course rarely has every option of the reference (``hidden``,
``batch_size``, ``seed``): those are passed only when the user's function takes them, and a
function that cannot take the required arguments is reported with the signatures expected,
never as a bare ``TypeError`` from inside the comparison.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Optional

#: name -> (the expected signature, as printed; how many positional arguments it is called with)
EXPECTED = {
    "init_params": ("init_params(layer_dims, seed=0) -> params: dict W1, b1, ... (W_l: (n_l, n_prev), b_l: (n_l, 1))", 2),
    "forward": ("forward(X, params[, hidden]) -> (AL, cache)   X: (n_x, m), AL: (n_y, m), hidden: 'tanh' or 'relu'", 2),
    "cost": ("cost(AL, Y) -> float", 2),
    "backward": ("backward(AL, Y, params, cache) -> grads: dict dW1, db1, ... (the shapes of W1, b1, ...)", 4),
    "train": ("train(X, Y, layer_dims, epochs, lr[, batch_size=None][, seed=0][, hidden='tanh']) -> (params, costs: one per epoch)", 5),
}
TRAIN_OPTIONS = ("batch_size", "seed", "hidden")


class ApiMismatch(Exception):
    """The module's functions cannot be called as ``verify`` calls them; ``str()`` says how to fix it."""


@dataclass
class Api:
    """What the user's module takes, beyond the required arguments."""

    forward_hidden: bool = True
    forward_default_hidden: Optional[str] = None
    train_options: frozenset = field(default_factory=lambda: frozenset(TRAIN_OPTIONS))

    def train_kwargs(self, batch_size, seed: int, hidden: str) -> dict:
        given = {"batch_size": batch_size, "seed": seed, "hidden": hidden}
        return {key: value for key, value in given.items() if key in self.train_options}


def expected_api() -> str:
    return "\n".join(f"  {signature}" for signature, _ in EXPECTED.values())


def check_api(module) -> Api:
    """The options the module's functions take; ``ApiMismatch`` naming every function that does not fit."""
    problems = []
    for name, (_, required) in EXPECTED.items():
        function = getattr(module, name)
        signature = _signature(function)
        if signature is None:
            continue
        try:
            signature.bind(*([None] * required))
        except TypeError as exc:
            problems.append(f"  {name}{signature}: {exc}")
    if problems:
        raise ApiMismatch("its functions do not take the arguments verify passes:\n" + "\n".join(problems)
                          + "\nexpected (features-first: every example is a column):\n" + expected_api())
    forward = _signature(module.forward)
    train = _signature(module.train)
    api = Api()
    if forward is not None:
        api.forward_hidden = _takes(forward, "hidden", position=2)
        default = forward.parameters.get("hidden")
        if default is not None and isinstance(default.default, str):
            api.forward_default_hidden = default.default
    if train is not None:
        api.train_options = frozenset(option for option in TRAIN_OPTIONS if _takes(train, option))
    return api


def _signature(function) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):  # a builtin or C function without one: called as documented
        return None


def _takes(signature: inspect.Signature, name: str, position: Optional[int] = None) -> bool:
    """Whether ``name`` can be passed by keyword (or, for ``position``, as that positional argument)."""
    parameters = list(signature.parameters.values())
    if any(p.kind is p.VAR_KEYWORD for p in parameters) and position is None:
        return True
    if any(p.name == name and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in parameters):
        return True
    if position is not None:
        return any(p.kind is p.VAR_POSITIONAL for p in parameters) or len(
            [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) > position
    return False
