"""Errors the panel reports, each carrying the HTTP status the REST contract names for it.

Handlers never build error responses themselves: they raise (or let the client layer raise) one of
these, and ``handlers.SaturnPanelHandler.write_error`` turns it into ``{"message": ...}``. The
status says whose fault it is: 400 bad input, 403 not allowed, 404 unknown, 409 conflicting state,
502 upstream answered with an error, 503 not configured or unreachable, 504 upstream timed out.
"""

from __future__ import annotations

from collections.abc import Iterable


class PanelError(Exception):
    """Base class: an error with an HTTP status and a message safe to show a user."""

    status: int = 500

    def __init__(self, message: str, *, hint: str | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        #: What happened, in one sentence a user understands.
        self.message = message
        #: How to fix it, naming the setting or scope, when there is a fix to name.
        self.hint = hint
        #: For whoever configures the panel: the URL tried, the upstream's own words.
        self.detail = detail

    def to_json(self) -> dict[str, str]:
        """The body sent to the browser."""
        body = {"message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.detail:
            body["detail"] = self.detail
        return body


class BadRequest(PanelError):
    """The request itself is wrong (a bad name, id, body)."""

    status = 400


class Forbidden(PanelError):
    """The configured credentials may not do this."""

    status = 403


class NotFound(PanelError):
    """The resource does not exist upstream."""

    status = 404


class Conflict(PanelError):
    """The resource is in a state that does not allow this action."""

    status = 409


class UpstreamError(PanelError):
    """The upstream service answered with an error or with something that is not its API."""

    status = 502


class UpstreamBusy(UpstreamError):
    """The upstream refused for load (HTTP 429): nothing was done, the same request may work later."""


class Unavailable(PanelError):
    """The backend is not configured, or its service cannot be reached."""

    status = 503


class UpstreamTimeout(PanelError):
    """The upstream service did not answer within ``request_timeout``."""

    status = 504


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Remove every secret from ``text`` so it can reach a log line or a browser."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[secret]")
    return text
