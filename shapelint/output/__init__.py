"""Output formats, by name; each format's module is imported when it is first used (SARIF's
brings the rule documentation and ``inspect``: no cost to a run that prints text)."""
from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Callable, Iterable, Iterator

from ..findings import Finding
from .context import RenderContext

Renderer = Callable[[Iterable[Finding], RenderContext], str]

_MODULES = {
    "concise": "concise",
    "full": "full",
    "json": "json_format",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
}


class _Renderers(Mapping):
    """Format name -> its ``render``."""

    def __getitem__(self, name: str) -> Renderer:
        return importlib.import_module(f"{__name__}.{_MODULES[name]}").render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Renderer] = _Renderers()
