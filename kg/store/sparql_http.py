"""HTTP for the remote store: one SPARQL 1.1 Protocol request, with the standard library.

Part of :class:`kg.store.sparql_store.SparqlStore`, split out to keep modules small. HTTP and
network failures become :mod:`kg.errors` here.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from http.client import HTTPResponse
from typing import Final, TypeVar

from kg.errors import (
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    UnsupportedFormat,
    UpdateNotAllowed,
)

_T = TypeVar("_T")

#: Response header a conflict-kg server sets to ``true`` when it cut a result at its row limit.
TRUNCATED_HEADER: Final = "X-KG-Truncated"


def post(
    url: str,
    body: bytes | Iterable[bytes],
    *,
    content_type: str,
    accept: str,
    timeout: float,
    read: Callable[[HTTPResponse], _T],
    headers: Mapping[str, str] | None = None,
) -> _T:
    """POST ``body`` to ``url`` and hand the response to ``read`` (which reads what it needs).

    Args:
        url: The endpoint.
        body: The request body; an iterable of chunks is sent as it is produced (chunked
            transfer encoding), so a large body is never held whole.
        content_type: The body's media type.
        accept: The ``Accept`` header.
        timeout: Seconds to wait for the server at each step.
        read: Reads the response; its return value is returned.
        headers: More request headers.

    Returns:
        What ``read`` returned.

    Raises:
        StoreError: The server answered an error status (subclasses by status: 400
            :class:`QuerySyntaxError`, 401/403 :class:`UpdateNotAllowed`, 406/415
            :class:`UnsupportedFormat`, 408/504 :class:`QueryTimeout`, 502/503
            :class:`StoreUnavailable`).
        QueryTimeout: The server did not answer within ``timeout``.
        StoreUnavailable: The server cannot be reached.
    """
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", content_type)
    request.add_header("Accept", accept)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return read(response)
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc) from exc
    except TimeoutError as exc:
        raise QueryTimeout(
            f"{url} did not answer within {timeout:g} s; simplify the query or raise the timeout"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise StoreUnavailable(
            f"cannot reach the SPARQL endpoint {url}: {exc}; check that the server runs "
            "and the URL (KG_STORE / --store) is right"
        ) from exc


def read_all(response: HTTPResponse) -> tuple[bytes, str, bool]:
    """The whole body, its media type, and whether the server says it cut the result."""
    body = response.read()
    return body, response.headers.get_content_type(), is_truncated(response)


def is_truncated(response: HTTPResponse) -> bool:
    """Whether the server (a conflict-kg server) says it cut the result at its row limit."""
    return str(response.headers.get(TRUNCATED_HEADER, "")).lower() == "true"


def _http_error(url: str, exc: urllib.error.HTTPError) -> StoreError:
    detail = exc.read(2000).decode("utf-8", "replace").strip()
    with contextlib.suppress(ValueError, KeyError, TypeError):
        detail = str(json.loads(detail)["detail"])
    message = f"{url} answered {exc.code}: {detail or exc.reason}"
    if exc.code == 400:
        return QuerySyntaxError(message)
    if exc.code in (401, 403):
        return UpdateNotAllowed(
            f"{message}; give the server's update token (setting KG_UPDATE_TOKEN)"
        )
    if exc.code in (406, 415):
        return UnsupportedFormat(message)
    if exc.code in (408, 504):
        return QueryTimeout(message)
    if exc.code in (502, 503):
        return StoreUnavailable(message)
    return StoreError(message)
