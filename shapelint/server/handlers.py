"""The LSP features ``shapelint server`` offers, registered on a ``ShapelintServer``."""
from __future__ import annotations

from typing import Optional

from lsprotocol import types as lsp

from . import convert, shapes
from .app import ShapelintServer


def setting(options, name: str) -> Optional[object]:
    """``name`` from ``{"shapelint": {...}}`` or a flat ``{...}`` (initializationOptions or settings)."""
    if isinstance(options, dict):
        inner = options.get("shapelint", options)
        if isinstance(inner, dict):
            return inner.get(name)
    return None


def build() -> ShapelintServer:
    server = ShapelintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: ShapelintServer, params: lsp.InitializeParams) -> None:
        enabled = setting(params.initialization_options, "inlayHints")
        if enabled is not None:
            ls.inlay_hints = bool(enabled)
        incremental = setting(params.initialization_options, "incremental")
        if incremental is not None:  # off: parse the whole text on every change (scripts/bench_server.py compares)
            ls.linter.incremental = bool(incremental)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: ShapelintServer, params: lsp.DidChangeConfigurationParams) -> None:
        enabled = setting(params.settings, "inlayHints")
        if enabled is not None:
            ls.inlay_hints = bool(enabled)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ShapelintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if ls.workspace.get_notebook_document(cell_uri=params.text_document.uri) is None:
            ls.schedule(params.text_document.uri, delay=0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ShapelintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ShapelintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri.endswith("pyproject.toml"):  # the configuration changed: every open document again
            ls.linter.reload()
            ls.shown_errors.clear()  # an error still there is shown again: the save did not mend it
            for key in list(ls.full):
                ls.schedule(key, delay=0)
        elif ls.workspace.get_notebook_document(cell_uri=uri) is None:
            ls.schedule(uri, delay=0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ShapelintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.full.pop(uri, None)
        ls.linter.forget(uri)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: ShapelintServer, params: lsp.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, delay=0)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: ShapelintServer, params: lsp.DidChangeNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: ShapelintServer, params: lsp.DidSaveNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, delay=0)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: ShapelintServer, params: lsp.DidCloseNotebookDocumentParams) -> None:
        ls.full.pop(params.notebook_document.uri, None)
        for cell in params.cell_text_documents:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    async def inlay_hints(ls: ShapelintServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        if not ls.inlay_hints:
            return []
        key, cell = ls.locate(params.text_document.uri)
        snapshot = await ls.settled(key, ls.full)
        if snapshot is None:
            return []
        lines = ls.workspace.get_text_document(params.text_document.uri).lines
        codec = ls.workspace.position_codec
        rows = shapes.hint_rows(snapshot, cell, params.range.start.line + 1, params.range.end.line + 1)
        return [lsp.InlayHint(position=convert.position(codec, lines, row.line, row.end_column), label=f" {row.shape}",
                              kind=lsp.InlayHintKind.Type, padding_left=False) for row in rows]

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ShapelintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
        key, cell = ls.locate(params.text_document.uri)
        snapshot = await ls.settled(key, ls.full)
        if snapshot is None:
            return None
        lines = ls.workspace.get_text_document(params.text_document.uri).lines
        at = ls.workspace.position_codec.position_from_client_units(lines, params.position)
        text = shapes.hover_text(snapshot, cell, at.line + 1, at.character + 1)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    async def code_actions(ls: ShapelintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        key, cell = ls.locate(uri)
        snapshot = await ls.settled(key, ls.full)
        if snapshot is None:
            return []
        document = ls.workspace.get_text_document(uri)
        lines, codec = document.lines, ls.workspace.position_codec
        version = document.version
        first, last = params.range.start.line + 1, params.range.end.line + 1
        actions = []
        for finding in snapshot.findings:
            if finding.cell != cell or finding.line > last or (finding.end_line or finding.line) < first:
                continue
            diagnostic = next((d for d in params.context.diagnostics if d.code == finding.code and d.range.start.line == finding.line - 1), None)
            if finding.fix is not None:
                actions.append(convert.fix_action(uri, version, codec, lines, finding, diagnostic))
            ignore = convert.noqa_action(uri, version, codec, lines, finding, diagnostic)
            if ignore is not None:
                actions.append(ignore)
        return actions

    return server
