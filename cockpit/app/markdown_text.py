"""Plain text placed inside Markdown (dcc.Markdown) so that it stays plain text."""

from __future__ import annotations

import re

# Escaped where such text stands (after "**Label:** ", never at a line start, so list
# and heading marks cannot take effect): emphasis, code, links, HTML, tables.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_text(text: object) -> str:
    """The text with every Markdown character that could take effect escaped, and its
    lines joined into one."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))
