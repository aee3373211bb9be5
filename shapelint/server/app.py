"""``shapelint server``: the protocol's events mapped onto linting, shapes and fixes.

Linting runs on one worker thread (lints never overlap, and the event loop keeps answering
while one runs). A change is linted after ``DEBOUNCE`` seconds without another; the lint parses
only the top-level statements the edit touched (``incremental``) and its findings are those of a
lint from scratch. Hovers and inlay hints read the last lint of the document's current version.
"""
from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import convert
from .linting import Cell, Linter, Snapshot, path_of

DEBOUNCE = 0.15  # seconds of quiet after a change before it is linted
WAIT_FOR_LINT = 5.0  # seconds a hover or inlay-hint request waits for the lint of the current version


class ShapelintServer(LanguageServer):
    def __init__(self) -> None:
        notebooks = lsp.NotebookDocumentSyncOptions(notebook_selector=[lsp.NotebookDocumentFilterWithCells(
            notebook="jupyter-notebook", cells=[lsp.NotebookCellLanguage(language="python")])], save=True)
        super().__init__("shapelint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=notebooks)
        self.linter = Linter()
        self.full: dict[str, Snapshot] = {}  # document or notebook uri -> its last lint (what its diagnostics show)
        self.tasks: dict[str, asyncio.Task] = {}
        self.inlay_hints = True
        self.shown_errors: set[str] = set()  # configuration errors shown since the configuration was last read
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shapelint-lint")

    # --- scheduling ------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float = DEBOUNCE) -> None:
        previous = self.tasks.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.tasks[uri] = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        loop = asyncio.get_running_loop()
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is not None:
            cells = [Cell(c.document, c.kind == lsp.NotebookCellKind.Code, self.workspace.get_text_document(c.document).source)
                     for c in notebook.cells]
            path = path_of(uri, to_fs_path)
            snapshot = await self._timed(loop, uri, self.linter.lint_cells, uri, path, notebook.version, cells)
            return self._show(uri, snapshot)
        document = self.workspace.get_text_document(uri)
        path = path_of(uri, to_fs_path)
        excluded, error = self.linter.excluded(path)
        if excluded:
            return self._show(uri, Snapshot(uri, path, document.version, document.source, config_error=error))
        snapshot = await self._timed(loop, uri, self.linter.lint_python, uri, path, document.version, document.source)
        self._show(uri, snapshot)

    async def _timed(self, loop, uri: str, function, *args):
        """Run on the lint thread; the server time is logged (``scripts/bench_server.py`` reads it):
        wall time on the lint thread, the process's CPU time, and what was parsed."""
        def run():
            start, cpu = time.perf_counter(), time.process_time()
            value = function(*args)
            return value, time.perf_counter() - start, time.process_time() - cpu

        value, seconds, cpu = await loop.run_in_executor(self.worker, run)
        parsed = value.parsed
        what = f"; parsed {parsed.lines} lines ({parsed.mode})" if parsed is not None else ""
        self.window_log_message(lsp.LogMessageParams(
            type=lsp.MessageType.Log, message=f"shapelint: lint of {uri} took {seconds * 1000:.1f} ms ({cpu * 1000:.1f} ms CPU{what})"))
        return value

    # --- publishing --------------------------------------------------------------------------

    def _show(self, uri: str, snapshot: Snapshot) -> None:
        error = snapshot.config_error
        if error and error not in self.shown_errors:  # once per distinct error, not on every keystroke or file
            self.shown_errors.add(error)
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"shapelint: {error}"))
        self.full[uri] = snapshot
        if snapshot.notebook is not None or snapshot.cells:
            for index, cell in enumerate(snapshot.cells, start=1):
                lines = self.workspace.get_text_document(cell.uri).lines
                found = [f for f in snapshot.findings if f.cell == index]
                self._publish(cell.uri, None, lines, found)
        else:
            self._publish(uri, snapshot.version, self.workspace.get_text_document(uri).lines, snapshot.findings)
        if self.inlay_hints and self._client_refreshes_hints():
            self.workspace_inlay_hint_refresh(None)

    def _publish(self, uri: str, version, lines, findings) -> None:
        codec = self.workspace.position_codec
        diagnostics = [convert.diagnostic(codec, lines, f) for f in findings]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics))

    def _client_refreshes_hints(self) -> bool:
        workspace = self.client_capabilities.workspace
        hints = workspace.inlay_hint if workspace else None
        return bool(hints and hints.refresh_support)

    # --- what requests read ---------------------------------------------------------------------

    def locate(self, uri: str) -> tuple[str, Optional[int]]:
        """(the uri lints are kept under, the 1-based cell) for a document or a notebook cell."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        if notebook is None:
            return uri, None
        cells = [c.document for c in notebook.cells]
        return notebook.uri, cells.index(uri) + 1 if uri in cells else None

    def current_version(self, key: str):
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        return notebook.version if notebook is not None else self.workspace.get_text_document(key).version

    async def settled(self, key: str, table: dict) -> Optional[Snapshot]:
        """The document's snapshot for its current version, waiting for a lint under way."""
        deadline = time.monotonic() + WAIT_FOR_LINT
        while time.monotonic() < deadline:
            snapshot = table.get(key)
            if snapshot is not None and snapshot.version == self.current_version(key):
                return snapshot
            task = self.tasks.get(key)
            if task is None or task.done():
                return None
            await asyncio.sleep(0.02)
        return None
