"""Rendering: the templates of templates/, and nothing else.

Templates receive view objects from :mod:`protoc_gen_platform.views`; they loop
and call macros, and every name they print was decided by the naming layer.

templates/ is the source of truth, in Jinja2. For a fast cold start the
package also ships them compiled to plain Python modules
(``compiled_templates/``, made by ``make templates`` with
:mod:`.template_compiler`), which render without importing Jinja at all,
with a checksum of the templates and the compiler they came from. They are
used only while those match, so an edited template is never served stale: it
is rendered by Jinja itself until the next ``make templates``.
"""

from __future__ import annotations

import binascii
import functools
import importlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from .paths import PACKAGE_DIR, package_files, template_module, templates_dir
from .testkit import TestingView
from .views import ModuleView

if TYPE_CHECKING:
    import jinja2

    from .docs import QuickstartView, ReadmeView

__all__ = [
    "checksums",
    "render_module",
    "render_quickstart",
    "render_sdk_readme",
    "render_testing",
    "templates_dir",
]

_COMPILER = ("template_compiler.py", "template_codegen.py")
"""The modules whose code decides what the compiled templates are."""

Render = Callable[..., str]
"""A template's render function: its context as keywords, its text back."""


def checksums(templates: str) -> dict[str, str]:
    """What compiled templates are valid for: a checksum and the size of each
    template and of the compiler's modules (which hold Jinja's settings too).
    CRC-32, to notice an edit, not to resist one: ``binascii`` is loaded
    already, where ``hashlib`` would cost a cold run 3 ms."""
    paths = {name: os.path.join(PACKAGE_DIR, name) for name in _COMPILER}
    for name in package_files(templates, ".j2", recursive=False):
        paths[f"templates/{name}"] = os.path.join(templates, name)
    found = {}
    for name, path in paths.items():
        with open(path, "rb") as source:
            data = source.read()
        found[name] = f"{binascii.crc32(data):08x} {len(data)}"
    return found


@functools.lru_cache(maxsize=1)
def _compiled_are_fresh() -> bool:
    """Whether the shipped compiled templates are those of templates/."""
    try:
        from .compiled_templates import COMPILED_FROM

        return bool(COMPILED_FROM == checksums(templates_dir()))
    except (ImportError, OSError):
        return False


@functools.cache
def _renderer(template: str, bytecode_dir: str | None = None) -> Render:
    """The compiled template while it is fresh, else Jinja's own."""
    if _compiled_are_fresh():
        try:
            module = importlib.import_module(
                f"{__package__}.compiled_templates.{template_module(template)}"
            )
        except ImportError:
            pass  # a module missing from a damaged install: Jinja renders it
        else:
            render: Render = module.render
            return render
    return _environment(bytecode_dir).get_template(template).render


@functools.lru_cache(maxsize=2)
def _environment(bytecode_dir: str | None = None) -> jinja2.Environment:
    """Jinja over templates/, for a template edited since ``make templates``,
    keeping its bytecode in ``bytecode_dir`` where that folder can be made."""
    import jinja2

    from .template_compiler import jinja_environment

    if bytecode_dir is not None:
        try:
            os.makedirs(bytecode_dir, exist_ok=True)
        except OSError:
            bytecode_dir = None

    return jinja_environment(jinja2.FileSystemLoader(templates_dir()), bytecode_dir)


def render_module(module: ModuleView, bytecode_dir: str | None = None) -> str:
    """The Python source of one generated module.

    ``bytecode_dir`` lets Jinja keep its compiled templates between runs.
    """
    return _renderer("module.py.j2", bytecode_dir)(module=module)


def render_testing(module: TestingView, bytecode_dir: str | None = None) -> str:
    """The Python source of one generated ``<stem>_testing.py`` module."""
    return _renderer("testing.py.j2", bytecode_dir)(module=module)


def render_quickstart(quickstart: QuickstartView) -> str:
    """The Python code of an SDK README's quickstart, before black."""
    return _renderer("sdk_quickstart.py.j2")(quickstart=quickstart)


def render_sdk_readme(readme: ReadmeView, quickstart_code: str) -> str:
    """The Markdown of an SDK's README (``platform-sdk build``)."""
    render = _renderer("sdk_readme.md.j2")
    return render(readme=readme, quickstart_code=quickstart_code)
