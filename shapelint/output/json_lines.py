"""One JSON object a line (the objects of the ``json`` format), for streaming and ``jq -c``."""
from __future__ import annotations

import json
from typing import Iterable

from ..findings import Finding
from .json_format import as_dict


def render(findings: Iterable[Finding], ctx=None) -> str:
    return "".join(json.dumps(as_dict(f)) + "\n" for f in findings)
