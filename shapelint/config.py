"""``[tool.shapelint]`` in pyproject.toml, merged with the command line.

The nearest pyproject.toml with a ``[tool.shapelint]`` table above a file
configures it (or ``--config PATH`` for all). Rule selectors are codes
(``SL002``), names (``missing-keepdims``), prefixes (``SL00``) or ``ALL``.
Anything unknown is an error, not a silent no-op.
"""
from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Iterable, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .budget import DEFAULT_TIMEOUT
from .files import read_regular
from .findings import SYNTAX_CODE

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".eggs", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "__pycache__", "__pypackages__", "build", "dist",
    "node_modules", "site-packages", "_build", "buck-out", ".ipynb_checkpoints", "*.egg-info",
)
LAYOUTS = ("auto", "features-first", "samples-first")
DEFAULT_SAMPLE_DIMS = ("m", "n_samples", "batch", "batch_size", "B", "N")
UNUSED_SUPPRESSION = ("SL100", "unused-suppression")
KEYS = {
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude",
    "layout", "sample-dims", "timeout", "cache-dir",
}


class ConfigError(Exception):
    """A configuration the user must fix; the command exits 2."""


def rule_names() -> dict[str, str]:
    """code -> kebab-case name for every code shapelint can report."""
    from .rule_table import RULE_NAMES

    names = dict(RULE_NAMES)
    names[SYNTAX_CODE] = "syntax-error"
    names[UNUSED_SUPPRESSION[0]] = UNUSED_SUPPRESSION[1]
    return names


def default_codes() -> frozenset[str]:
    return frozenset(code for code in rule_names() if code != UNUSED_SUPPRESSION[0])


def resolve_selector(selector: str, where: str = "") -> frozenset[str]:
    """``SL002``, ``missing-keepdims``, ``SL00`` or ``ALL`` -> the codes it means."""
    names = rule_names()
    text = selector.strip()
    if text.upper() == "ALL":
        return frozenset(names)
    by_name = {name: code for code, name in names.items()}
    if text in by_name:
        return frozenset({by_name[text]})
    matched = frozenset(code for code in names if code.startswith(text.upper()) and text[:2].upper() == "SL")
    if not matched:
        suffix = f" in {where}" if where else ""
        known = ", ".join(f"{code} ({name})" for code, name in sorted(names.items()))
        raise ConfigError(f"unknown rule selector {selector!r}{suffix}; known rules: {known}")
    return matched


def resolve_selectors(selectors: Iterable[str], where: str = "") -> frozenset[str]:
    codes: set[str] = set()
    for selector in selectors:
        codes |= resolve_selector(selector, where)
    return frozenset(codes)


@dataclass(frozen=True)
class Options:
    """Raw options from one source (a pyproject table or the command line); None = not given."""

    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: Optional[tuple[str, ...]] = None
    extend_exclude: tuple[str, ...] = ()
    layout: Optional[str] = None
    sample_dims: Optional[tuple[str, ...]] = None
    timeout: Optional[float] = None  # seconds one file may take; 0: no limit
    cache_dir: Optional[str] = None  # relative to the project root (the configuration's directory)


@dataclass(frozen=True)
class Settings:
    """What applies to one file: the enabled codes, excludes, per-file ignores, layout hints."""

    codes: frozenset[str]
    root: Path
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    layout: str = "auto"
    sample_dims: tuple[str, ...] = DEFAULT_SAMPLE_DIMS
    config_file: Optional[Path] = None
    timeout: float = DEFAULT_TIMEOUT
    cache_dir: Optional[Path] = None  # ``cache-dir`` of the configuration, absolute; None: the default

    def enabled(self, code: str, path: str) -> bool:
        return code in self.codes_for(path)

    def codes_for(self, path: str) -> frozenset[str]:
        """The codes enabled for this file: the selection less its per-file ignores."""
        relative = self._relative(path)
        ignored = [codes for pattern, codes in self.per_file_ignores if _matches(pattern, relative)]
        return self.codes.difference(*ignored)

    def excluded(self, path: Path) -> bool:
        """For a path named explicitly (``--force-exclude``): judged relative to the project root."""
        relative = self._relative(str(path))
        return any(_matches(pattern, relative) for pattern in self.exclude)

    def excluded_below(self, path: Path, walked: Path) -> bool:
        """For a path found by walking ``walked``: name patterns see only the parts below it."""
        try:
            below = path.relative_to(walked)
        except ValueError:
            below = PurePath(path.name)
        rooted = self._relative(str(path))
        for pattern in self.exclude:
            if "/" in pattern.rstrip("/"):
                if _matches(pattern, rooted):
                    return True
            elif any(fnmatch.fnmatch(part, pattern) for part in below.parts):
                return True
        return False

    def _relative(self, path: str) -> PurePath:
        absolute = Path(path).absolute()
        try:
            return absolute.relative_to(self.root.absolute())
        except ValueError:
            return PurePath(path)


def _matches(pattern: str, relative: PurePath) -> bool:
    """A glob against the relative path, or against any single component (``build``, ``*.egg-info``)."""
    text = relative.as_posix()
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, pattern + "/*"):
        return True
    if "/" not in pattern:
        return any(fnmatch.fnmatch(part, pattern) for part in relative.parts)
    return False


def parse_table(table: dict, where: str) -> Options:
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigError(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(sorted(unknown))} in {where}; known keys: {', '.join(sorted(KEYS))}")

    def strings(key: str) -> Optional[tuple[str, ...]]:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key} in {where} must be a list of strings")
        return tuple(value)

    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict) or not all(isinstance(v, list) for v in per_file.values()):
        raise ConfigError(f"per-file-ignores in {where} must map glob patterns to lists of rule selectors")
    layout = table.get("layout")
    if layout is not None and layout not in LAYOUTS:
        raise ConfigError(f"layout in {where} must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    timeout = table.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 <= timeout < float("inf")):
        raise ConfigError(f"timeout in {where} must be a number of seconds (0 for no limit), not {timeout!r}")
    cache_dir = table.get("cache-dir")
    if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir):
        raise ConfigError(f"cache-dir in {where} must be a path (a non-empty string), not {cache_dir!r}")
    options = Options(
        select=strings("select"),
        ignore=strings("ignore") or (),
        extend_select=strings("extend-select") or (),
        per_file_ignores=tuple((pattern, tuple(codes)) for pattern, codes in per_file.items()),
        exclude=strings("exclude"),
        extend_exclude=strings("extend-exclude") or (),
        layout=layout,
        sample_dims=strings("sample-dims"),
        timeout=timeout,
        cache_dir=cache_dir,
    )
    validate(options, where)
    return options


def validate(options: Options, where: str) -> None:
    for selectors in (options.select or (), options.ignore, options.extend_select):
        resolve_selectors(selectors, where)
    for pattern, selectors in options.per_file_ignores:
        resolve_selectors(selectors, f"per-file-ignores[{pattern!r}] of {where}")


def build(file_options: Options, cli: Options, root: Path, config_file: Optional[Path]) -> Settings:
    """The command line wins over the file: ``--select`` replaces, ``--ignore``/``--extend-*`` add."""
    select = cli.select if cli.select is not None else file_options.select
    codes = set(default_codes() if select is None else resolve_selectors(select))
    codes |= resolve_selectors(file_options.extend_select) | resolve_selectors(cli.extend_select)
    codes -= resolve_selectors(file_options.ignore) | resolve_selectors(cli.ignore)
    exclude = cli.exclude if cli.exclude is not None else file_options.exclude
    per_file = file_options.per_file_ignores + cli.per_file_ignores
    return Settings(
        codes=frozenset(codes),
        root=root,
        exclude=tuple(exclude if exclude is not None else DEFAULT_EXCLUDE) + file_options.extend_exclude + cli.extend_exclude,
        per_file_ignores=tuple((pattern, resolve_selectors(selectors)) for pattern, selectors in per_file),
        layout=cli.layout or file_options.layout or "auto",
        sample_dims=cli.sample_dims or file_options.sample_dims or DEFAULT_SAMPLE_DIMS,
        config_file=config_file,
        timeout=next((t for t in (cli.timeout, file_options.timeout) if t is not None), DEFAULT_TIMEOUT),
        cache_dir=(root / file_options.cache_dir).absolute() if file_options.cache_dir else None,
    )


def load_file(path: Path) -> Optional[Options]:
    """The ``[tool.shapelint]`` table of a pyproject.toml (or a shapelint.toml), None if it has none."""
    try:
        data = tomllib.loads(read_regular(path).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("shapelint")
    else:
        table = data
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"[tool.shapelint] in {path} must be a table")
    return parse_table(table, str(path))


@dataclass
class Resolver:
    """Settings per directory: the nearest configured pyproject.toml, cached."""

    cli: Options = field(default_factory=Options)
    config_path: Optional[Path] = None
    _fixed: Optional[Settings] = None
    _cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate(self.cli, "the command line")
        if self.config_path is not None:
            if not self.config_path.is_file():
                raise ConfigError(f"--config {self.config_path}: no such file")
            options = load_file(self.config_path) or Options()
            self._fixed = build(options, self.cli, self.config_path.parent, self.config_path)

    def for_path(self, path: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        directory = path if _is(Path.is_dir, path) else path.parent
        return self._for_directory(directory.absolute())

    def _for_directory(self, directory: Path) -> Settings:
        if directory in self._cache:
            return self._cache[directory]
        candidate = directory / "pyproject.toml"
        options = load_file(candidate) if _is(Path.is_file, candidate) else None
        if options is not None:
            settings = build(options, self.cli, directory, candidate)
        elif directory.parent != directory:
            settings = self._for_directory(directory.parent)
        else:
            settings = build(Options(), self.cli, Path.cwd(), None)
        self._cache[directory] = settings
        return settings


def _is(test, path: Path) -> bool:
    """``path.is_dir()``/``is_file()``, False when the file system will not say (a directory
    that cannot be searched): what is inside it cannot be read either, and says so itself."""
    try:
        return test(path)
    except OSError:
        return False
