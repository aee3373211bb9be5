"""``shapelint server``: a Language Server over stdio (pygls), in the ``server`` extra.

Modules: ``linting`` (a buffer linted as the CLI lints the file), ``incremental`` (after an
edit, only the top-level statements it touched are parsed again), ``shapes`` (inlay hints,
hovers), ``convert`` (findings and fixes as LSP values), ``app`` (scheduling and publishing),
``handlers`` (the features). Only this module is imported by the CLI before the server runs, so
a missing extra costs nothing elsewhere.
"""
from __future__ import annotations

MISSING_EXTRA = "shapelint server needs pygls: pip install 'shapelint[server]'"
PACKAGES = ("pygls", "lsprotocol", "cattrs", "attrs")


def missing_extra(error: ImportError) -> bool:
    """Whether ``error`` is the extra's packages missing (not a bug of ours raising ImportError)."""
    return (error.name or "").split(".")[0] in PACKAGES


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    import logging

    from .handlers import build

    logging.basicConfig(level=logging.WARNING)  # pygls logs to stderr; stdout is the protocol's
    build().start_io()
