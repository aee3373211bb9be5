"""``shapelint server`` spoken to as an editor does: the server is a subprocess, driven by pygls' client.

Each test starts one server (about half a second, mostly imports) and walks a session:
open, diagnostics, hover, inlay hints, code actions, change, shutdown and exit.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the server extra: pip install 'shapelint[server]'")

from lsprotocol import types as lsp  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

BUGGY = """import numpy as np


def step(n_h, m, lr):
    dZ = np.random.randn(n_h, m)
    b = np.zeros((n_h, 1))
    db = np.sum(dZ, axis=1)
    return b - lr * db
"""
TIMEOUT = 20.0


class Session:
    """A client with the diagnostics it was sent, by uri, waited for by version."""

    def __init__(self, capabilities: lsp.ClientCapabilities | None = None, options=None) -> None:
        self.client = LanguageClient("shapelint-tests", "1")
        self.diagnostics: dict[str, list[lsp.PublishDiagnosticsParams]] = {}
        self.capabilities = capabilities or lsp.ClientCapabilities()
        self.options = options

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.diagnostics.setdefault(params.uri, []).append(params)

    async def start(self, cwd: Path) -> lsp.InitializeResult:
        await self.client.start_io(sys.executable, "-m", "shapelint", "server", cwd=str(cwd))
        result = await asyncio.wait_for(self.client.initialize_async(lsp.InitializeParams(
            capabilities=self.capabilities, root_uri=cwd.as_uri(), initialization_options=self.options)), TIMEOUT)
        self.client.initialized(lsp.InitializedParams())
        return result

    async def published(self, uri: str, version=None, count: int = 1) -> list[lsp.Diagnostic]:
        """The diagnostics of the ``count``-th publication for ``uri`` (of ``version``, when given)."""
        async def wait():
            while True:
                matching = [p for p in self.diagnostics.get(uri, []) if version is None or p.version == version]
                if len(matching) >= count:
                    return matching[count - 1].diagnostics
                await asyncio.sleep(0.02)
        return await asyncio.wait_for(wait(), TIMEOUT)

    async def stop(self) -> int:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        server = self.client._server
        return await asyncio.wait_for(server.wait(), TIMEOUT)


def run(coroutine):
    return asyncio.run(coroutine)


def test_python_session_diagnostics_hover_hints_actions_change_shutdown(tmp_path):
    path = tmp_path / "buggy.py"
    path.write_text(BUGGY)
    uri = path.as_uri()

    async def session():
        s = Session()
        result = await s.start(tmp_path)
        assert result.capabilities.hover_provider and result.capabilities.inlay_hint_provider
        s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, BUGGY)))
        (diagnostic,) = await s.published(uri, version=1)
        assert diagnostic.code == "SL002" and diagnostic.source == "shapelint"
        assert (diagnostic.range.start.line, diagnostic.range.start.character) == (6, 9)
        assert (diagnostic.range.end.line, diagnostic.range.end.character) == (6, 27)  # the whole `np.sum(dZ, axis=1)`
        assert "missing-keepdims" in diagnostic.message and "`shapelint rule SL002`" in diagnostic.message
        assert diagnostic.severity == lsp.DiagnosticSeverity.Warning

        document = lsp.TextDocumentIdentifier(uri)
        hover = await s.client.text_document_hover_async(lsp.HoverParams(document, lsp.Position(7, 11)))
        assert "b: (n_h, 1)" in hover.contents.value and "assignment at line 6" in hover.contents.value
        hover = await s.client.text_document_hover_async(lsp.HoverParams(document, lsp.Position(6, 15)))
        assert "np.sum(dZ, axis=1): (n_h,)" in hover.contents.value

        hints = await s.client.text_document_inlay_hint_async(lsp.InlayHintParams(document, lsp.Range(lsp.Position(0, 0), lsp.Position(8, 0))))
        assert [(h.position.line, h.position.character, h.label) for h in hints] == [
            (4, 6, " (n_h, m)"), (5, 5, " (n_h, 1)"), (6, 6, " (n_h,)")]

        actions = await s.client.text_document_code_action_async(lsp.CodeActionParams(
            document, diagnostic.range, lsp.CodeActionContext(diagnostics=[diagnostic])))
        titles = [a.title for a in actions]
        assert titles == ["Pass `keepdims=True` (SL002; unsafe: may change behaviour)", "Ignore SL002 on this line"]
        fix, ignore = actions
        assert not fix.is_preferred and list(fix.diagnostics) == [diagnostic]
        assert [e.new_text for e in fix.edit.document_changes[0].edits] == ["np.sum(dZ, axis=1, keepdims=True)"]
        (noqa,) = ignore.edit.document_changes[0].edits
        assert noqa.new_text == "  # noqa: SL002" and noqa.range.start == lsp.Position(6, 27)

        # typing the fix: the quick look, then the full lint, both clear the diagnostic
        s.client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(2, uri), [
            lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(6, 26), lsp.Position(6, 26)), text=", keepdims=True")]))
        assert not await s.published(uri, version=2)
        return await s.stop()

    assert run(session()) == 0


def test_configuration_is_the_nearest_pyproject_and_hints_can_be_off(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nignore = ["missing-keepdims"]\nselect = ["ALL"]\n')
    path = tmp_path / "pkg" / "buggy.py"
    path.parent.mkdir()
    source = BUGGY + "\n\ndef f():\n    x = 1  # noqa: SL004\n    return x\n"
    path.write_text(source)
    uri = path.as_uri()

    async def session():
        s = Session(options={"shapelint": {"inlayHints": False}})
        await s.start(tmp_path)
        s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, source)))
        diagnostics = await s.published(uri, version=1)
        hints = await s.client.text_document_inlay_hint_async(lsp.InlayHintParams(
            lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(0, 0), lsp.Position(12, 0))))
        await s.stop()
        return diagnostics, hints

    diagnostics, hints = run(session())
    # SL002 ignored (SL005 reports the expansion instead); select ALL turns on SL100, which reports
    # the unused noqa: exactly what `shapelint check` reports
    codes = [d.code for d in diagnostics]
    assert "SL002" not in codes and "SL100" in codes
    cli = subprocess.run([sys.executable, "-m", "shapelint", "check", str(path), "--output-format", "json"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert [(f["code"], f["location"]["row"]) for f in json.loads(cli.stdout)] == [(d.code, d.range.start.line + 1) for d in diagnostics]
    assert not hints


def test_notebook_cells_in_order_with_positions_per_cell(tmp_path):
    notebook_uri = (tmp_path / "nb.ipynb").as_uri()
    cells = [("import numpy as np\ndZ = np.random.randn(4, 3)\nb = np.zeros((4, 1))\n", True),
             ("# the bias gradient", False),
             ("%matplotlib inline\ndb = np.sum(dZ, axis=1)\nb = b - 0.1 * db\n", True)]
    uris = [f"{notebook_uri}#cell{i}" for i in range(len(cells))]
    capabilities = lsp.ClientCapabilities(notebook_document=lsp.NotebookDocumentClientCapabilities(
        synchronization=lsp.NotebookDocumentSyncClientCapabilities()))

    async def session():
        s = Session(capabilities)
        result = await s.start(tmp_path)
        assert result.capabilities.notebook_document_sync is not None
        s.client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(uri=notebook_uri, notebook_type="jupyter-notebook", version=1, cells=[
                lsp.NotebookCell(kind=lsp.NotebookCellKind.Code if code else lsp.NotebookCellKind.Markup, document=u)
                for (_, code), u in zip(cells, uris)]),
            cell_text_documents=[lsp.TextDocumentItem(u, "python" if code else "markdown", 1, text)
                                 for (text, code), u in zip(cells, uris)]))
        (diagnostic,) = await s.published(uris[2])
        first = await s.published(uris[0])
        hints = await s.client.text_document_inlay_hint_async(lsp.InlayHintParams(
            lsp.TextDocumentIdentifier(uris[2]), lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))))
        await s.stop()
        return diagnostic, first, hints

    diagnostic, first, hints = run(session())
    assert diagnostic.code == "SL002"
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (1, 5)  # line 2 of the third cell
    assert not first
    assert [(h.position.line, h.label) for h in hints] == [(1, " (4,)"), (2, " (4, 4)")]


def test_without_the_extra_the_command_says_what_to_install():
    code = ("import sys; sys.modules['pygls'] = None\n"
            "from shapelint.cli import main\nmain(['server'])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert proc.returncode == 2
    assert "pip install 'shapelint[server]'" in proc.stderr


# --- the quick look after an edit (in-process: no protocol needed) ---------------------------------


def test_quick_look_after_an_edit_agrees_with_the_full_lint():
    from shapelint.engine import lint_source
    from shapelint.server.regions import quick_findings, top_level_blocks

    source = (Path(__file__).resolve().parents[1] / "fixtures" / "reference_net" / "missing_keepdims_db.py").read_text()
    lint = lambda text: lint_source(text, "net.py").findings  # noqa: E731
    before = lint(source)
    assert before, "the fixture has a planted bug"
    lines = source.splitlines(keepends=True)
    for finding in before:  # an edit above the finding, inside its function, moves it down a line
        at = finding.line - 1
        indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
        edited = "".join(lines[:at] + [f"{indent}unused = 0\n"] + lines[at:])
        quick = quick_findings(source, before, top_level_blocks(source), edited, lint)
        assert quick is not None
        assert quick == lint(edited)
    assert quick_findings(source, before, top_level_blocks(source), source.replace("import numpy as np", "import numpy as np\nK = 3"), lint) is None
