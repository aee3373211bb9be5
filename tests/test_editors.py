"""The README's editor configurations, run in the real editors when they are installed.

Neovim (headless) loads the README's Lua snippet verbatim, opens a buggy file and records the
diagnostic, a hover and the code actions the server sends; Emacs (batch, eglot) does the same
with the README's eglot snippet. Each test skips, saying why, when its editor is absent.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from samples import MISSING_KEEPDIMS

pytest.importorskip("pygls", reason="the server extra: pip install 'shapelint[server]'")

ROOT = Path(__file__).resolve().parents[1]
BUGGY = MISSING_KEEPDIMS


def readme_snippet(language: str, after: str) -> str:
    """The first ``language`` code block in the README after the line containing ``after``."""
    text = (ROOT / "README.md").read_text()
    start = text.index(after)
    match = re.compile(rf"```{language}\n(.*?)```", re.S).search(text, start)
    assert match, f"no {language} block after {after!r} in the README"
    return match.group(1)


def environment(tmp_path: Path) -> dict:
    """``shapelint`` on PATH (this interpreter's), a private HOME so no user configuration loads."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config"),
           "XDG_DATA_HOME": str(tmp_path / ".local"), "XDG_STATE_HOME": str(tmp_path / ".state")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


NVIM_DRIVER = r"""
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.BUGGY))
local out = {}
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local d = vim.diagnostic.get(0)[1]
if d then out.diagnostic = { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message } end
local function request(method, params)
  local replies = vim.lsp.buf_request_sync(0, method, params, 10000) or {}
  for _, reply in pairs(replies) do if reply.result then return reply.result end end
end
local doc = { uri = vim.uri_from_bufnr(0) }
local hover = request("textDocument/hover", { textDocument = doc, position = { line = 7, character = 11 } })
out.hover = hover and hover.contents.value
local actions = request("textDocument/codeAction", { textDocument = doc,
  range = { start = { line = 6, character = 9 }, ["end"] = { line = 6, character = 27 } },
  context = { diagnostics = vim.lsp.diagnostic.from and {} or {} } }) or {}
out.actions = {}
for _, a in ipairs(actions) do table.insert(out.actions, a.title) end
local f = io.open(vim.env.RESULT, "w"); f:write(vim.fn.json_encode(out)); f:close()
vim.cmd("qall!")
"""


@pytest.mark.slow
def test_neovim_headless_with_the_readme_configuration(tmp_path):
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (apt-get install neovim)")
    (tmp_path / "init.lua").write_text(readme_snippet("lua", "#### Neovim"))
    (tmp_path / "driver.lua").write_text(NVIM_DRIVER)
    buggy = tmp_path / "buggy.py"
    buggy.write_text(BUGGY)
    result = tmp_path / "result.json"
    env = {**environment(tmp_path), "BUGGY": str(buggy), "RESULT": str(result)}
    proc = subprocess.run([nvim, "--headless", "-u", str(tmp_path / "init.lua"), "-c", f"luafile {tmp_path / 'driver.lua'}"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.exists(), proc.stderr
    out = json.loads(result.read_text())
    assert out["diagnostic"]["code"] == "SL002" and (out["diagnostic"]["lnum"], out["diagnostic"]["col"]) == (6, 9)
    assert "b: (n_h, 1)" in out["hover"]
    assert out["actions"] == ["Pass `keepdims=True` (SL002; unsafe: may change behaviour)", "Ignore SL002 on this line"]


EMACS_DRIVER = r"""
(load (getenv "INIT"))
(find-file (getenv "BUGGY"))
(run-hooks 'post-command-hook)  ; eglot-ensure connects after the first command
(let ((deadline (+ (float-time) 30)))
  (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
    (accept-process-output nil 0.05)))
(let* ((server (eglot-current-server))
       (doc (eglot--TextDocumentIdentifier))
       (diag (car (flymake-diagnostics)))
       (line (and diag (line-number-at-pos (flymake-diagnostic-beg diag))))
       (hover (jsonrpc-request server :textDocument/hover (list :textDocument doc :position (list :line 7 :character 11))))
       (actions (jsonrpc-request server :textDocument/codeAction
                  (list :textDocument doc :range (list :start (list :line 6 :character 9) :end (list :line 6 :character 27))
                        :context (list :diagnostics [])))))
  (with-temp-file (getenv "RESULT")
    (insert (json-encode (list :diagnostic (and diag (flymake-diagnostic-text diag)) :line line
                               :hover (plist-get (plist-get hover :contents) :value)
                               :actions (mapcar (lambda (a) (plist-get a :title)) actions))))))
(kill-emacs 0)
"""


@pytest.mark.slow
def test_emacs_eglot_with_the_readme_configuration(tmp_path):
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip("emacs is not installed (apt-get install emacs-nox elpa-eglot)")
    (tmp_path / "init.el").write_text(readme_snippet("elisp", "#### Emacs (eglot)"))
    (tmp_path / "driver.el").write_text(EMACS_DRIVER)
    buggy = tmp_path / "buggy.py"
    buggy.write_text(BUGGY)
    result = tmp_path / "result.json"
    env = {**environment(tmp_path), "INIT": str(tmp_path / "init.el"), "BUGGY": str(buggy), "RESULT": str(result)}
    proc = subprocess.run([emacs, "--batch", "-l", str(tmp_path / "driver.el")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
    if "eglot" in proc.stderr and "Cannot open load file" in proc.stderr:
        pytest.skip("eglot is not installed (Emacs 29 has it; apt-get install elpa-eglot for 28)")
    assert result.exists(), proc.stderr[-2000:]
    out = json.loads(result.read_text())
    assert out["line"] == 7 and "SL002" in out["diagnostic"]
    assert "b: (n_h, 1)" in out["hover"]
    assert out["actions"] == ["Pass `keepdims=True` (SL002; unsafe: may change behaviour)", "Ignore SL002 on this line"]


def helix_languages() -> dict:
    import tomllib

    return tomllib.loads(readme_snippet("toml", "#### Helix"))


def test_helix_configuration_starts_the_server_helix_would_start(tmp_path):
    """Helix is not installable here (not in Debian 12, nor on PyPI or npm): its ``languages.toml``
    from the README is read as Helix reads it (the 23.10+ keys), and the command it names is
    started as Helix would start it, and answers ``initialize`` over stdio."""
    languages = helix_languages()
    server = languages["language-server"]["shapelint"]
    (python,) = [language for language in languages["language"] if language["name"] == "python"]
    assert "shapelint" in python["language-servers"]
    env = environment(tmp_path)
    command = shutil.which(server["command"], path=env["PATH"])
    assert command, "the command Helix runs is on PATH"
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}})
    message = f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
    exit_ = b'{"jsonrpc": "2.0", "method": "exit"}'
    message += b"Content-Length: %d\r\n\r\n%s" % (len(exit_), exit_)
    proc = subprocess.run([command, *server.get("args", [])], input=message, capture_output=True, cwd=tmp_path, env=env, timeout=60)
    reply = json.loads(proc.stdout.split(b"\r\n\r\n", 1)[1].split(b"Content-Length")[0])
    assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "shapelint"
    assert reply["result"]["capabilities"]["hoverProvider"]


def terminal_lines(command: str, cwd: Path, env: dict) -> list[str]:
    """``command`` run by the shell in a pseudo-terminal, as VS Code runs a shell task, and its
    output as the terminal shows it (the lines a problem matcher reads): a carriage return goes
    back to the line's start, escape sequences are not text."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(command, shell=True, cwd=cwd, env={**env, "TERM": "xterm-256color", "COLORTERM": "truecolor"},
                            stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the other end closed: the command is done
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    shown = []
    for line in re.split(r"\r?\n", b"".join(chunks).decode()):
        line = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line)
        shown.append(line.rsplit("\r", 1)[-1])
    return shown


def expected_problems(tmp_path: Path) -> list[tuple[str, str, str, str, str]]:
    proc = subprocess.run(["shapelint", "--output-format", "json", "--exit-zero", "."], cwd=tmp_path, env=environment(tmp_path),
                          capture_output=True, text=True)
    return sorted((Path(f["filename"]).relative_to(tmp_path).as_posix() if Path(f["filename"]).is_absolute() else f["filename"],
                   str(f["location"]["row"]), str(f["location"]["column"]), f["code"], f["message"]) for f in json.loads(proc.stdout))


def vscode_task(tmp_path: Path) -> dict:
    """The README's task, and a folder to run it in: one finding with a safe fix (``[*]``), one without."""
    tasks = json.loads(readme_snippet("json", "#### VS Code"))
    (task,) = tasks["tasks"]
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "backprop.py").write_text((ROOT / "examples" / "backprop.py").read_text())
    return task


def test_vscode_problem_matcher_reads_concise_output(tmp_path):
    """VS Code is not here to run; its task is, in a terminal, and the problem matcher's pattern
    reads each finding whole: file, line, column, code and the message without the fix mark."""
    task = vscode_task(tmp_path)
    matcher = task["problemMatcher"]
    assert task["type"] == "shell" and matcher["fileLocation"] == ["relative", "${workspaceFolder}"]
    pattern = matcher["pattern"]
    regexp = re.compile(pattern["regexp"])
    lines = terminal_lines(task["command"], tmp_path, environment(tmp_path))
    matches = [m for m in map(regexp.match, lines) if m]
    got = sorted(tuple(m[pattern[key]] for key in ("file", "line", "column", "code", "message")) for m in matches)
    assert got == expected_problems(tmp_path)
    assert {code for _, _, _, code, _ in got} == {"SL002", "SL004"} and any("[*]" in line for line in lines)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the pattern is checked with Python's re only")
def test_vscode_problem_matcher_in_javascript(tmp_path):
    """The pattern as VS Code compiles it (``new RegExp``, JavaScript's syntax) on the terminal's lines."""
    task = vscode_task(tmp_path)
    pattern = task["problemMatcher"]["pattern"]
    lines = terminal_lines(task["command"], tmp_path, environment(tmp_path))
    script = ("const [pattern, lines] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const re = new RegExp(pattern.regexp);"
              "const out = [];"
              "for (const line of lines) { const m = re.exec(line);"
              " if (m) out.push(['file', 'line', 'column', 'code', 'message'].map(k => m[pattern[k]])); }"
              "process.stdout.write(JSON.stringify(out));")
    proc = subprocess.run(["node", "-e", script], input=json.dumps([pattern, lines]), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert sorted(map(tuple, json.loads(proc.stdout))) == expected_problems(tmp_path)
