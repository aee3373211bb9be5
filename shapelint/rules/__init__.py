"""The rules, one module each, found automatically and ordered by priority."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Iterable, Optional

from .base import Report, Rule, RuleContext


@lru_cache(maxsize=None)
def all_rules() -> tuple[Rule, ...]:
    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
                found.append(value)
    return tuple(rule() for rule in sorted(found, key=lambda r: r.priority))


def rule_by_code() -> dict[str, Rule]:
    return {rule.code: rule for rule in all_rules()}


def enabled_rules(codes: Optional[Iterable[str]] = None) -> tuple[Rule, ...]:
    """The rules whose codes are given (None: all), still in priority order."""
    if codes is None:
        return all_rules()
    wanted = frozenset(codes)
    return tuple(rule for rule in all_rules() if rule.code in wanted)


__all__ = ["Report", "Rule", "RuleContext", "all_rules", "enabled_rules", "rule_by_code"]
