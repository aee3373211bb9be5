"""ANSI styles for terminal output, applied only when asked for."""
from __future__ import annotations

RESET = "\x1b[0m"
BOLD = "1"
RED = "31"
BLUE = "34"
CYAN = "36"


def paint(text: str, *styles: str, enabled: bool = True) -> str:
    """``text`` wrapped in the SGR ``styles`` (``paint("SL002", BOLD, RED)``), or unchanged when not ``enabled``."""
    if not enabled or not styles or not text:
        return text
    return f"\x1b[{';'.join(styles)}m{text}{RESET}"
