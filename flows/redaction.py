"""Passwords in URLs, hidden wherever citsec shows a URL.

A feed or report behind HTTP basic authentication is registered as "https://reader:s3cret@host/feed.xml"
(the fetch sends the credentials as the Authorization header). The store keeps the URL as given, to fetch
it again; what citsec prints (sources, reports, runs, ingest's lines, a schedule's) shows
"https://reader:***@host/feed.xml".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

# scheme://user:password@ in any text: the password runs to the authority's last "@" before a path,
# query, fragment or white space (a password may hold "@" and ":").
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#]*@")


def hide_passwords(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    return _USERINFO.sub(r"\1***@", text) if "://" in text else text


def rows_without_passwords(rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Output rows with hide_passwords applied to every text cell and every text in a list cell."""
    for row in rows:
        yield {key: _hidden(value) for key, value in row.items()}


def _hidden(value: Any) -> Any:
    if isinstance(value, str):
        return hide_passwords(value)
    if isinstance(value, list):
        return [hide_passwords(v) if isinstance(v, str) else v for v in value]
    return value
