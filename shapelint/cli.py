"""The ``shapelint`` command: ``shapelint [check] PATHS...``, ``shapelint shapes FILE``."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .discovery import python_files
from .engine import lint_source
from .output import FORMATS, RenderContext
from .runner import lint_files

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class DefaultToCheck(click.Group):
    """``shapelint src/`` means ``shapelint check src/``, as with ruff."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check"] + list(args)
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shapelint")
def main() -> None:
    """Find NumPy shape bugs before the code runs.

    \b
    Exit codes: 0 no findings, 1 findings, 2 usage or internal error.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--output-format",
    type=click.Choice(sorted(FORMATS)),
    default="concise",
    show_default=True,
    help="How findings are printed.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
def check(paths: tuple[str, ...], output_format: str, jobs: int | None) -> None:
    """Lint files and directories (``*.py`` files below them)."""
    missing = [p for p in paths if not Path(p).exists()]
    for path in missing:
        click.echo(f"shapelint: error: {path}: no such file or directory", err=True)
    existing = [p for p in paths if p not in missing]
    findings = lint_files(python_files(existing), jobs)
    out = FORMATS[output_format](findings, RenderContext())
    if out and (findings or output_format != "concise"):
        click.echo(out, nl=False)
    if missing:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if findings else EXIT_CLEAN)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def shapes(file: str) -> None:
    """Print the inferred shape of every assigned array: ``LINE:COL NAME SHAPE``."""
    result = lint_source(Path(file).read_bytes(), file)
    if result.analysis is None:
        for finding in result.findings:
            click.echo(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}", err=True)
        sys.exit(EXIT_ERROR)
    from .infer.values import ArrayValue

    positions = result.context.positions()
    for target, value in result.analysis.assignments:
        if isinstance(value, ArrayValue):
            start = positions[target].start
            click.echo(f"{start.line}:{start.column + 1} {target.value} {value.shape}")


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
