"""Which parameters a function may change (``infer.mutation``): what it writes through, calls a
changing method on, or hands on to a call that is not a plain reading one."""
from __future__ import annotations

import libcst as cst

from shapelint.infer.mutation import parameters_changed


def changed(source: str) -> frozenset:
    return parameters_changed(cst.parse_module(source).body[0])


def test_writes_changing_methods_and_handing_on_change_a_parameter() -> None:
    assert changed("def f(d, k):\n    d[k] = d[k].T\n") == {"d"}
    assert changed("def f(d):\n    d['W'] += 1\n") == {"d"}
    assert changed("def f(d):\n    del d['W']\n") == {"d"}
    assert changed("def f(d, e):\n    d['a'], e['b'] = 1, 2\n") == {"d", "e"}
    assert changed("def f(d):\n    d.update(W=1)\n") == {"d"}
    assert changed("def f(xs):\n    xs.append(1)\n") == {"xs"}
    assert changed("def f(d):\n    helper(d)\n") == {"d"}  # the helper may change it
    assert changed("def f(d):\n    def g():\n        d['W'] = 1\n    g()\n") == {"d"}  # a closure


def test_reading_changes_nothing() -> None:
    assert changed("def f(d, X):\n    return d['W'] @ X + d['b']\n") == frozenset()
    assert changed("def f(d):\n    print(len(d), sorted(d))\n    return dict(d)\n") == frozenset()
    assert changed("def f(d):\n    d = dict(d)\n    return d\n") == frozenset()  # rebinding the name is not changing the object
    assert changed("def f(d):\n    local = {}\n    local['W'] = d['W']\n    return local\n") == frozenset()
