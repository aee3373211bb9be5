"""Dependence analysis of loops, for the vectorizable-loop rule (SL006).

For one ``for`` loop: what the loop iterates over (``header``), what each
iteration reads and writes and at which index in terms of the loop variable
(``scan``), which calls have side effects (``effects``), whether any
iteration depends on another (``dependence``), and which single array
operation the loop amounts to (``lifting``, ``idioms``). Nothing here reports;
the rule words the verdict.
"""
from .dependence import Verdict, analyze_loop

__all__ = ["Verdict", "analyze_loop"]
