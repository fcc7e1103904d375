"""Named errors that the CLI turns into one-line messages with exit code 2 (bad input) or 1.

This module imports nothing from ieisim, so every other module can use it without cycles.
"""


class ConfigError(ValueError):
    """A scenario, override or experiment value is invalid; the message is one line."""


class IeisimError(Exception):
    """Base for ieisim's named runtime errors (exit code 1)."""


class UsageError(ConfigError):
    """Bad input that is not a parameter value (exit code 2)."""


__all__ = ["ConfigError", "IeisimError", "UsageError"]
