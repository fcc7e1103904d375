"""Named errors that the CLI turns into one-line messages with exit code 2 (bad input) or 1."""

from sim.excerpt import excerpt
from sim.params import ConfigError


class IeisimError(Exception):
    """Base for ieisim's named runtime errors (exit code 1)."""


class UsageError(ConfigError):
    """Bad input that is not a parameter value (exit code 2)."""


__all__ = ["ConfigError", "IeisimError", "UsageError", "excerpt"]
