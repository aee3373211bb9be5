"""Expected results of ``--fix --unsafe-fixes`` on fixtures: ``name.fixed.py`` beside ``name.py``.

The fixed text is compared with the ``# expect:`` markers removed (a fixed file has
nothing left to expect). Regenerate with ``python tests/fixed_files.py``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"[ \t]*#\s*expect:\s*SL\d{3}(?:\s*,\s*SL\d{3})*[ \t]*(?=\r?\n|$)")


def strip_markers(text: str) -> str:
    return MARKER.sub("", text)


def fixed_text(path: Path) -> str:
    from shapelint.fix import fix_text

    return strip_markers(fix_text(path.read_text(encoding="utf-8"), str(path), unsafe=True).fixed)


def fixable_fixtures() -> list[Path]:
    from shapelint.engine import lint_source

    found = []
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        if path.name.endswith(".fixed.py"):
            continue
        if any(f.fix and f.fix["applicability"] != "display-only" for f in lint_source(path.read_bytes(), str(path)).findings):
            found.append(path)  # a display-only fix is shown, never applied: nothing for --fix to write
    return found


def sibling(path: Path) -> Path:
    return path.with_name(path.stem + ".fixed.py")


if __name__ == "__main__":
    for path in fixable_fixtures():
        target = sibling(path)
        if "reference_net" in path.parts and target.exists():
            continue  # hand-written fixed copies of the network: the test checks the tool matches them
        target.write_text(fixed_text(path), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)
