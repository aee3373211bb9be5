"""Loops over a few known constants run once per item (``shapelint.infer.unrolling``): only when
that is what Python runs, and within a bound on how often nested ones run their body.
What the unrolled loops infer is in ``fixtures/engine/unrolled_loops.py``."""
from __future__ import annotations

import libcst as cst

from shapelint.engine import lint_source
from shapelint.infer import calls
from shapelint.infer.unrolling import MAX_UNROLLED_RUNS, cuts_iterations_short, frozen_list_names, branches_decided


def _body_runs(source: str, monkeypatch) -> int:
    """How often the analysis ran ``tick()`` in ``source``."""
    runs = []
    original = calls.CallEvaluator.call_builtin

    def counting(self, frame, node, name, args):
        if name == "tick":
            runs.append(node)
        return original(self, frame, node, name, args)

    monkeypatch.setattr(calls.CallEvaluator, "call_builtin", counting)
    lint_source(source, "nest.py")
    return len(runs)


def test_nested_one_item_loops_stay_within_the_bound(monkeypatch) -> None:
    """Each unrolled loop runs its body once more than it has items: 12 nested one-item loops
    would run the innermost body 2 ** 12 times if a one-item loop cost nothing."""
    source = "".join("    " * depth + f"for x{depth} in ('a',):\n" for depth in range(12)) + "    " * 12 + "tick()\n"
    assert _body_runs(source, monkeypatch) <= 2 * MAX_UNROLLED_RUNS


def test_one_unrolled_loop_runs_its_body_once_per_item_and_once_more(monkeypatch) -> None:
    assert _body_runs("for name in ('W1', 'b1', 'W2'):\n    tick()\n", monkeypatch) == 4
    assert _body_runs("for name in ('W1', 'b1', 'W2'):\n    if name:\n        break\n    tick()\n", monkeypatch) == 2


def _cuts(body: str) -> bool:
    loop = cst.parse_module("for name in ('a', 'b'):\n" + body).body[0]
    return cuts_iterations_short(loop)


def test_what_cuts_an_iteration_short() -> None:
    assert _cuts("    if name:\n        break\n")
    assert _cuts("    if name:\n        continue\n")
    assert _cuts("    return name\n")
    assert _cuts("    x = yield name\n")
    assert _cuts("    for i in range(3):\n        pass\n    else:\n        break\n")  # the inner loop's else: ours
    assert not _cuts("    for i in range(3):\n        break\n")  # the inner loop's own
    assert not _cuts("    while True:\n        continue\n")
    assert not _cuts("    def f():\n        return name\n")
    assert not _cuts("    if name:\n        raise ValueError(name)\n")  # straight-line code raises alike


def _frozen(source: str) -> frozenset:
    return frozen_list_names(cst.parse_module(source))


def test_a_list_is_frozen_only_when_no_use_can_change_or_share_it() -> None:
    reads = "keys = ['W1', 'b1']\nfor k in keys:\n    pass\nn = len(keys)\nok = 'W1' in keys\n[k for k in keys]\nparams.keys()\nf(keys=1)\n"
    assert "keys" in _frozen(reads)
    for change in ("keys.append('W2')", "keys[0] = 'W2'", "keys += ['W2']", "other = keys", "f(keys)",
                   "del keys[0]", "keys = other = ['W1']", "keys = make()", "def g(keys):\n    pass"):
        assert "keys" not in _frozen(reads + change + "\n"), change


def _decided(body: str) -> bool:
    loop = cst.parse_module("for name in ('W1', 'b1'):\n" + body).body[0]
    return branches_decided(loop)


def test_tests_on_the_item_must_be_decidable() -> None:
    assert _decided("    if name == 'W1' or 'b' in name:\n        pass\n")
    assert _decided("    if not name.startswith(('W', 'V')) and lr > 0:\n        pass\n")
    assert _decided("    x = 1 if name[0] != 'b' else 2\n")
    assert _decided("    if lr > 0:\n        pass\n")  # not on the item: as in any code
    assert not _decided("    if name.lower() == 'w1':\n        pass\n")
    assert not _decided("    if name:\n        pass\n")
    assert not _decided("    if name == other:\n        pass\n")
    assert not _decided("    while name in seen:\n        pass\n")
    assert not _decided("    xs = [k for k in keys if name == 'W1']\n")  # a comprehension's element runs anyway


def test_the_item_may_only_choose_entries_keys_and_decided_branches() -> None:
    assert _decided("    key = 'd' + name\n    x = grads[key] + params[name]\n")
    assert _decided("    x = grads[f'd{name}'] if name[0] == 'b' else cache[str(name)]\n")
    assert _decided("    key = 'd' + name\n    if key == 'db1':\n        pass\n")  # a key built from it, decided
    assert not _decided("    is_weight = name.startswith('W')\n    if is_weight:\n        pass\n")  # a flag: undecided
    assert not _decided("    update_one(params, name)\n")  # the callee may branch on it
    assert not _decided("    print(name)\n")
    assert not _decided("    f = lambda: g(name)\n")  # a closure that hands it on
    assert _decided("    f = lambda: params[name]\n")  # one that only chooses, as Python would, item by item
    assert not _decided("    name = name.upper()\n")
    assert not _decided("    key = 'd' + name\n    key = make(key)\n")  # a key rebound to something else
    assert not _decided("    x = [p for p in params if p == name]\n")  # a comprehension's test


def test_orderings_on_like_constants_are_decided() -> None:
    from shapelint.infer.unrolling import constant_test

    assert _decided("    if name > 'V':\n        pass\n")
    assert constant_test(">", 2, 1) is True and constant_test("<=", 2, 1) is False
    assert constant_test("<", "W1", "b1") is True
    assert constant_test("<", 1, "b1") is None  # Python raises: left undecided


def test_keys_formatted_from_the_item_are_choices() -> None:
    assert _decided("    x = params['W%s' % name] + params['{}b'.format(name)] + params[f'{name:>3}']\n")
    assert not _decided("    x = params[template % name]\n")  # a template the analysis may not know
    assert not _decided("    x = params[prefix.format(name)]\n")
