"""Opaque ``next_key`` pagination (saturn-api.md §1 "Pagination")."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Callable, TypeVar

from .errors import ApiError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def encode_key(kind: str, position: int) -> str:
    """An opaque key; ``kind`` stops a key of one list being used on another."""
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def decode_key(kind: str, key: str, param: str = "next_key") -> int:
    """The position inside an opaque key; 400 when it is not a key of this kind."""
    try:
        padded = key + "=" * (-len(key) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        prefix, _, number = text.partition(":")
        if prefix != kind:
            raise ValueError(prefix)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, f"{param} is not a valid pagination key") from None


@dataclass(frozen=True)
class PageArgs:
    """The paging query parameters of one request."""

    page_size: int
    next_key: str | None
    descending: bool


def page_args(query: Mapping[str, str], *, key_params: Sequence[str] = ("next_key",)) -> PageArgs:
    """Read ``page_size`` (1-1000, default 100), ``next_key`` (or an alias) and ``descending``."""
    raw = query.get("page_size")
    if raw is None or raw == "":
        size = DEFAULT_PAGE_SIZE
    else:
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ApiError(400, f"page_size must be an integer from 1 to {MAX_PAGE_SIZE}")
    key = next((query[p] for p in key_params if query.get(p)), None)
    descending = str(query.get("descending", "false")).lower() in ("1", "true", "yes")
    return PageArgs(size, key, descending)


def paginate(items: Sequence[T], args: PageArgs, kind: str, position: Callable[[T], int]) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted ascending by ``position``) and the key of the next page,
    or ``None`` on the last page. Keys hold a position, not an offset, so a page stays right
    when resources are created or deleted between requests."""
    ordered = list(reversed(items)) if args.descending else list(items)
    if args.next_key is not None:
        after = decode_key(kind, args.next_key)
        if args.descending:
            ordered = [item for item in ordered if position(item) < after]
        else:
            ordered = [item for item in ordered if position(item) > after]
    page = ordered[: args.page_size]
    more = len(ordered) > args.page_size
    return page, (encode_key(kind, position(page[-1])) if more and page else None)
