"""Which file of the user's project an import names: free of libcst, so that the screen
(``shapelint.screening``) follows imports exactly as the interpreter (``infer.project``) does."""
from __future__ import annotations

from pathlib import Path
from typing import Optional


def package_root(directory: Path) -> Path:
    """The directory from which the package holding ``directory`` is imported."""
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory


def resolve(importer: Optional[str], module: str, level: int) -> Optional[Path]:
    """The file ``import module`` (``level`` dots) means for ``importer``; None when it is not a
    file of the importer's project (a library, a missing file, no importer path)."""
    if not importer or importer == "-" or not module and not level:
        return None
    here = Path(importer).resolve().parent
    if level:
        base = here
        for _ in range(level - 1):
            base = base.parent
        roots = [base]
    else:
        roots = list(dict.fromkeys((here, package_root(here))))
    parts = module.split(".") if module else []
    for root in roots:
        target = root.joinpath(*parts) if parts else root
        for candidate in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
            if candidate is not None and candidate.is_file():
                return candidate
    return None
