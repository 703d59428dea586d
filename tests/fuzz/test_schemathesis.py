"""Schemathesis against the app's OpenAPI schema on a live 127.0.0.1 server: no 5xx.

A fixed seed and a fixed number of examples per operation (>= 1,000 requests in all) keep
the run reproducible and bounded; anonymous updates are on so the write routes are fuzzed too.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation

from api.main import create_app
from kg.settings import Settings
from tests.conftest import run_live_server

pytestmark = pytest.mark.slow

SEED = 20260601
EXAMPLES_PER_OPERATION = 40
MIN_REQUESTS = 1000


def _fuzz(
    operation: APIOperation, mode: GenerationMode, sent: Counter[str], errors: list[str]
) -> None:
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        response = case.call(timeout=30)
        sent[operation.label] += 1
        if response.status_code >= 500:
            errors.append(
                f"{case.method} {case.formatted_path} {case.query}: {response.status_code}"
            )

    try:
        run()
    except Unsatisfiable:
        # Some operations have no invalid inputs to generate (e.g. no parameters).
        if mode is GenerationMode.POSITIVE:
            raise


def test_fuzz_openapi_no_server_errors() -> None:
    settings_ = Settings(  # type: ignore[call-arg]
        _env_file=None, store=":memory:", enable_update=True, allow_anonymous_update=True
    )
    server = run_live_server(create_app(settings_))
    live = next(server)
    try:
        schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
        sent: Counter[str] = Counter()
        errors: list[str] = []
        for result in schema.get_all_operations():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(result.ok(), mode, sent, errors)
    finally:
        server.close()
    assert not errors, errors[:10]
    assert sum(sent.values()) >= MIN_REQUESTS, sent
