"""Rendering: the Jinja2 environment over templates/, and nothing else.

Templates receive view objects from :mod:`protoc_gen_platform.views`; they loop
and call macros, and every name they print was decided by the naming layer.

templates/ is the source of truth. For a fast cold start, the package also
ships them compiled to Python modules by Jinja (``compiled_templates/``, made
by ``make templates``; pip byte-compiles them on install like any module),
with a stamp of the sources and of Jinja's version they came from. They are
used only while that stamp matches, so an edited template or another Jinja
is never served stale, only compiled again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from typing import TYPE_CHECKING

import jinja2

from . import pytext
from .formatting import layout_call
from .paths import PACKAGE_DIR, package_files, templates_dir
from .testkit import TestingView
from .views import ModuleView

if TYPE_CHECKING:
    from .docs import QuickstartView, ReadmeView

__all__ = [
    "COMPILED",
    "compile_templates",
    "render_module",
    "render_quickstart",
    "render_sdk_readme",
    "render_testing",
    "templates_dir",
]

COMPILED = os.path.join(PACKAGE_DIR, "compiled_templates")
"""The templates compiled by Jinja, shipped for a fast cold start."""
_STAMP = os.path.join(COMPILED, "stamp.json")


def _stamp(source: str) -> dict[str, str]:
    """What compiled templates are valid for: these sources, this Jinja."""
    digest = hashlib.sha256()
    for name in package_files(source, ".j2", recursive=False):
        with open(os.path.join(source, name), "rb") as template:
            digest.update(name.encode() + b"\0" + template.read() + b"\0")
    jinja = ".".join(jinja2.__version__.split(".")[:2])
    return {"jinja": jinja, "templates": digest.hexdigest()}


def _loader() -> jinja2.BaseLoader:
    """The compiled templates while their stamp holds, else the sources."""
    source = templates_dir()
    try:
        with open(_STAMP, encoding="utf-8") as stamp:
            fresh = json.load(stamp) == _stamp(source)
    except (OSError, ValueError):
        fresh = False
    if fresh:
        return jinja2.ModuleLoader(COMPILED)
    return jinja2.FileSystemLoader(source)


def compile_templates() -> None:
    """Compile templates/ into :data:`COMPILED` and stamp it (``make templates``)."""
    import shutil  # only for this build step, not at start-up

    source = templates_dir()
    env = _make_environment(jinja2.FileSystemLoader(source), None)
    shutil.rmtree(COMPILED, ignore_errors=True)
    env.compile_templates(COMPILED, zip=None, ignore_errors=False)
    with open(_STAMP, "w", encoding="utf-8") as stamp:
        stamp.write(json.dumps(_stamp(source), sort_keys=True, indent=2) + "\n")


@functools.lru_cache(maxsize=2)
def _environment(bytecode_dir: str | None = None) -> jinja2.Environment:
    return _make_environment(_loader(), bytecode_dir)


class _Environment(jinja2.Environment):
    """Jinja over view objects, whose fields are plain attributes.

    Jinja's own ``getattr`` falls back to item lookup and, failing that, makes
    an undefined value; templates here only read fields that views define, so
    the builtin serves (a missing field still fails, with an AttributeError).
    The compiled templates call it for every field they print: hundreds of
    thousands of calls for a large request.
    """

    getattr = staticmethod(getattr)  # type: ignore[assignment]


def _make_environment(
    loader: jinja2.BaseLoader, bytecode_dir: str | None
) -> jinja2.Environment:
    env = _Environment(
        loader=loader,
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
    # A filter, not a global: Jinja calls filters directly, and globals
    # through its Context.call, which costs more than the layout itself.
    env.filters["layout"] = layout_call
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


def render_quickstart(quickstart: QuickstartView) -> str:
    """The Python code of an SDK README's quickstart, before black."""
    template = _environment().get_template("sdk_quickstart.py.j2")
    return template.render(quickstart=quickstart)


def render_sdk_readme(readme: ReadmeView, quickstart_code: str) -> str:
    """The Markdown of an SDK's README (``platform-sdk build``)."""
    template = _environment().get_template("sdk_readme.md.j2")
    return template.render(readme=readme, quickstart_code=quickstart_code)


if __name__ == "__main__":
    compile_templates()
