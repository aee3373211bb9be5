"""Output formats, by name."""
from __future__ import annotations

from typing import Callable, Iterable

from ..findings import Finding
from . import concise, json_format

from .context import RenderContext

Renderer = Callable[[Iterable[Finding], RenderContext], str]

FORMATS: dict[str, Renderer] = {
    "concise": concise.render,
    "json": json_format.render,
}
