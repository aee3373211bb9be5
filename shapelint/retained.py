"""Trees the daemon keeps between runs, so that a file it has seen parses again only where it changed.

A forked run (``daemon``) starts with the daemon's memory: the libcst trees of the files recent
runs linted, each kept as the language server keeps a buffer (``server.incremental.Document``:
chunks of top-level statements). When the run lints one of those files, only the statements an
edit touched are parsed again and the module is assembled from the rest, which is the module
``libcst.parse_module`` gives for the whole text (``Document``'s promise, checked by
``tests/test_server.py`` through random edits and by ``tests/test_retained.py`` on the fixtures
against the engine's own parse), so findings cannot differ: only the time to them does. A
1,000-line file edited in one function: 0.09 s of parsing becomes ~0.005 s.

As it ends, the run tells the daemon which files it looked up and how long each took to parse
(``looked_up``); the daemon then reads those that parsed quickly (``MAX_PARSE_SECONDS``: its own
parse holds up any request that arrives meanwhile) from disk and parses them while no request
waits (``hold``), within limits on each file's size and on all the source it keeps (the most
recently linted are kept). Outside the daemon nothing is kept and ``parsed`` answers None at once.

Only text the engine would read the same way is taken: UTF-8 bytes with no byte-order mark and no
coding declaration, one kind of line ending, no form feed and nothing libcst renders otherwise
than written (``chunks.chunkable``); code too deeply nested for libcst (``complexity``) is left
to the engine's parse, which says so.
"""
from __future__ import annotations

import os
import time
from collections import OrderedDict
from contextlib import contextmanager
from typing import Iterator, Optional

import libcst as cst

MAX_PARSE_SECONDS = 0.2  # a file whose parse took the run longer is not kept: the daemon's parse of it holds up requests
MAX_FILE_BYTES = 150_000  # (told by its size before it is read)
MAX_BYTES = 1_500_000  # of source, all files kept together: 40-100 bytes of tree per byte, 150 MB at most
MAX_REPORTED = 64  # files one run reports as looked up


class _Held:
    """The trees kept, most recently used last, and what this process looked up."""

    def __init__(self) -> None:
        self.documents: "OrderedDict[str, object]" = OrderedDict()  # real path -> server.incremental.Document
        self.sizes: dict[str, tuple[int, int]] = {}  # real path -> (bytes, lines) kept
        self.looked_up: dict[str, float] = {}  # real path -> CPU seconds its parse took this run
        self.reused = 0  # lints that parsed only what changed (for ``shapelint daemon status`` and the tests)


_held: Optional[_Held] = None  # only the daemon (and the runs it forks) keeps trees
_inside = False  # set while a Document parses: its own whole-text parse goes through the engine's ``parse``


def keep_trees() -> None:
    """Called by the daemon: from now on this process and the runs it forks keep trees."""
    global _held
    if _held is None:
        _held = _Held()


def key(path: str) -> str:
    return os.path.realpath(path)


def parsed(source: bytes | str, path: str) -> Optional[cst.Module]:
    """The module of ``source`` assembled from the tree kept for ``path``; None when none is kept
    or the text is not one a kept tree may stand for. Either way the file is noted, for the
    daemon to keep (or bring up to date) after this run."""
    if _held is None or _inside or not path.endswith((".py", ".pyi")):  # (a notebook's code is not its file's text)
        return None
    name = key(path)
    if name not in _held.looked_up and len(_held.looked_up) < MAX_REPORTED:
        _held.looked_up[name] = 0.0  # kept after this run, or brought up to date (``timing`` says how long it took)
    document = _held.documents.get(name)
    if document is None:
        return None
    text = _as_engine_reads(source)
    if text is None:
        return None
    from .complexity import too_complex

    if too_complex(source) is not None:  # the engine's parse says why, with its SL000
        return None
    with timing(path), _document_parsing():  # (in this order: timing notes nothing inside a Document's parse)
        module, _failure, _layout = document.parse(text, path)
    if module is not None and document.stats.mode != "full":
        _held.reused += 1
    return module


@contextmanager
def timing(path: str) -> Iterator[None]:
    """Note how long parsing ``path`` took this run (the daemon keeps only files quick to parse)."""
    if _held is None or _inside or key(path) not in _held.looked_up:
        yield
        return
    start = time.process_time()
    try:
        yield
    finally:
        name = key(path)
        _held.looked_up[name] = max(_held.looked_up[name], time.process_time() - start)


@contextmanager
def _document_parsing() -> Iterator[None]:
    global _inside
    _inside = True
    try:
        yield
    finally:
        _inside = False


def _as_engine_reads(source: bytes | str) -> Optional[str]:
    """The text of ``source`` when the engine's parse would read exactly it; None otherwise."""
    from .server.chunks import _CODING, chunkable

    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError:
            return None
    else:
        text = source
    head = "\n".join(text.split("\n", 2)[:2])
    if _CODING.search(head) or not chunkable(text):
        return None
    return text


def looked_up() -> list[tuple[str, float]]:
    """(real path, CPU seconds of its parse) of each file this process looked up."""
    return list(_held.looked_up.items()) if _held is not None else []


def reused() -> int:
    return _held.reused if _held is not None else 0


def hold(path: str) -> bool:
    """Parse the file at ``path`` (a real path) from disk and keep its tree, within the limits;
    False when it is not kept (unreadable, too large, not text the engine reads as is, or it
    does not parse). A tree kept before is brought up to date by parsing only what changed."""
    if _held is None:
        return False
    from .files import read_regular
    from .server.incremental import Document

    try:
        if os.stat(path).st_size > MAX_FILE_BYTES:
            return _forget(path)
        source = read_regular(path)
    except OSError:
        return _forget(path)
    text = _as_engine_reads(source)
    if text is None:
        return _forget(path)
    document = _held.documents.pop(path, None) or Document()
    from .engine import on_large_stack  # libcst recurses as deep as the code nests

    try:
        with _document_parsing():
            module, _failure, _layout = on_large_stack(document.parse, text, path)
    except Exception:  # noqa: BLE001 - a file that cannot be kept is parsed in full by the run that lints it
        module = None
    if module is None or not document.chunks:
        return _forget(path)
    _held.documents[path] = document
    _held.sizes[path] = (len(source), len(document.lines))
    while sum(size for size, _ in _held.sizes.values()) > MAX_BYTES and len(_held.documents) > 1:
        _forget(next(iter(_held.documents)))  # the least recently linted
    return True


def _forget(path: str) -> bool:
    if _held is not None:
        _held.documents.pop(path, None)
        _held.sizes.pop(path, None)
    return False


def held_files() -> tuple[int, int]:
    """(files, lines) kept."""
    if _held is None:
        return 0, 0
    return len(_held.documents), sum(lines for _, lines in _held.sizes.values())
