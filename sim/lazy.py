"""Lazy public names for a package's ``__init__`` (PEP 562), so importing it stays instant."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a submodule) on first use.

    The value is stored in the package's namespace, so later lookups do not come back here.
    """

    def __getattr__(name: str) -> object:
        if name in exports:
            value = getattr(import_module(f"{package}.{exports[name]}"), name)
            vars(sys.modules[package])[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
