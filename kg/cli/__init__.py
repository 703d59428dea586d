"""The ``kg`` command line: thin wrappers over the library.

Every :class:`~kg.errors.KGError` (and every :class:`OSError`, e.g. on an output file) becomes
one line ``error: <message>`` on stderr and exit code 1; usage errors keep typer's exit code 2.
Heavy objects (the spaCy model, the store, the web app) are only built by the commands that need
them.

The commands live in :mod:`kg.cli.ingest` (ingest, extract, delete, restore),
:mod:`kg.cli.query` (query, export, stats) and :mod:`kg.cli.serve`; this module builds the
:data:`app` (the ``kg`` console script) and registers them in the order ``kg --help`` lists them.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from kg import __version__
from kg.cli import ingest as _ingest
from kg.cli import query as _query
from kg.cli import serve as _serve

__all__ = ["app"]

app = typer.Typer(
    name="kg",
    help="Knowledge graphs from conflict reporting: ingest reports, query them with SPARQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv: debug).")
    ] = 0,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Knowledge graphs from conflict reporting."""
    level = logging.WARNING - 10 * min(verbose, 2)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    logging.getLogger("kg").setLevel(level)


app.command()(_ingest.ingest)
app.command()(_ingest.extract)
app.command()(_query.query)
app.command()(_query.export)
app.command()(_serve.serve)
app.command()(_query.stats)
app.command()(_ingest.delete)
app.command()(_ingest.restore)
