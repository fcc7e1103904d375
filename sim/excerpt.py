"""Short excerpts of offending values for one-line error messages."""

from __future__ import annotations

EXCERPT_CHARS = 60
"""Longest excerpt of an offending value an error message shows."""


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr(value)`` cut to at most ``limit`` characters (one short line).

    Built with :mod:`reprlib`, so a huge value (a 5-million-element array, a nested table) is
    never rendered in full first.
    """
    import reprlib

    short = reprlib.Repr(maxlevel=2, maxlist=4, maxtuple=4, maxdict=3, maxset=3,
                         maxstring=limit, maxother=limit, maxlong=limit)
    text = short.repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit - 3]}..."


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` itself (no quotes) cut to at most ``limit`` characters, e.g. a file name."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit - 3]}..."
