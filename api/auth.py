"""Authorisation of writes over HTTP (document ingest and delete)."""

from __future__ import annotations

import secrets

from kg.errors import UpdateNotAllowed
from kg.settings import Settings


def authorize_write(settings: Settings, authorization: str | None) -> None:
    """Allow a write only when updates are enabled and the bearer token matches.

    Args:
        settings: The app's settings (``enable_update``, ``update_token``,
            ``allow_anonymous_update``).
        authorization: The request's ``Authorization`` header.

    Raises:
        UpdateNotAllowed: Writes are disabled, no token is configured, or the token is wrong.
    """
    if not settings.enable_update:
        raise UpdateNotAllowed(
            "this server is read-only; start it with `kg serve --enable-update "
            "--update-token TOKEN` to accept writes"
        )
    if settings.allow_anonymous_update:
        return
    if not settings.update_token:
        raise UpdateNotAllowed(
            "writes are enabled but no update token is set; set KG_UPDATE_TOKEN (or "
            "--update-token) and send it as `Authorization: Bearer TOKEN`"
        )
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        token.strip().encode(), settings.update_token.encode()
    ):
        raise UpdateNotAllowed("writes need the header `Authorization: Bearer <update token>`")
