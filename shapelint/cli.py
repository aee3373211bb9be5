"""The ``shapelint`` command: ``shapelint [check] PATHS...``, ``shapes``, ``rule``, ``verify``."""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Optional

import click

from . import __version__
from .budget import DEFAULT_TIMEOUT, time_budget
from .cache import disabled_by_environment
from .config import LAYOUTS, ConfigError, Options, Resolver
from .discovery import python_files
from .files import io_finding, problem, read_regular
from .findings import Finding
from .output import FORMATS, RenderContext
from .output.context import printable, split_lines
from .hints import Hints
from .runner import LintOptions, iter_lint, lint_data, lint_files, lint_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
STDIN = "-"


class DefaultToCheck(click.Group):
    """``shapelint src/`` means ``shapelint check src/``, as with ruff."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check"] + list(args)
        return super().parse_args(ctx, args)


def split_commas(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def use_color() -> bool:
    """Colour only on a terminal, never with ``NO_COLOR`` set; ``FORCE_COLOR`` forces it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def default_format() -> str:
    return "full" if sys.stdout.isatty() else "concise"


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shapelint")
def main() -> None:
    """Find NumPy shape bugs before the code runs.

    \b
    shapelint src/                 lint a tree (same as `shapelint check src/`)
    shapelint rule SL002           what a rule flags and why
    shapelint shapes model.py      every assigned array's inferred shape
    shapelint clean                remove the cache (.shapelint_cache)
    Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # what cannot be read is an SL000, not a usage error
@click.option("--output-format", type=click.Choice(sorted(FORMATS)), default=None,
              help="How findings are printed [default: full on a terminal, else concise].")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Use this pyproject.toml (its [tool.shapelint]) for every file.")
@click.option("--select", multiple=True, help="Rules to enable (codes, names or prefixes; comma-separated). Replaces the configured set.")
@click.option("--extend-select", multiple=True, help="Rules to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rules to disable.")
@click.option("--per-file-ignores", multiple=True, metavar="GLOB:CODES", help="Disable rules for matching files, e.g. 'tests/*:SL001,SL005'.")
@click.option("--exclude", multiple=True, help="Globs of files and directories to skip (replaces the defaults).")
@click.option("--extend-exclude", multiple=True, help="Globs to skip on top of the defaults.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to paths given explicitly (pre-commit passes files one by one).")
@click.option("--layout", type=click.Choice(LAYOUTS), default=None, help="Array layout hint for the axis rules when the code gives no signal.")
@click.option("--sample-dims", multiple=True, help="Dim names that mean 'samples' (e.g. m,batch,n_samples).")
@click.option("--show-unused-suppressions", is_flag=True, help="Report `# noqa`/`# shapelint: ignore` comments that suppress nothing (SL100).")
@click.option("--fix", "fix_mode", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too (they may change behaviour).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and change nothing (exit 1 if there is a diff).")
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary line.")
@click.option("--stdin-filename", default=None, help="The name of the file read from standard input (`-`); config applies by it.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes [default: one per core].")
@click.option("--show-files", is_flag=True, help="Print the files that would be linted (excludes applied) and exit.")
@click.option("--show-settings", is_flag=True, help="Print the settings that apply to the first file and exit.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the findings (and the summary) to this file instead of standard output.")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help=f"Seconds one file's analysis may take; past it the file is one SL000 and the run goes on [default: {DEFAULT_TIMEOUT:g}; 0: no limit].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache (also: SHAPELINT_NO_CACHE=1).")
@click.option("--cache-dir", default=None, metavar="DIR", help="Where the cache lives [default: cache-dir of the config, else .shapelint_cache at the project root].")
def check(paths, output_format, config_path, select, extend_select, ignore, per_file_ignores, exclude,
          extend_exclude, force_exclude, layout, sample_dims, show_unused_suppressions, fix_mode, unsafe_fixes,
          diff, statistics, exit_zero, quiet, stdin_filename, jobs, show_files, show_settings, output_file, timeout, no_cache, cache_dir) -> None:
    """Lint files and directories (the ``*.py`` files below them); ``-`` reads standard input."""
    try:
        cli = Options(
            select=split_commas(select) or None,
            ignore=split_commas(ignore),
            extend_select=split_commas(extend_select) + (("SL100",) if show_unused_suppressions else ()),
            per_file_ignores=tuple(parse_per_file(value) for value in per_file_ignores),
            exclude=split_commas(exclude) or None,
            extend_exclude=split_commas(extend_exclude),
            layout=layout,
            sample_dims=split_commas(sample_dims) or None,
            timeout=timeout,
        )
        resolver = Resolver(cli, config_path)
        if not paths and stdin_filename is None:
            raise click.UsageError("give at least one path (or `-` with --stdin-filename to read standard input)")
        if show_files or show_settings:
            sys.exit(run_show(paths, resolver, force_exclude, stdin_filename, show_files))
        if output_file is not None:
            stream = Report.stream = click.open_file(output_file, "w", encoding="utf-8", errors="surrogateescape")

            def reset() -> None:  # when the command is done (also under CliRunner, which runs many in one process)
                stream.close()
                Report.stream = None
            click.get_current_context().call_on_close(reset)
        if fix_mode or diff:
            sys.exit(run_fixes(paths or (STDIN,), resolver, force_exclude, stdin_filename, unsafe_fixes, diff,
                               output_format, statistics, quiet, exit_zero))
        cache = None if no_cache or disabled_by_environment() else str(run_cache_dir(resolver, cache_dir))
        code = run_check(paths or (STDIN,), resolver, force_exclude, stdin_filename, jobs,
                         Report(output_format or default_format(), statistics, quiet, unsafe_fixes), exit_zero, cache)
    except ConfigError as exc:
        click.echo(f"shapelint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(code)


def target_files(paths, resolver: Resolver, force_exclude: bool) -> tuple[list[Path | Finding], list[str]]:
    """The files the paths name (directories walked, excludes applied), in order, with an SL000 in
    place of each path the file system refused (a directory that cannot be listed...); and the
    paths that do not exist."""
    items: list[Path | Finding] = []
    missing = []
    unlisted = lambda path, exc: items.append(io_finding(path, "read directory", exc))  # noqa: E731
    for path in paths:
        if path == STDIN:
            continue
        try:
            os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            missing.append(path)
            click.echo(f"shapelint: error: {printable(path)}: no such file or directory", err=True)
            continue
        except OSError as exc:
            items.append(io_finding(path, "read", exc))
            continue
        if force_exclude and resolver.for_path(Path(path)).excluded(Path(path)):
            continue
        items.extend(python_files([path], lambda found, walked: resolver.for_path(found).excluded_below(found, walked), unlisted))
    return items, missing


def lint_items(items: list[Path | Finding], resolver: Resolver, jobs, cache_dir: Optional[str] = None) -> Iterator[list[Finding]]:
    """Each item's findings in order, as the files are done: a Path is linted, a Finding is itself.
    ``cache_dir``: where findings are kept between runs (None: no cache)."""
    files = [item for item in items if isinstance(item, Path)]
    results = iter_lint(files, jobs, {f: replace(lint_options(resolver, str(f)), cache_dir=cache_dir) for f in files})
    for item in items:
        yield next(results) if isinstance(item, Path) else [item]


def enabled(resolver: Resolver, findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if resolver.for_path(Path(f.path)).enabled(f.code, f.path)]


def run_cache_dir(resolver: Resolver, option: Optional[str]) -> Path:
    """The run's cache directory: ``--cache-dir``, else the configuration's ``cache-dir``, else
    ``.shapelint_cache`` in the configuration's directory or at the project root."""
    from .cache import CACHE_DIR_NAME, cache_dir_for

    settings = resolver.for_path(Path.cwd())
    configured = settings.cache_dir or (settings.root / CACHE_DIR_NAME if settings.config_file is not None else None)
    return cache_dir_for(option, configured)


def run_check(paths, resolver: Resolver, force_exclude: bool, stdin_filename: Optional[str], jobs, report: "Report", exit_zero: bool,
              cache_dir: Optional[str] = None) -> int:
    """Lint what the paths name, printing each file's findings as it is done when the format allows."""
    from .progress import Progress, wanted

    items, missing = target_files(paths, resolver, force_exclude)
    progress = Progress(len(items), wanted(report.format) and report.stream is None)
    for found in lint_items(items, resolver, jobs, cache_dir):
        kept = enabled(resolver, found)
        if kept:
            progress.clear()
        report.add(kept)
        progress.advance()
    progress.clear()
    if STDIN in paths:
        report.add(enabled(resolver, lint_stdin(resolver, stdin_filename, force_exclude, report.sources)))
    report.finish(bool(missing))
    if missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if report.findings and not exit_zero else EXIT_CLEAN


def run_show(paths, resolver: Resolver, force_exclude: bool, stdin_filename, files: bool) -> int:
    """``--show-files``: the files a run would lint; ``--show-settings``: what applies to the first."""
    items, missing = target_files(paths, resolver, force_exclude)
    found = [str(item) for item in items if isinstance(item, Path)]
    if STDIN in paths:
        found.append(stdin_filename or STDIN)
    if files:
        for name in found:
            click.echo(printable(name))
        return EXIT_ERROR if missing else EXIT_CLEAN
    if not found:
        click.echo("shapelint: error: no file to show the settings of", err=True)
        return EXIT_ERROR
    settings = resolver.for_path(Path(found[0]))
    codes = settings.codes_for(found[0])
    click.echo(f"Settings for {printable(found[0])}:")
    click.echo(f"  config file:      {settings.config_file or '(none: the defaults)'}")
    click.echo(f"  project root:     {settings.root}")
    click.echo(f"  enabled rules:    {', '.join(sorted(codes))}")
    click.echo(f"  exclude:          {', '.join(settings.exclude)}")
    for pattern, ignored in settings.per_file_ignores:
        click.echo(f"  per-file-ignores: {pattern}: {', '.join(sorted(ignored))}")
    click.echo(f"  layout:           {settings.layout}")
    click.echo(f"  sample-dims:      {', '.join(settings.sample_dims)}")
    click.echo(f"  timeout:          {settings.timeout:g} s")
    return EXIT_CLEAN


def remove_stale_temporaries(items: list[Path | Finding], quiet: bool) -> None:
    """Before ``--fix`` writes: temporary files a killed run left beside these files go."""
    from .fix import remove_stale_temporaries as remove

    for directory in sorted({Path(os.path.realpath(item)).parent for item in items if isinstance(item, Path)}):
        for removed in remove(directory):
            if not quiet:
                click.echo(f"shapelint: removed {printable(str(removed))}, a temporary file left by an interrupted run", err=True)


def run_fixes(paths, resolver: Resolver, force_exclude: bool, stdin_filename, unsafe: bool, diff: bool,
              output_format, statistics: bool, quiet: bool, exit_zero: bool) -> int:
    """``--fix`` writes (atomically) and reports what is left; ``--diff`` only prints."""
    from .fix import fix_bytes, fix_file, fix_notebook

    items, missing = target_files(paths, resolver, force_exclude)
    if not diff:
        remove_stale_temporaries(items, quiet)

    def linter(name: str):
        options = lint_options(resolver, name)

        def lint(text):
            with time_budget(options.timeout):
                found = lint_source(text, name, options.report_unused, options.hints, options.select).findings
            return enabled(resolver, found)
        return lint

    results = []
    remaining: list[Finding] = []
    for item in items:
        if isinstance(item, Finding):
            remaining += enabled(resolver, [item])
            continue
        fixer = fix_notebook if item.suffix == ".ipynb" else fix_file
        result = fixer(item, unsafe, write=not diff, lint=linter(str(item)))
        if result is None:
            remaining += enabled(resolver, lint_files([item], 1, {item: lint_options(resolver, str(item))}))
            continue
        results.append(result)
        remaining += result.remaining
    if STDIN in paths:
        name = stdin_filename or STDIN
        fixed, result = fix_bytes(read_stdin(), name, unsafe, linter(name))
        results.append(result)
        if not diff:
            for message in result.dropped:
                click.echo(f"shapelint: warning: {message}", err=True)
            out = click.get_binary_stream("stdout")
            out.write(fixed)  # editors replace the buffer with this: the input's bytes when nothing applies
            out.flush()
            return EXIT_ERROR if missing else EXIT_CLEAN
    for result in results:
        for message in result.dropped:
            click.echo(f"shapelint: warning: {printable(message)}", err=True)
    applied = sum(r.applied for r in results)
    if diff:
        patch = "".join(r.diff() for r in results if r.changed)
        click.echo(printable(patch), nl=False)
        if not quiet:
            click.echo(f"Would fix {applied} finding{'s' * (applied != 1)}.", err=True)
        return EXIT_ERROR if missing else (EXIT_FINDINGS if patch and not exit_zero else EXIT_CLEAN)
    report = Report(output_format or default_format(), statistics, quiet, unsafe, summary=False)
    report.add(remaining)
    report.finish()
    if not quiet:
        changed = sum(r.changed for r in results)
        _, more = fixable_counts(remaining, unsafe)
        hint = f" ({more} fixable with --unsafe-fixes)" if more else ""
        click.echo(f"Fixed {applied} finding{'s' * (applied != 1)} in {changed} file{'s' * (changed != 1)}; {len(remaining)} remaining{hint}.", err=True)
    if missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if remaining and not exit_zero else EXIT_CLEAN


def lint_options(resolver: Resolver, name: str) -> LintOptions:
    settings = resolver.for_path(Path(name))
    codes = settings.codes_for(name)
    return LintOptions("SL100" in codes, Hints(settings.layout, settings.sample_dims), codes, settings.timeout)


def parse_per_file(value: str) -> tuple[str, tuple[str, ...]]:
    pattern, sep, codes = value.rpartition(":")
    if not sep or not pattern:
        raise ConfigError(f"--per-file-ignores {value!r}: expected GLOB:CODES, e.g. 'tests/*:SL001'")
    return pattern, split_commas((codes,))


def read_stdin() -> bytes:
    """Standard input's bytes; a closed one (``<&-``: Python then has no ``sys.stdin``) is an error
    the user is told of, not a traceback."""
    if sys.stdin is None:
        raise ConfigError("standard input is closed: there is nothing to read for `-`")
    return sys.stdin.buffer.read()


def lint_stdin(resolver: Resolver, stdin_filename: Optional[str], force_exclude: bool, sources) -> list[Finding]:
    name = stdin_filename or STDIN
    settings = resolver.for_path(Path(name))
    source = read_stdin()
    if force_exclude and stdin_filename and settings.excluded(Path(name)):
        return []
    sources[name] = split_lines(source.decode("utf-8", "replace"))
    return lint_data(source, name, lint_options(resolver, name))


STREAMING = frozenset({"concise", "full", "json-lines", "github"})  # one file's output does not depend on the others


class Report:
    """Prints findings: file by file as they come in the formats that allow it (so one slow file
    never hides the others), else all at the end (``json`` and ``sarif`` are one document,
    ``--statistics`` counts); then the summary line. To ``stream`` (``--output-file``) when set."""

    stream = None  # None: standard output

    def __init__(self, output_format: str, statistics: bool, quiet: bool, unsafe: bool = False, summary: bool = True) -> None:
        self.format, self.statistics, self.quiet = output_format, statistics, quiet
        self.unsafe = unsafe  # --unsafe-fixes: unsafe fixes count as fixable (marked ``[*]``)
        self.summary = summary and not quiet and output_format in SUMMARIZED
        self.streaming = output_format in STREAMING and not statistics
        self.color = use_color() and self.stream is None
        self.sources: dict[str, list[str]] = {}  # lines of sources that are not files (stdin)
        self.findings: list[Finding] = []

    def add(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)
        if self.streaming and findings:
            self._echo(findings)

    def _echo(self, findings: list[Finding]) -> None:
        ctx = RenderContext(color=self.color, sources=dict(self.sources), fix_marks="unsafe" if self.unsafe else "safe")
        out = FORMATS[self.format](findings, ctx)
        if out:
            click.echo(out, nl=False, file=self.stream)

    def finish(self, missing: bool = False) -> None:
        """The summary; with ``missing`` paths (said on standard error) never "All checks passed!"."""
        findings = self.findings
        if self.statistics:
            counts = Counter((f.code, f.name) for f in findings)
            for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                click.echo(f"{count:>5}\t{code}\t{name}", file=self.stream)
            return
        if not self.streaming:
            self._echo(findings)
        if self.summary and not (missing and not findings):
            for line in summary_lines(findings, self.unsafe):
                click.echo(line, file=self.stream)


SUMMARIZED = frozenset({"concise", "full"})  # for people and problem matchers; machine formats stay pure


def fixable_counts(findings: list[Finding], unsafe: bool) -> tuple[int, int]:
    """(fixable with what was asked, fixable only with --unsafe-fixes as well)."""
    from .applicability import applicable

    now = sum(applicable(f, unsafe) for f in findings)
    return now, sum(applicable(f, True) for f in findings) - now


def summary_lines(findings: list[Finding], unsafe: bool) -> list[str]:
    """ruff's closing lines: the count, then what ``--fix`` would fix (``[*]`` marks those findings)."""
    if not findings:
        return ["All checks passed!"]
    files = len({f.path for f in findings})
    lines = [f"Found {len(findings)} finding{'s' * (len(findings) != 1)} in {files} file{'s' * (files != 1)}."]
    now, more = fixable_counts(findings, unsafe)
    flag = "--fix --unsafe-fixes" if unsafe else "--fix"
    if now and more:
        lines.append(f"[*] {now} fixable with {flag} ({more} more with --unsafe-fixes).")
    elif now:
        lines.append(f"[*] {now} fixable with {flag}.")
    elif more:
        lines.append(f"No fixes with --fix ({more} with --unsafe-fixes).")
    return lines


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Use this pyproject.toml or shapelint.toml (its cache-dir) instead of the nearest one.")
@click.option("--cache-dir", default=None, metavar="DIR", help="The cache directory to remove.")
def clean(config_path: Optional[Path], cache_dir: Optional[str]) -> None:
    """Remove the cache of the current project (``.shapelint_cache`` or the configured ``cache-dir``)."""
    from .cache import clean as remove

    try:
        directory = run_cache_dir(Resolver(Options(), config_path), cache_dir)
    except ConfigError as exc:
        click.echo(f"shapelint: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    try:
        removed = remove(directory)
    except OSError as exc:
        click.echo(f"shapelint: error: cannot remove {printable(str(directory))}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"Removed {printable(str(directory))}" if removed else f"No cache to remove at {printable(str(directory))}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def shapes(file: str, output_format: str) -> None:
    """Print the inferred shape of every assigned array: ``LINE:COL NAME SHAPE``
    (in a notebook ``cell N:LINE:COL NAME SHAPE``)."""
    from .assigned import assigned_shapes
    from .notebook import NotebookError, is_notebook, lint_notebook, read_notebook

    try:
        source = read_regular(file)
    except OSError as exc:
        click.echo(f"shapelint: error: {printable(problem(file, 'read', exc))}", err=True)
        sys.exit(EXIT_ERROR)
    notebook = None
    if is_notebook(file):
        try:
            notebook = read_notebook(source)
        except NotebookError as exc:
            click.echo(f"shapelint: error: {printable(file)} {exc}", err=True)
            sys.exit(EXIT_ERROR)
    with time_budget(DEFAULT_TIMEOUT):
        result = lint_notebook(source, file) if notebook is not None else lint_source(source, file)
    if result.analysis is None:
        for finding in result.findings:
            click.echo(f"{finding.where}: {finding.code} {finding.message}", err=True)
        sys.exit(EXIT_ERROR if result.findings else EXIT_CLEAN)
    rows = assigned_shapes(result, notebook.source if notebook is not None else source, notebook)

    def call_line(line: int) -> str:
        return "at line {}".format(line) if notebook is None else "in cell {}, line {}".format(*notebook.locate(line))

    if output_format == "json":
        items = []
        for row in rows:
            item = {"name": row.name, "row": row.line, "column": row.column, "shape": str(row.shape), "dims": row.dims}
            if row.cell is not None:
                item["cell"] = row.cell
            if row.called:  # only where a caller's arguments give another shape
                item["when_called"] = [{"from": c.caller, "row": c.line, "shape": str(c.shape)} for c in row.called]
                if notebook is not None:
                    for entry, c in zip(item["when_called"], row.called):
                        entry["cell"], entry["row"] = notebook.locate(c.line)
            items.append(item)
        click.echo(json.dumps(items, indent=2))
        return
    for row in rows:
        cell = f"cell {row.cell}:" if row.cell is not None else ""
        click.echo(f"{cell}{row.line}:{row.column} {row.name} {row.shape}")
        for c in row.called:
            click.echo(f"    when called from {c.caller} {call_line(c.line)}: {c.shape}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def coverage(paths: tuple[str, ...], output_format: str) -> None:
    """How much shapelint could see: per file, the share of array expressions with a known shape,
    and the functions whose parameters never got one (where one declaration would help)."""
    from .coverage import file_coverage, render

    rows = []
    for path in python_files([Path(p) for p in paths]):
        try:
            source = read_regular(str(path))
        except OSError as exc:
            click.echo(f"shapelint: error: {printable(problem(str(path), 'read', exc))}", err=True)
            continue
        with time_budget(DEFAULT_TIMEOUT):
            result = lint_source(source, str(path))
        if result.analysis is not None:
            rows.append(file_coverage(str(path), result.analysis))
    if output_format == "json":
        click.echo(json.dumps([{"path": r.path, "expressions": r.expressions, "known_rank": r.known_rank,
                                "fully_known": r.fully_known,
                                "blind_functions": [{"function": f, "parameters": p} for f, p in r.blind_functions]}
                               for r in rows], indent=2))
        return
    for line in render(rows):
        click.echo(line)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule: code, name, whether it can fix.")
def rule(code: Optional[str], show_all: bool) -> None:
    """Explain a rule (``shapelint rule SL002`` or ``shapelint rule missing-keepdims``)."""
    from .docs import all_docs, render

    docs = all_docs()
    if show_all or code is None:
        width = max(len(d.name) for d in docs)
        for doc in docs:
            click.echo(f"{doc.code}  {doc.name:<{width}}  {'fix' if doc.fixable else '   '}  {doc.summary}")
        return
    for doc in docs:
        if code.upper() == doc.code or code == doc.name:
            click.echo(render(doc), nl=False)
            return
    click.echo(f"shapelint: error: unknown rule {code!r}; see `shapelint rule --all`", err=True)
    sys.exit(EXIT_ERROR)


@main.command()
def server() -> None:
    """Run the language server on stdin/stdout (diagnostics, shapes as inlay hints, hovers, quick
    fixes), for editors; needs the extra: pip install 'shapelint[server]'."""
    from .server import MISSING_EXTRA, missing_extra

    try:
        from .server import serve
        from .server import handlers  # noqa: F401 - imports pygls: fails here, not after the client connected
    except ImportError as exc:
        if not missing_extra(exc):
            raise
        click.echo(f"shapelint: error: {MISSING_EXTRA} ({exc})", err=True)
        sys.exit(EXIT_ERROR)
    serve()


@main.group()
def daemon() -> None:
    """Keep libcst and the engine loaded in a background process, so that each `shapelint` run
    (pre-commit on one changed file, an editor's save hook) skips importing them: a running
    daemon is used by every run of this same install, unless SHAPELINT_DAEMON=0;
    SHAPELINT_DAEMON=auto starts one when none runs. Each run is done by a process forked for it
    alone, with the caller's arguments, directory, environment and streams: the output and
    exit code are those of the run without a daemon."""


@daemon.command("start")
@click.option("--idle-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Exit after this long without a run [default: 3600; 0: never].")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def daemon_start(idle_timeout: Optional[float], quiet: bool) -> None:
    """Start the daemon (nothing to do if it runs)."""
    from .daemon import DEFAULT_IDLE_TIMEOUT, start

    sys.exit(start(DEFAULT_IDLE_TIMEOUT if idle_timeout is None else idle_timeout, quiet))


@daemon.command("stop")
@click.option("--all", "every", is_flag=True, help="Also stop this user's other daemons (other installs, or this one before its code changed).")
def daemon_stop(every: bool) -> None:
    """Stop the daemon."""
    from .daemon import stop

    sys.exit(stop(every=every))


@daemon.command("status")
def daemon_status() -> None:
    """Say whether the daemon runs (exit 0) or not (exit 1), and how many runs it served."""
    from .daemon import status

    sys.exit(status())


@main.command()
@click.argument("path", type=click.Path())
def verify(path: str) -> None:
    """Run the network at PATH beside the loop twin and compare every array.

    \b
    PATH implements init_params/forward/cost/backward/train (features-first).
    This is the one command that runs user code. Exit codes: 0 match,
    1 mismatch or the code raised, 2 could not load.
    """
    from .verify import verify as run_verify

    sys.exit(run_verify(path))
