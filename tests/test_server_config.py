"""``shapelint server`` with a broken ``[tool.shapelint]``: the user is told once, files are linted
with the defaults, and no lint task dies with a traceback on the server's stderr."""
from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("pygls", reason="the server extra: pip install 'shapelint[server]'")

from lsprotocol import types as lsp  # noqa: E402
from test_server import BUGGY, Session, run  # noqa: E402

NOTEBOOK_CELLS = ["import numpy as np\ndZ = np.random.randn(4, 3)\n", "db = np.sum(dZ, axis=1)\nb = np.zeros((4, 1)) - db\n"]


def shown_messages(s: Session) -> list[lsp.ShowMessageParams]:
    """The ``window/showMessage`` notifications the server sends ``s``, as they arrive."""
    messages: list[lsp.ShowMessageParams] = []

    @s.client.feature(lsp.WINDOW_SHOW_MESSAGE)
    def show(params: lsp.ShowMessageParams) -> None:
        messages.append(params)

    return messages


def test_an_unknown_code_in_the_pyproject_is_shown_once_and_files_are_linted_with_the_defaults(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.shapelint]\nselect = ["SL999"]\n')
    path = tmp_path / "pkg" / "buggy.py"
    path.parent.mkdir()
    path.write_text(BUGGY)
    uri = path.as_uri()
    notebook_uri = (tmp_path / "pkg" / "nb.ipynb").as_uri()
    cell_uris = [f"{notebook_uri}#cell{i}" for i in range(len(NOTEBOOK_CELLS))]
    capabilities = lsp.ClientCapabilities(notebook_document=lsp.NotebookDocumentClientCapabilities(
        synchronization=lsp.NotebookDocumentSyncClientCapabilities()))

    async def session():
        s = Session(capabilities)
        messages = shown_messages(s)
        await s.start(tmp_path)
        s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, BUGGY)))
        seen = [await s.published(uri, version=1)]
        for version in range(2, 6):  # each edit is a quick look and a lint
            s.client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version, uri), [
                lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), text="# edit\n")]))
            seen.append(await s.published(uri, version=version))
        s.client.notebook_document_did_open(lsp.DidOpenNotebookDocumentParams(
            notebook_document=lsp.NotebookDocument(uri=notebook_uri, notebook_type="jupyter-notebook", version=1, cells=[
                lsp.NotebookCell(kind=lsp.NotebookCellKind.Code, document=u) for u in cell_uris]),
            cell_text_documents=[lsp.TextDocumentItem(u, "python", 1, text) for text, u in zip(NOTEBOOK_CELLS, cell_uris)]))
        cell = await s.published(cell_uris[1])
        before_save = list(messages)

        pyproject.write_text('[tool.shapelint]\nselect = ["SL002", "SL998"]\n')  # saved, still broken
        s.client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(pyproject.as_uri())))
        await s.published(uri, version=5, count=2)
        after_broken_save = list(messages)

        pyproject.write_text('[tool.shapelint]\nselect = ["SL001"]\n')  # mended: SL002 is no longer selected
        s.client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(pyproject.as_uri())))
        mended = await s.published(uri, version=5, count=3)
        code = await s.stop()
        stderr = (await s.client._server.stderr.read()).decode()
        return code, stderr, seen, cell, before_save, after_broken_save, mended, messages

    code, stderr, seen, cell, before_save, after_broken_save, mended, messages = run(session())
    assert code == 0
    assert "Traceback" not in stderr and "never retrieved" not in stderr and "ConfigError" not in stderr, stderr
    # linted with the defaults: SL002 on `np.sum(dZ, axis=1)`, wherever the edits moved it
    assert [[d.code for d in diagnostics] for diagnostics in seen] == [["SL002"]] * 5
    assert [d.range.start.line for d in seen[-1]] == [6 + 4]
    assert [d.code for d in cell] == ["SL002"]
    # told once (not once per lint, file or notebook), as an error, naming the code and the file
    (shown,) = before_save
    assert shown.type == lsp.MessageType.Error
    assert "unknown rule selector 'SL999'" in shown.message and str(tmp_path / "pyproject.toml") in shown.message
    # a save that leaves it broken says so again (once); the mended one says nothing and applies
    assert len(after_broken_save) == 2 and "unknown rule selector 'SL998'" in after_broken_save[1].message
    assert messages == after_broken_save
    assert list(mended) == []


def test_a_pyproject_that_is_not_toml_is_shown_and_the_file_still_linted(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint\nselect = \n")
    path = tmp_path / "buggy.py"
    path.write_text(BUGGY)
    uri = path.as_uri()

    async def session():
        s = Session(options={"shapelint": {"incremental": False}})  # the whole-file lint
        messages = shown_messages(s)
        await s.start(tmp_path)
        s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, BUGGY)))
        diagnostics = await s.published(uri, version=1)
        await asyncio.sleep(0.1)
        code = await s.stop()
        return code, (await s.client._server.stderr.read()).decode(), diagnostics, messages

    code, stderr, diagnostics, messages = run(session())
    assert code == 0 and "Traceback" not in stderr and "never retrieved" not in stderr, stderr
    assert [d.code for d in diagnostics] == ["SL002"]
    assert [m.type for m in messages] == [lsp.MessageType.Error] and "is not valid TOML" in messages[0].message
