"""How a message quotes code: short enough to read on one line, cut where a reader sees a cut."""
from __future__ import annotations

WIDTH = 60


def abbreviated(text: str) -> str:
    """``text`` if it is at most ``WIDTH`` characters, else its start and `` ...``, cut at a space
    when one is near (``... / np.linalg.norm(W, ...``, not ``... / np.linalg.norm(W, axi...``, and
    never ``x *...`` for ``x ** (1 / p)``)."""
    if len(text) <= WIDTH:
        return text
    cut = text[:WIDTH - 4]
    space = cut.rfind(" ")
    if space >= WIDTH // 2:
        cut = cut[:space]
    return cut.rstrip() + " ..."
