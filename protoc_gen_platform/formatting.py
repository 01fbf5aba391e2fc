"""Formatting: every generated file goes through black, in-process."""

from __future__ import annotations

import black
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput

from .errors import GenerationError

__all__ = ["format_python"]

_MODE = Mode(target_versions={TargetVersion.PY310}, line_length=88)


def format_python(source: str, path: str) -> str:
    """``source`` as black formats it; invalid Python is a GenerationError."""
    try:
        return black.format_str(source, mode=_MODE)
    except InvalidInput as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid Python"
        raise GenerationError(
            f"{path}: generated code is not valid Python ({first}); "
            "this is a bug in protoc-gen-platform"
        ) from exc
