"""The package's error hierarchy.

Every error a user can cause derives from :class:`ClaudeCostError`, which carries the message, the input
field it is about (``field``: a bridge field, a CLI option or a pricing-file key path) and, where a file is
involved, the place (``where``: ``file`` or ``file:line``). The library raises these and never prints them;
the CLI and the browser bridge are the only places that turn one into a message for a person.
"""

from __future__ import annotations

__all__ = ["ClaudeCostError", "InputError", "PriceError"]


class ClaudeCostError(ValueError):
    """Base class of every user-facing error: ``str(exc)`` is one readable line."""

    def __init__(self, message: str, field: str = "", where: str = ""):
        self.field = field
        self.where = where
        super().__init__(message)


class PriceError(ClaudeCostError):
    """A request that cannot be priced as given. ``field`` names the offending input."""


class InputError(ClaudeCostError):
    """Bad input for a tool: ``errors`` lists (field, message) pairs, each shown next to its field."""

    def __init__(self, errors: list[tuple[str, str]] | str, field: str = ""):
        if isinstance(errors, str):
            errors = [(field, errors)]
        self.errors = errors
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in errors), errors[0][0] if errors else "")
