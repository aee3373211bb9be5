"""Linting an editor's buffer: the CLI's configuration, the CLI's engine, no protocol here.

A buffer is linted as ``shapelint PATH`` would lint the file on disk (the nearest
``[tool.shapelint]`` above it, its per-file ignores and excludes), so the editor and CI agree.
After an edit only the top-level statements it touched are parsed again (``incremental``): the
findings are those of a lint from scratch.
A notebook arrives as cells (LSP notebook sync); it is linted as the ``.ipynb`` would be, and
its findings come back with the 1-based index of their cell among all cells.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..budget import time_budget
from ..cli import enabled, lint_options
from ..config import ConfigError, Options, Resolver, build
from ..engine import FileResult, lint_source
from ..findings import Finding
from ..notebook import Notebook, NotebookError, lint_notebook, read_notebook
from .incremental import Document, Stats


@dataclass
class Cell:
    """One notebook cell as the editor has it: ``code`` cells are linted, the others only counted."""

    uri: str
    code: bool
    text: str


@dataclass
class Snapshot:
    """One version of a document, linted. ``text`` is what was linted (a notebook: its cells
    joined, IPython masked); ``findings`` count lines in ``text``, or within their cell.
    ``parsed``: what its parse did (the whole text, or the chunks an edit touched)."""

    uri: str
    path: str
    version: Optional[int]
    text: str
    findings: list[Finding] = field(default_factory=list)
    result: Optional[FileResult] = None
    notebook: Optional[Notebook] = None
    cells: list[Cell] = field(default_factory=list)
    parsed: Optional[Stats] = None
    config_error: Optional[str] = None  # why its configuration could not be read (it was linted with the defaults)


class Linter:
    """Settings per file from the nearest pyproject (cached per directory, dropped on ``reload``)."""

    def __init__(self, config_path: Optional[Path] = None, incremental: bool = True) -> None:
        self.config_path = config_path
        self.config_error: Optional[str] = None
        self.resolver = self._resolver()
        self.incremental = incremental  # off: every lint parses the whole text (the ``incremental`` setting)
        self.documents: dict[str, Document] = {}  # uri -> its chunks, from its last text that parsed

    def _resolver(self) -> Resolver:
        try:
            self.config_error = None
            return Resolver(Options(), self.config_path)
        except ConfigError as exc:
            self.config_error = str(exc)
            return Resolver(Options(), None)

    def reload(self) -> None:
        """A pyproject.toml changed: read the configuration again."""
        self.resolver = self._resolver()

    def _settings(self, path: str) -> tuple[Resolver, Optional[str]]:
        """The resolver to lint ``path`` by and why its configuration is broken, if it is: then a
        resolver of the defaults, which reads no pyproject (the broken one would raise again)."""
        resolver = self.resolver  # once: ``reload`` may replace it meanwhile (from the event loop's thread)
        try:
            resolver.for_path(Path(path))
            return resolver, self.config_error
        except ConfigError as exc:
            return Resolver(_fixed=build(Options(), Options(), Path.cwd(), None)), str(exc)

    def excluded(self, path: str) -> tuple[bool, Optional[str]]:
        """Whether the configuration excludes ``path``, and its error (as ``_settings``)."""
        resolver, error = self._settings(path)
        return resolver.for_path(Path(path)).excluded(Path(path)), error

    def lint_python(self, uri: str, path: str, version: Optional[int], text: str) -> Snapshot:
        if not self.incremental:
            result, findings, error = self.run(path, text, lint_source)
            return Snapshot(uri, path, version, text, findings, result, parsed=Stats("full", text.count("\n") + 1), config_error=error)
        document = self.documents.setdefault(uri, Document())
        result, findings, error = self.run(path, text, document.lint)
        return Snapshot(uri, path, version, text, findings, result, parsed=document.stats, config_error=error)

    def forget(self, uri: str) -> None:
        """The document was closed: drop its chunks."""
        self.documents.pop(uri, None)

    def lint_cells(self, uri: str, path: str, version: Optional[int], cells: list[Cell]) -> Snapshot:
        document = notebook_json(cells)
        try:
            notebook = read_notebook(document)
        except NotebookError:
            notebook = None
        result, findings, error = self.run(path, document, lint_notebook)
        return Snapshot(uri, path, version, notebook.source if notebook else "", findings, result, notebook, list(cells),
                        config_error=error)

    def run(self, path: str, source: str, lint) -> tuple[FileResult, list[Finding], Optional[str]]:
        """Lint with the file's options and keep what its configuration enables (as ``shapelint check``);
        a broken configuration: the defaults, and its error to tell the user."""
        resolver, error = self._settings(path)
        options = lint_options(resolver, path)
        with time_budget(options.timeout):
            result = lint(source, path, options.report_unused, options.hints, options.select)
        return result, enabled(resolver, result.findings), error


def notebook_json(cells: list[Cell]) -> str:
    """The cells as an nbformat 4 document, so the notebook is read exactly as its file would be."""
    return json.dumps({
        "cells": [{"cell_type": "code" if cell.code else "markdown", "metadata": {}, "source": cell.text,
                   **({"outputs": [], "execution_count": None} if cell.code else {})} for cell in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    })


def path_of(uri: str, to_fs_path) -> str:
    """A file path for the configuration to apply by; an unsaved buffer is taken to be in the working directory."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return path or os.path.join(os.getcwd(), "untitled.py")
