"""Compiled from templates/module.py.j2 by `make templates`:
do not edit; edit the template."""

from __future__ import annotations

from typing import Any

from ..pytext import docstring as _docstring
from ..pytext import pystr as _pystr
from . import _macros as macros


def render(*, module: Any) -> str:
    """Render templates/module.py.j2."""
    _out: list[str] = []
    _w = _out.append
    _w(
        f"{_docstring(module.doc, 0)!s}\n"
        "\n"
        "from __future__ import annotations\n"
        "\n"
    )
    typing = module.typing_imports
    if typing:
        _w(f"from typing import {', '.join(map(str, typing))!s}\n" "\n")
    _w("import grpc\n" "\n" f"import {module.runtime!s} as _rt\n")
    for line in module.imports:
        _w(f"{line!s}\n")
    _w("\n" "__all__ = [\n")
    for name in module.exports:
        _w(f"    {_pystr(name)!s},\n")
    _w("]\n")
    for _i1, s in enumerate(module.services):
        if s.methods:
            if not (_i1 == 0):
                _w("\n")
            _w("\n" f"{str(macros.rpc_constants(s)).strip()!s}\n")
        _w(
            "\n"
            "\n"
            f"{str(macros.client_class(s, False)).strip()!s}\n"
            "\n"
            "\n"
            f"{str(macros.client_class(s, True)).strip()!s}\n"
        )
        if s.validator:
            _w(
                "\n"
                "\n"
                f"{str(macros.validator_class(s, False)).strip()!s}\n"
                "\n"
                "\n"
                f"{str(macros.validator_class(s, True)).strip()!s}\n"
            )
        if s.token_source:
            _w(
                "\n"
                "\n"
                f"{str(macros.token_source_class(s, False)).strip()!s}\n"
                "\n"
                "\n"
                f"{str(macros.token_source_class(s, True)).strip()!s}\n"
            )
        _w(
            "\n"
            "\n"
            f"{str(macros.servicer_class(s, False)).strip()!s}\n"
            "\n"
            "\n"
            f"{str(macros.servicer_class(s, True)).strip()!s}\n"
            "\n"
            "\n"
            f"{str(macros.add_function(s)).strip()!s}\n"
        )
    return "".join(_out)
