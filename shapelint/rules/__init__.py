"""The rules, one module each, found automatically and ordered by priority."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Iterable, Optional

from .base import Report, Rule, RuleContext


def _module_names() -> list[str]:
    """The rule modules, each named after the code of its rule (``sl002_missing_keepdims``)."""
    return [info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_") and info.name != "base"]


def _code_of_module(name: str) -> str:
    return name.split("_", 1)[0].upper()


@lru_cache(maxsize=None)
def _rules_of(names: tuple[str, ...]) -> tuple[Rule, ...]:
    found: list[type[Rule]] = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
                found.append(value)
    return tuple(_instance(rule) for rule in sorted(found, key=lambda r: r.priority))


@lru_cache(maxsize=None)
def _instance(rule: type[Rule]) -> Rule:
    """One instance per rule, whichever set of rules it is asked with."""
    return rule()


def all_rules() -> tuple[Rule, ...]:
    return _rules_of(tuple(_module_names()))


def rule_by_code() -> dict[str, Rule]:
    return {rule.code: rule for rule in all_rules()}


def enabled_rules(codes: Optional[Iterable[str]] = None) -> tuple[Rule, ...]:
    """The rules whose codes are given (None: all), still in priority order. Only their modules
    are imported: a rule turned off in the configuration costs nothing."""
    if codes is None:
        return all_rules()
    wanted = frozenset(codes)
    names = tuple(name for name in _module_names() if _code_of_module(name) in wanted)
    return tuple(rule for rule in _rules_of(names) if rule.code in wanted)


__all__ = ["Report", "Rule", "RuleContext", "all_rules", "enabled_rules", "rule_by_code"]
