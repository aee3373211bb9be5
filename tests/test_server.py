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
from samples import MISSING_KEEPDIMS

BUGGY = MISSING_KEEPDIMS
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

        # typing the fix: the re-lint (of the edited function's lines only) clears the diagnostic
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
        s = Session(options={"shapelint": {"inlayHints": False, "incremental": False}})  # the whole text parsed: the same findings
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


# --- re-linting after an edit: only the touched statements are parsed, the findings are a full lint's --------


ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ["x = 1\n", "    y = np.zeros((3, 4))\n", "def new_fn(a):\n    return a @ a.T\n", "import os\n", "@staticmethod\n",
            "# a comment\n", "\n", "    # x: (n, 1)\n", "x = np.zeros(\n", '"""\n', "class K:\n  def m(self):\n      pass\n",
            "if True:\n    pass\nelse:\n    q = 2\n", "  z = 3\n", "else:\n", "    return np.ones(4) + np.ones((4, 1))\n", "\t\n",
            "    \n", "    b = np.sum(a, axis=1)  # noqa: SL002\n", "    s = np.sum(a, axis=0)\n"]


def random_edit(random, text: str) -> str:
    """Lines deleted, lines inserted, or a character typed into a line: what typing does, broken code too."""
    from shapelint.server.incremental import split_lines

    lines = split_lines(text)
    at = random.randrange(len(lines) + 1)
    roll = random.random()
    if roll < 0.3 and lines:
        del lines[at:at + random.randint(1, 3)]
    elif roll < 0.65:
        lines[at:at] = split_lines(random.choice(SNIPPETS))
    elif lines:
        row = min(at, len(lines) - 1)
        column = random.randrange(len(lines[row]) + 1)
        lines[row] = lines[row][:column] + random.choice(["(", ")", "x", " ", ":", "1", ", ", "\n", "", '"']) + lines[row][column:]
    return "".join(lines)


def same_as_from_scratch(document, text: str, path: str, report_unused: bool = False):
    """The incremental lint of ``text`` against ``lint_source``: module, findings, positions, parents."""
    import libcst as cst

    from shapelint.engine import lint_source
    from shapelint.rules import RuleContext

    got = document.lint(text, path, report_unused)
    want = lint_source(text, path, report_unused)
    assert got.findings == want.findings, document.stats
    assert (got.module is None) == (want.module is None)
    if got.module is not None:
        whole = cst.parse_module(text)  # (whose code is the text but for lines of blanks at the end: libcst drops those)
        assert got.module.code == whole.code and got.module.deep_equals(whole)
        if got.analysis is not None:  # the positions hovers and hints read, and the parents rules read
            nodes = [node for node, _ in got.analysis.seen_values][::7] + [target for target, _ in got.analysis.assignments][::5]
            assert got.context.locate(nodes) == RuleContext(got.module).locate(nodes)
            plain = RuleContext(got.module)
            assert [got.context.parent(node) for node in nodes] == [plain.parent(node) for node in nodes]
    return got


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_lint_equals_a_lint_from_scratch_through_random_edits(seed):
    import random as random_module

    from shapelint.server.incremental import Document

    random = random_module.Random(seed)
    files = sorted(p for p in (ROOT / "fixtures").rglob("*.py") if not p.name.endswith(".fixed.py"))
    modes = []
    for path in random.sample(files, 5):
        text = path.read_text()
        if random.random() < 0.3:
            text = text.replace("    ", "  ")  # blocks indented otherwise than libcst's default
        if random.random() < 0.2:
            text = text.replace("\n", "\r\n")
        document = Document()
        for step in range(10):
            if step:
                text = random_edit(random, text)
                if "\r\n" in text:  # one kind of line end, as an editor keeps it
                    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            same_as_from_scratch(document, text, str(path), report_unused=step % 3 == 0)
            modes.append(document.stats.mode)
    assert modes.count("region") > len(modes) // 2  # most edits parsed only their region


EDGES = {
    # (text before, text after): edits that join or split statements across chunk boundaries
    "decorator above a definition": ("import numpy as np\n\n\ndef f(a):\n    return a\n", "import numpy as np\n\n@staticmethod\ndef f(a):\n    return a\n"),
    "a definition indented into the one before": (
        "import numpy as np\n\ndef f(a):\n    x = np.zeros((3, 1))\n    return x\n\ndef g(b):\n    return b\n",
        "import numpy as np\n\ndef f(a):\n    x = np.zeros((3, 1))\n    return x\n\n    def g(b):\n        return np.sum(x, axis=0) + x\n"),
    "else: joins the if above": ("if True:\n    x = 1\n\ny = 2\n", "if True:\n    x = 1\nelse:\n    x = 2\n"),
    "a string opened, then closed": ("def f():\n    return 1\n\n\ndef g():\n    \"\"\"doc\"\"\"\n    return 2\n",
                                     "def f():\n    s = \"\"\"\n    return 1\n\n\ndef g():\n    \"\"\"doc\"\"\"\n    return 2\n"),
    "blanks of spaces before a definition": ("def f():\n    return 1\n\ndef g():\n    return 2\n", "def f():\n    return 1\n\t\n   \n\ndef g():\n    return 2\n"),
    "the first block indented otherwise": ("def f():\n    return 1\n\ndef g():\n  return 2\n", "def f():\n  return 1\n\ndef g():\n  return 2\n"),
    "a later block indented otherwise": ("def f():\n    return 1\n\ndef g():\n    return 2\n", "def f():\n    return 1\n\ndef g():\n\treturn 2\n"),
    "only comments left": ("# a\nx = 1\n# b\n", "# a\n# b\n"),
    "no line end at the end": ("x = 1\ny = 2\n", "x = 1\ny = 2"),
    "a form feed": ("x = 1\n\ndef f():\n    return 1\n", "x = 1\n\f\ndef f():\n    return 1\n"),
    "everything deleted": ("x = 1\n", ""),
    "a coding line and a noqa": ("# -*- coding: latin-1 -*-\nimport numpy as np\n\n\ndef f(n, m):\n    a = np.zeros((n, m))\n    b = np.zeros((n, 1))\n"
                                 "    return b - np.sum(a, axis=1)  # noqa: SL002\n",
                                 "# -*- coding: latin-1 -*-\nimport numpy as np\n\n\ndef f(n, m):\n    a = np.zeros((n, m))  # é\n    b = np.zeros((n, 1))\n"
                                 "    return b - np.sum(a, axis=1)  # noqa: SL002\n"),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_incremental_lint_at_the_edges(name):
    from shapelint.server.incremental import Document

    before, after = EDGES[name]
    document = Document()
    same_as_from_scratch(document, before, "edge.py")
    same_as_from_scratch(document, after, "edge.py")
    same_as_from_scratch(document, before, "edge.py")


def test_typing_through_a_syntax_error_parses_the_region_and_keeps_the_last_text_that_parsed():
    from shapelint.server.incremental import Document

    source = (ROOT / "fixtures" / "reference_net" / "missing_keepdims_db.py").read_text()
    lines = source.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if i > len(lines) // 2 and "=" in line  # a statement of a function's body
               and all(lines[j].startswith("    ") and not lines[j].startswith("     ") for j in (i - 1, i)))
    document = Document()
    same_as_from_scratch(document, source, "net.py")
    typed = ""
    for character in "    z = f((3,\n":  # each keystroke a version, most of them not Python
        typed += character
        text = "".join(lines[:row] + [typed + ("" if typed.endswith("\n") else "\n")] + lines[row:])
        result = same_as_from_scratch(document, text, "net.py")
        assert document.stats.mode == "region"
    assert result.findings[0].code == "SL000"  # `(3,` is never closed
    same_as_from_scratch(document, "".join(lines[:row] + ["    z = f((3, 1))\n"] + lines[row:]), "net.py")
    assert document.stats.mode == "region" and document.stats.lines < 80


def test_an_edit_inside_a_function_parses_that_function_and_suppressions_in_other_chunks_still_apply():
    from shapelint.server.incremental import Document

    big = "import numpy as np\n\n" + "".join(
        f"\n\ndef f{i}(n_h, m):\n    dZ = np.random.randn(n_h, m)\n    b = np.zeros((n_h, 1))\n"
        f"    db = np.sum(dZ, axis=1){'  # noqa: SL002' if i % 2 else ''}\n    return b - db\n" for i in range(40))
    document = Document()
    first = same_as_from_scratch(document, big, "big.py", report_unused=True)
    assert document.stats.mode == "full" and len([f for f in first.findings if f.code == "SL002"]) == 20
    edited = big.replace("def f20(n_h, m):\n", "def f20(n_h, m):\n    unused = 0\n")
    again = same_as_from_scratch(document, edited, "big.py", report_unused=True)
    assert document.stats.mode == "region" and document.stats.lines < 15
    assert len([f for f in again.findings if f.code == "SL002"]) == 20


def test_a_session_of_edits_publishes_what_a_lint_from_scratch_finds(tmp_path):
    from shapelint.engine import lint_source
    from shapelint.server import shapes
    from shapelint.server.linting import Snapshot

    source = (ROOT / "fixtures" / "reference_net" / "missing_keepdims_db.py").read_text()
    path = tmp_path / "net.py"
    path.write_text(source)
    uri = path.as_uri()
    below = source.splitlines().index("import numpy as np") + 1
    row = next(i for i, line in enumerate(source.splitlines()) if line.startswith("def ") and i > below)
    edits = [  # (range, text): a module-level constant, a new function, an import, a syntax error, its repair
        ((below, 0, below, 0), "K = 3\n"),
        ((row, 0, row, 0), "def helper(a):\n    return np.sum(a, axis=1) - a\n\n\n"),
        ((below, 0, below, 0), "import os\n"),
        ((row + 3, 0, row + 3, 0), "    broken = np.zeros((3,\n"),
        ((row + 3, 0, row + 4, 0), ""),
    ]

    async def session():
        s = Session()
        await s.start(tmp_path)
        s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, source)))
        await s.published(uri, version=1)
        text, seen = source, []
        for version, ((a, b, c, d), new) in enumerate(edits, start=2):
            s.client.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version, uri), [
                lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(a, b), lsp.Position(c, d)), text=new)]))
            lines = text.splitlines(keepends=True)
            text = "".join(lines[:a]) + new + "".join(lines[c:])
            seen.append((text, await s.published(uri, version=version)))
        at = next((i, line.index("np.sum(dZ")) for i, line in enumerate(text.splitlines()) if line.strip().startswith("db = (1 / m) * np.sum(dZ"))
        hover = await s.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(*at)))
        await s.stop()
        return seen, at, hover

    seen, at, hover = run(session())
    for text, diagnostics in seen:
        expected = lint_source(text, str(path)).findings
        assert [(d.code, d.range.start.line + 1, d.range.start.character + 1) for d in diagnostics] == [(f.code, f.line, f.column) for f in expected]
        assert all(f.message in d.message for d, f in zip(diagnostics, expected))
    assert any(d.code == "SL000" for d in seen[3][1]) and not any(d.code == "SL000" for d in seen[4][1])
    text = seen[-1][0]
    scratch = lint_source(text, str(path))
    assert hover is not None and "np.sum(dZ, axis=1): (n_y,)" in hover.contents.value  # positions from the chunks
    assert hover.contents.value == shapes.hover_text(Snapshot(uri, str(path), 6, text, scratch.findings, scratch), None, at[0] + 1, at[1] + 1)


def test_a_buffer_with_a_hostile_expression_is_linted_around_it(tmp_path):
    """A generated 20,000-term sum beside a real bug: the sum gets its SL000, the bug its finding."""
    text = ("import numpy as np\n\ntotal = " + " + ".join(["a"] * 20_000) + "\n\n"
            "W = np.ones((3, 4))\nbad = W + np.ones((3, 5))\n")
    path = tmp_path / "generated.py"
    path.write_text(text)
    uri = path.as_uri()

    async def session():
        s = Session()
        await s.start(tmp_path)
        s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
        diagnostics = await s.published(uri, version=1)
        hover = await s.client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(4, 0)))
        await s.stop()
        return diagnostics, hover

    diagnostics, hover = run(session())
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diagnostics] == [("SL000", 2, 8), ("SL007", 5, 6)]
    assert "too complex to analyse" in diagnostics[0].message and "the rest of the file is analysed" in diagnostics[0].message
    assert hover is not None and "W: (3, 4)" in hover.contents.value
