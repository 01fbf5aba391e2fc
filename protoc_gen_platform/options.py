"""Plugin parameters: ``--platform_opt=k=v,k2=v2`` parsed into an immutable record.

Every key is declared once, in :data:`_PARSERS`, so the documented names and the
accepted names cannot drift apart. An unknown key or a bad value raises
:class:`OptionsError` with a one-line message that names the key and lists the
valid ones.
"""

import keyword
from typing import Callable, NamedTuple

from .errors import GenerationError

__all__ = ["Options", "OptionsError", "parse_options"]


class OptionsError(GenerationError):
    """A plugin parameter is unknown or has a bad value."""


class Options(NamedTuple):
    """The plugin's settings, one field per ``--platform_opt`` key.

    Attributes:
        runtime_package: Dotted Python name of the shared runtime package that
            generated modules import (``runtime_package=NAME``).
        emit_runtime: Whether this run writes the runtime package's files
            (``emit_runtime=false`` when another run already writes them).
        package_markers: Whether to write an ``__init__.py`` into every
            directory of the generated files, so the output is a tree of
            regular packages that Python and ``mypy OUT`` map unambiguously.
            Turn it off when generating into directories whose
            ``__init__.py`` files are written by hand.
        test_kit: Whether to write, beside each ``<stem>_platform.py``, a
            ``<stem>_testing.py`` with a fake of each of its services.
    """

    runtime_package: str = "platform_runtime"
    emit_runtime: bool = True
    package_markers: bool = True
    test_kit: bool = True


def _parse_package(key: str, value: str) -> str:
    parts = value.split(".")
    if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        raise OptionsError(
            f"option {key}: {value!r} is not a valid Python package name"
        )
    return value


def _parse_bool(key: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise OptionsError(f"option {key}: {value!r} is not a boolean (use true or false)")


_PARSERS: dict[str, Callable[[str, str], object]] = {
    "runtime_package": _parse_package,
    "emit_runtime": _parse_bool,
    "package_markers": _parse_bool,
    "test_kit": _parse_bool,
}
assert set(_PARSERS) == set(Options._fields)


def parse_options(parameter: str) -> Options:
    """Parse protoc's parameter string (``k=v,k2=v2``) into :class:`Options`.

    Raises:
        OptionsError: for an unknown key, a repeated key, a missing ``=`` or a
            bad value.
    """
    valid = ", ".join(sorted(_PARSERS))
    values: dict[str, object] = {}
    for item in parameter.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if key not in _PARSERS:
            raise OptionsError(f"unknown option {key!r}; valid options: {valid}")
        if not sep:
            raise OptionsError(f"option {key} needs a value ({key}=...)")
        if key in values:
            raise OptionsError(f"option {key} is given more than once")
        values[key] = _PARSERS[key](key, value.strip())
    return Options(**values)  # type: ignore[arg-type]
