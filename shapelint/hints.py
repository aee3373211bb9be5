"""Layout hints from the configuration, kept free of libcst so the CLI can carry them cheaply."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hints:
    """The configured layout hint and the dim names that mean samples (``[tool.shapelint]``)."""

    layout: str = "auto"
    sample_dims: tuple[str, ...] = ()
