"""The error of a checked form input: one German sentence from a table of messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class FormError(ValueError):
    """Invalid input; the message is one German sentence.

    Subclasses set MESSAGES; `key` names one of its entries, `params` its placeholders,
    `field` the form field the problem is about (None for the input as a whole).
    """

    MESSAGES: ClassVar[Mapping[str, str]] = {}

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(self.MESSAGES[key].format(**params))
        self.key = key
        self.field = field
        self.params = params
