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
    "COMPILED",
    "compile_templates",
    "render_module",
    "render_quickstart",
    "render_sdk_readme",
    "render_testing",
    "templates_dir",
]

COMPILED = os.path.join(PACKAGE_DIR, "compiled_templates")
"""The templates compiled to Python, shipped for a fast cold start."""
_COMPILER = os.path.join(PACKAGE_DIR, "template_compiler.py")

Render = Callable[..., str]
"""A template's render function: its context as keywords, its text back."""


def _sources(templates: str) -> dict[str, str]:
    """What compiled templates are valid for: a checksum and the size of
    each template and of the compiler. (CRC-32, to notice an edit, not to
    resist one: ``binascii`` is loaded already, where ``hashlib`` would cost
    a cold run 3 ms.)"""
    paths = {"template_compiler.py": _COMPILER}
    for name in package_files(templates, ".j2", recursive=False):
        paths[f"templates/{name}"] = os.path.join(templates, name)
    sources = {}
    for name, path in paths.items():
        with open(path, "rb") as source:
            data = source.read()
        sources[name] = f"{binascii.crc32(data):08x} {len(data)}"
    return sources


@functools.lru_cache(maxsize=1)
def _compiled_are_fresh() -> bool:
    from .compiled_templates import COMPILED_FROM

    try:
        return COMPILED_FROM == _sources(templates_dir())
    except OSError:
        return False


@functools.lru_cache(maxsize=None)
def _renderer(template: str, bytecode_dir: str | None = None) -> Render:
    """The compiled template while the stamp holds, else Jinja's own."""
    if _compiled_are_fresh():
        module = importlib.import_module(
            f"{__package__}.compiled_templates.{template_module(template)}"
        )
        render: Render = module.render
        return render
    return _environment(bytecode_dir).get_template(template).render


def compile_templates() -> None:
    """Compile templates/ into :data:`COMPILED` and stamp it (``make templates``)."""
    import shutil  # only for this build step, not at start-up

    import jinja2

    from .formatting import format_with_black
    from .template_compiler import compile_template

    source = templates_dir()
    env = _make_environment(jinja2.FileSystemLoader(source), None)
    modules = {}
    for name in package_files(source, ".j2", recursive=False):
        with open(os.path.join(source, name), encoding="utf-8") as template:
            code = compile_template(env, name, template.read())
        modules[template_module(name)] = format_with_black(code)
    modules["__init__"] = format_with_black(
        '"""templates/, compiled by `make templates` (see render.py), and what\n'
        'they were compiled from: while these match, the plugin renders with them."""'
        f"\n\nCOMPILED_FROM = {_sources(source)!r}\n"
    )
    # Every template compiled: only now replace the shipped modules.
    shutil.rmtree(COMPILED, ignore_errors=True)
    os.makedirs(COMPILED)
    for module, code in modules.items():
        with open(os.path.join(COMPILED, module + ".py"), "w", encoding="utf-8") as f:
            f.write(code)


@functools.lru_cache(maxsize=2)
def _environment(bytecode_dir: str | None = None) -> jinja2.Environment:
    import jinja2

    loader = jinja2.FileSystemLoader(templates_dir())
    return _make_environment(loader, bytecode_dir)


def _make_environment(
    loader: jinja2.BaseLoader, bytecode_dir: str | None
) -> jinja2.Environment:
    """Jinja over view objects, configured as the compiled templates assume."""
    import jinja2

    from . import pytext
    from .formatting import layout_call

    class _Environment(jinja2.Environment):
        """Jinja's ``getattr`` falls back to item lookup and, failing that,
        makes an undefined value; templates here only read fields that views
        define, so the builtin serves (a missing field still fails, with an
        AttributeError), as it does in the compiled templates."""

        getattr = staticmethod(getattr)  # type: ignore[assignment]

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
    env.filters["layout"] = layout_call
    return env


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


def main() -> None:
    """``make templates``: compile, or exit 1 with the template's one-line error."""
    import sys

    from .template_compiler import TemplateCompileError

    try:
        compile_templates()
    except TemplateCompileError as error:
        sys.exit(f"make templates: {error}")


if __name__ == "__main__":
    main()
