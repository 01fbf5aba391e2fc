"""Compiled from templates/testing.py.j2 by `make templates`:
do not edit; edit the template."""

from __future__ import annotations

from typing import Any

from ..formatting import layout_call as _layout
from ..pytext import docstring as _docstring
from ..pytext import pystr as _pystr


def render(*, module: Any) -> str:
    """Render templates/testing.py.j2."""
    _out: list[str] = []
    _w = _out.append
    _w(
        f"{_docstring(module.doc, 0)!s}\n"
        "\n"
        "from __future__ import annotations\n"
        "\n"
        f"from {module.runtime!s} import testing as _testing\n"
        f"{module.platform_import!s}\n"
    )
    for line in module.imports:
        _w(f"{line!s}\n")
    _w("\n" "__all__ = [\n")
    for name in module.exports:
        _w(f"    {_pystr(name)!s},\n")
    _w("]\n")
    for fake in module.fakes:
        _w(
            "\n"
            "\n"
            f"class {fake.name!s}(_testing.Fake):\n"
            f"    {_docstring(fake.doc, 4)!s}\n"
            "\n"
            f"    SERVICE = {module.platform_module!s}.{fake.service.servicer!s}.SERVICE\n"
        )
        if fake.methods:
            _w("\n")
        for name, kind, arguments in fake.methods:
            _w(
                f"    {_layout((str(name) + ': _testing.' + str(kind)), arguments, 4, brackets='[]')!s}\n"
            )
    return "".join(_out)
