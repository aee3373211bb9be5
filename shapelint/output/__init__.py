"""Output formats, by name."""
from __future__ import annotations

from typing import Callable, Iterable

from ..findings import Finding
from . import concise, json_format

FORMATS: dict[str, Callable[[Iterable[Finding]], str]] = {
    "concise": concise.render,
    "json": json_format.render,
}
