"""Output formats, by name."""
from __future__ import annotations

from typing import Callable, Iterable

from ..findings import Finding
from . import concise, full, github, json_format, json_lines, sarif

from .context import RenderContext

Renderer = Callable[[Iterable[Finding], RenderContext], str]

FORMATS: dict[str, Renderer] = {
    "concise": concise.render,
    "full": full.render,
    "json": json_format.render,
    "json-lines": json_lines.render,
    "sarif": sarif.render,
    "github": github.render,
}
