"""The one error type of the simulator: an HTTP status with a ``{"message": ...}`` body."""

from __future__ import annotations

from tornado.web import HTTPError


class ApiError(HTTPError):
    """Answered as ``status`` with the JSON body ``{"message": message}`` (saturn-api.md §1)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status)
        self.message = message

    def __str__(self) -> str:
        return f"HTTP {self.status_code}: {self.message}"
