"""Named errors that the CLI turns into one-line messages with exit code 2 (bad input) or 1."""

from sim.params import ConfigError


class IeisimError(Exception):
    """Base for ieisim's named runtime errors (exit code 1)."""


class UsageError(ConfigError):
    """Bad input that is not a parameter value (exit code 2)."""


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


__all__ = ["ConfigError", "IeisimError", "UsageError", "excerpt"]
