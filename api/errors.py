"""Map errors to HTTP responses, registered once by :func:`register_error_handlers`.

Every error body is ``{"detail": "..."}``. Library errors carry messages written for users; any
other exception becomes a generic 500 that is logged with its traceback and never echoed.
"""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from kg.errors import (
    EntityNotFound,
    InputError,
    KGError,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    UnsupportedFormat,
    UpdateNotAllowed,
)

logger = logging.getLogger(__name__)

INTERNAL_ERROR: Final = "internal server error; the server log has the details"


class UnsupportedContentType(UnsupportedFormat):
    """A request body has a Content-Type the endpoint does not accept (HTTP 415)."""


class RequestTooLargeError(InputError):
    """A request body is larger than ``max_request_bytes`` (HTTP 413)."""


#: Most specific first: the first class an error is an instance of gives its status.
STATUS_BY_ERROR: Final[tuple[tuple[type[KGError], int], ...]] = (
    (UnsupportedContentType, 415),
    (RequestTooLargeError, 413),
    (QuerySyntaxError, 400),
    (UpdateNotAllowed, 403),
    (EntityNotFound, 404),
    (UnsupportedFormat, 406),
    (QueryTimeout, 503),
    (StoreUnavailable, 503),
    (InputError, 400),
)


def status_for(exc: KGError) -> int:
    """The HTTP status of a library error (500 for any not listed).

    Args:
        exc: The error.

    Returns:
        The status code.

    >>> status_for(QuerySyntaxError("x")), status_for(UnsupportedContentType("x"))
    (400, 415)
    >>> status_for(KGError("x"))
    500
    """
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(exc, error_type):
            return status
    return 500


async def _kg_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KGError)
    status = status_for(exc)
    if status >= 500 and status != 503:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": INTERNAL_ERROR}, status_code=status)
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        for err in exc.errors()
    )
    return JSONResponse({"detail": f"invalid request: {problems}"}, status_code=400)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)


def register_error_handlers(app: FastAPI) -> None:
    """Install the error handlers on an app (call once, from ``create_app``).

    Args:
        app: The app.
    """
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
