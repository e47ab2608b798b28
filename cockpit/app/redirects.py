"""Where a `next=` parameter may send the browser: only to a path on this host.

Browsers forgive a lot when they parse a Location header: they drop TAB, CR and
LF anywhere, strip leading spaces and control characters, read a backslash as
a slash and a scheme without slashes (``https:evil``) as an absolute URL. So
the target is not cleaned but refused as soon as anything unusual is in it; the
start page is always a safe answer.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlsplit

FALLBACK = "/"
MAX_LENGTH = 2000
# Characters a URL may carry unescaped (RFC 3986), plus '%' for existing escapes.
_URL_SAFE = "/?#[]@!$&'()*+,;=:-._~%"


def safe_next(target: object) -> str:
    """`target` if it is a path on this host, else ``/``.

    Non-ASCII letters (a search for "Schüler") are kept, percent-encoded, so the
    header that carries the result is plain printable ASCII.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return FALLBACK
    if any(_suspicious(char) for char in target):
        return FALLBACK
    encoded = quote(target, safe=_URL_SAFE)
    if not encoded.startswith("/") or encoded.startswith("//") or "\\" in encoded:
        return FALLBACK
    try:
        parts = urlsplit(encoded)
    except ValueError:
        return FALLBACK
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return FALLBACK
    # Re-check the form a browser rebuilds, so the check and the browser agree.
    if parts.geturl() != encoded or parts.path.startswith("//"):
        return FALLBACK
    return encoded


def _suspicious(char: str) -> bool:
    """Control, format, separator or space characters and backslashes, in any script.

    Format characters (zero-width space) and look-alike slashes such as U+FF0F
    or U+2044 can turn into something else after normalisation somewhere on the
    way, so they are refused rather than trusted.
    """
    if char == "\\" or char.isspace():
        return True
    category = unicodedata.category(char)
    if category[0] in ("C", "Z"):
        return True
    normalised = unicodedata.normalize("NFKC", char)
    return normalised != char and any(c in "/\\:.@?#%" for c in normalised)
