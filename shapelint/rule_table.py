"""Every rule's code and name, as data: the configuration and the cache need them on every run,
and importing the rules themselves means importing libcst (most of a warm run's start-up).
``tests/test_rule_docs.py`` checks this table against the rule classes, so it cannot drift."""
from __future__ import annotations

RULE_NAMES = {
    "SL001": "rank-1-array",
    "SL002": "missing-keepdims",
    "SL003": "wrong-reduction-axis",
    "SL004": "missing-transpose",
    "SL005": "silent-broadcast-expansion",
    "SL006": "vectorizable-loop",
    "SL007": "shape-mismatch",
}
