"""A finding: one rule's verdict at one place in one file."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

SYNTAX_CODE = "SL000"
SYNTAX_NAME = "syntax-error"
INTERNAL_NAME = "internal-error"


@dataclass(frozen=True, order=True)
class Finding:
    """``line``/``column`` are 1-based; in a notebook they count within ``cell`` (1-based)."""

    path: str
    line: int
    column: int
    code: str
    message: str
    name: str = ""
    end_line: int = 0
    end_column: int = 0
    fix: Optional[dict] = field(default=None, compare=False)  # ruff's shape: applicability, message, edits
    cell: Optional[int] = None

    @property
    def url(self) -> Optional[str]:
        return None

    @property
    def where(self) -> str:
        """``path:line:col`` or ``nb.ipynb:cell 3:line:col``."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.path}:{cell}{self.line}:{self.column}"


@dataclass
class FileResult:
    """One file's findings, with what the engine built to find them (a ``libcst.Module``, its
    ``Analysis`` and ``RuleContext``; None when it was not parsed). ``depends``: the project files
    the result rests on besides the file itself, and ``probes``: which files its imports found or
    missed (``(path, is a file)``, ``project_paths.resolve``), when no analysis recorded them (a screened file,
    ``shapelint.screening``)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    module: Optional[object] = None
    analysis: Optional[object] = None
    context: Optional[object] = None
    depends: frozenset = frozenset()
    probes: frozenset = frozenset()

    def release(self) -> None:
        """Once its findings are taken: keep them, ``depends`` (the project files the analysis
        loaded) and ``probes``, free the rest now. The analysis's cycles are broken (``Analysis.release``) and
        the tree, module and context let go of, so that the collection after the file
        (``runner.collected_once``) finds them gone instead of walking every live node: on 65k
        lines of scikit-learn and numpy that walk was 0.6 s, 0.04 s once they are dropped."""
        if self.analysis is not None:
            self.depends = self.depends | frozenset(self.analysis.loaded_files)
            self.probes = self.probes | frozenset(self.analysis.import_probes)
            self.analysis.release()
        self.module = self.analysis = self.context = None
