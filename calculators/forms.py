"""A number typed into a form field: the one reading of it, and one wording of what is wrong with it.

Every tool's inputs (the Cost Calculator's token counts, the recommender's volumes, the Diff Summarizer's and the
Skills Browser's options) arrive as JSON from the browser or as text from the command line. :func:`form_number`
reads one of them the same way everywhere:

* blank (absent, ``null``, an empty or all-space string) is the field's default;
* a JSON number, or text such as ``12,000``, ``12_000``, ``12 000`` or ``1.2e4``; anything else (``true``, a list,
  ``abc``, ``inf``) is an error quoting what was typed, cut short;
* it must lie from ``lo`` to ``hi`` and, for ``whole=True``, be a whole number.

Errors are appended to the caller's ``errors`` list as ``(field, message)`` pairs, so a form reports every bad
field at once (the caller raises :class:`~calculators.errors.InputError` with the list). The messages:

* ``Output must be a number, got 'abc'`` (``a whole number`` for whole fields);
* ``Output must be a whole number, got '1.5'``;
* ``Output cannot be negative`` (for a field that starts at 0);
* ``Output must be a whole number from 0 to 1,000,000,000,000`` (out of range; huge values are never echoed
  digit by digit), with the caller's ``hint`` in brackets when it gives one.

:func:`form_date` reads a form's price day (``at``) the same way for the tools whose day is optional.

Core layer: imports only :mod:`calculators.present` and :func:`calculators.cost.parse_at`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import overload

from .cost import PriceError, parse_at
from .present import short_number

__all__ = ["clip", "form_date", "form_number"]


def clip(text: str, most: int = 24) -> str:
    """Pasted text quoted in a message, cut short so that the message stays one readable line."""
    text = text.strip()
    return text if len(text) <= most else text[:most - 1] + "\u2026"


@overload
def form_number(value: object, field: str, label: str, errors: list[tuple[str, str]], *, hi: int | Decimal,
                lo: int | Decimal = 0, whole: bool = False, default: Decimal, hint: str = "") -> Decimal: ...


@overload
def form_number(value: object, field: str, label: str, errors: list[tuple[str, str]], *, hi: int | Decimal,
                lo: int | Decimal = 0, whole: bool = False, default: None = None, hint: str = "") -> Decimal | None: ...


def form_number(value: object, field: str, label: str, errors: list[tuple[str, str]], *, hi: int | Decimal,
                lo: int | Decimal = 0, whole: bool = False, default: Decimal | None = None,
                hint: str = "") -> Decimal | None:
    """``value`` read as a number from ``lo`` to ``hi`` (a whole one for ``whole``); ``default`` when blank.

    A bad value appends ``(field, message)`` to ``errors`` (``label`` starts the message) and returns ``default``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        errors.append((field, f"{label} must be {kind}"))
        return default
    text = value.strip().replace(",", "").replace("_", "").replace(" ", "") if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        errors.append((field, f"{label} must be {kind}, got {clip(str(value))!r}"))
        return default
    if number < 0 <= Decimal(lo):
        errors.append((field, f"{label} cannot be negative"))
        return default
    if not Decimal(lo) <= number <= Decimal(hi):
        errors.append((field, f"{label} must be {kind} from {short_number(Decimal(lo))} to {short_number(Decimal(hi))}"
                       + (f" ({hint})" if hint else "")))
        return default
    if whole and number != number.to_integral_value():
        errors.append((field, f"{label} must be a whole number, got {clip(str(value))!r}"))
        return default
    return number


def form_date(value: object, errors: list[tuple[str, str]]) -> object | None:
    """A form's price day as given (None when blank: the caller's today), checked by :func:`parse_at`; a day it
    cannot read appends ``("at", message)`` to ``errors`` and gives None."""
    if not value:
        return None
    try:
        parse_at(value)
    except PriceError as exc:
        errors.append(("at", str(exc)))
        return None
    return value
