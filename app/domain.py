"""The one error type that services raise when the rules refuse a change."""

from __future__ import annotations


class DomainError(Exception):
    """A change the rules refuse, said in the user's language.

    `message` is what the user reads (a string or a lazy translation); `field` names the
    form field it belongs to, or None for the form as a whole. Areas may subclass it, for
    example to choose the message from a code when it is shown.
    """

    def __init__(self, message: object = "", field: str | None = None) -> None:
        super().__init__(message)
        self._message = message
        self.field = field

    @property
    def message(self) -> object:
        return self._message
