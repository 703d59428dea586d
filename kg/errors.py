"""The error tree of conflict-kg.

Every error raised on purpose by the library is a :class:`KGError`. Backends translate their own
exceptions into these at the store seam, so nothing above it catches backend types.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of all conflict-kg errors. Messages say what happened and how to fix it."""


class ConfigError(KGError):
    """A setting or option is invalid."""


class PipelineError(KGError):
    """The NLP pipeline could not be loaded or run (e.g. the spaCy model is missing)."""


class OntologyError(KGError):
    """A term is used that the ontology does not define."""


class ExtractionError(KGError):
    """Extraction failed for a report."""


class ClusterError(KGError):
    """The Dask cluster used for extraction cannot be reached or failed."""


class InputError(KGError):
    """A report or input file is unusable (empty, binary, not UTF-8, too large, malformed).

    Attributes:
        path: The file the problem is in, if any.
        line: The 1-based line number, if the problem is on one line.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = path or ""
        if path and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class EntityNotFound(KGError):
    """An entity or document id is not in the store."""


class StoreError(KGError):
    """The store failed."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened (e.g. locked by another process)."""


class QuerySyntaxError(StoreError):
    """A SPARQL query or update does not parse."""


class UpdateNotAllowed(StoreError):
    """A write was attempted where writes are not allowed."""


class UnsupportedFormat(StoreError):
    """A result or input format is not supported."""


class QueryTimeout(StoreError):
    """A query ran over its time limit."""
