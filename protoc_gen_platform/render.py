"""Rendering: the Jinja2 environment over templates/, and nothing else.

Templates receive view objects from :mod:`protoc_gen_platform.views`; they loop
and call macros, and every name they print was decided by the naming layer.
"""

from __future__ import annotations

import functools

import jinja2

from . import pytext
from .formatting import layout_call
from .paths import templates_dir
from .testkit import TestingView
from .views import ModuleView

__all__ = ["render_module", "render_testing", "templates_dir"]


@functools.lru_cache(maxsize=2)
def _environment(bytecode_dir: str | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=(
            jinja2.FileSystemBytecodeCache(bytecode_dir) if bytecode_dir else None
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["docstring"] = pytext.docstring
    env.filters["pystr"] = pytext.pystr
    env.globals["layout_call"] = layout_call
    return env


def render_module(module: ModuleView, bytecode_dir: str | None = None) -> str:
    """The Python source of one generated module.

    ``bytecode_dir`` lets Jinja keep its compiled templates between runs.
    """
    template = _environment(bytecode_dir).get_template("module.py.j2")
    return template.render(module=module)


def render_testing(module: TestingView, bytecode_dir: str | None = None) -> str:
    """The Python source of one generated ``<stem>_testing.py`` module."""
    template = _environment(bytecode_dir).get_template("testing.py.j2")
    return template.render(module=module)
