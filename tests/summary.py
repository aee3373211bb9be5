"""The closing lines of ``concise`` and ``full`` output (``Found ...``, the fix hint, ``All checks
passed!``), dropped by tests that look at the findings alone."""
from __future__ import annotations

SUMMARY_STARTS = ("Found ", "[*] ", "No fixes with --fix", "All checks passed!")


def findings_only(out):
    """``out`` (text or bytes) without the summary lines at its end."""
    if isinstance(out, bytes):
        return findings_only(out.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
    lines = out.splitlines(keepends=True)
    while lines and lines[-1].startswith(SUMMARY_STARTS):
        lines.pop()
    return "".join(lines)
