"""Read a request body under the size limit (HTTP 413 above it)."""

from __future__ import annotations

from fastapi import Request

from api.errors import RequestTooLargeError


def _too_large(limit: int) -> str:
    return f"the request body is over {limit} bytes; send a smaller one"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it is known to be over ``limit`` bytes.

    Args:
        request: The request.
        limit: Largest accepted body (``max_request_bytes``).

    Returns:
        The body.

    Raises:
        RequestTooLargeError: ``Content-Length`` or the bytes received exceed the limit.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise RequestTooLargeError(_too_large(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLargeError(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)
