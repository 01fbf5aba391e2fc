"""Compile templates/ into plain Python modules (``make templates``).

templates/ stays the source of truth, in Jinja: this module parses each
template with Jinja's own parser, whose lexer has already applied the
whitespace control (``trim_blocks``, ``lstrip_blocks``, ``{%-``), and writes
its syntax tree out as Python functions that append strings to a list, into
``compiled_templates/``. The plugin then renders without importing Jinja,
which alone cost a cold run about 26 ms (see :mod:`.render`).

Only the part of Jinja the templates use is supported: output, ``if``,
``for`` (with a filter, ``loop.first``, ``loop.index``, ``loop.index0``),
``set``, macros without ``caller``, ``import ... as`` for calling macros,
the operators, and the filters ``trim``, ``join``, ``length`` plus the
plugin's own (``docstring``, ``pystr``, ``layout``). Names must obey the
scoping rules of :mod:`.template_scopes`. Anything else stops the build with
a one-line error naming the template and line: the compiler refuses what it
could render differently from Jinja, and the tests render every test
contract, random ones and snippets both ways and compare the bytes.

:func:`jinja_environment` is the environment both sides agree on. It lives
here so that a change to it, like one to :mod:`.template_codegen`, changes
the checksum of what compiled the shipped modules, and so makes them stale.
"""

from __future__ import annotations

import os
import shutil
import sys

import jinja2

from . import pytext
from .formatting import format_with_black, layout_call
from .paths import PACKAGE_DIR, package_files, template_module, templates_dir
from .render import checksums
from .template_codegen import ModuleCompiler
from .template_scopes import TemplateCompileError

__all__ = [
    "COMPILED",
    "TemplateCompileError",
    "compile_template",
    "compile_templates",
    "jinja_environment",
    "main",
]

COMPILED = os.path.join(PACKAGE_DIR, "compiled_templates")
"""Where the compiled modules go, as the package ``compiled_templates``."""


class _Environment(jinja2.Environment):
    """Jinja over view objects. Its ``getattr`` and ``getitem`` are Python's
    own, as in the compiled code: Jinja's would fall back from one to the
    other and, failing both, make an undefined value, while templates here
    only read what views define (a missing field still fails)."""

    getattr = staticmethod(getattr)  # type: ignore[assignment]

    def getitem(self, obj: object, argument: object) -> object:
        """``obj[argument]``, without Jinja's fallback to an attribute."""
        return obj[argument]  # type: ignore[index]


def jinja_environment(
    loader: jinja2.BaseLoader, bytecode_dir: str | None = None
) -> jinja2.Environment:
    """The Jinja environment of the templates, which compiled code matches."""
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


def compile_template(env: jinja2.Environment, name: str, source: str) -> str:
    """The Python module that renders template ``name``: ``render(**context)``
    and one function per macro, black-formatted."""
    try:
        tree = env.parse(source, name)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateCompileError(
            f"templates/{name}:{error.lineno}: {error.message}"
        ) from None
    code = ModuleCompiler(env, name).compile_module(tree)
    try:
        compile(code, f"compiled_templates/{template_module(name)}.py", "exec")
    except SyntaxError as error:
        raise TemplateCompileError(
            f"templates/{name}: the compiled code does not parse ({error.msg},"
            f" line {error.lineno}): a bug in template_compiler.py"
        ) from None
    return format_with_black(code)


def compile_templates() -> None:
    """Compile templates/ into :data:`COMPILED`, whole or not at all."""
    source = templates_dir()
    env = jinja_environment(jinja2.FileSystemLoader(source))
    modules: dict[str, str] = {}
    for name in package_files(source, ".j2", recursive=False):
        module = template_module(name)
        if module in modules or not module.isidentifier() or module == "__init__":
            raise TemplateCompileError(
                f"templates/{name}: compiles to the module {module!r}, which is"
                " not a free Python identifier; rename the template"
            )
        with open(os.path.join(source, name), encoding="utf-8") as template:
            modules[module] = compile_template(env, name, template.read())
    modules["__init__"] = format_with_black(
        '"""templates/, compiled by `make templates` (template_compiler.py), and\n'
        "what they were compiled from: while these checksums match, the plugin\n"
        'renders with these modules."""'
        f"\n\nCOMPILED_FROM = {checksums(source)!r}\n"
    )
    # Written beside the shipped modules, then swapped in whole.
    fresh, old = COMPILED + ".new", COMPILED + ".old"
    for folder in (fresh, old):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        os.makedirs(fresh)
        for module, code in modules.items():
            path = os.path.join(fresh, module + ".py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(code)
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if os.path.isdir(COMPILED):
        os.replace(COMPILED, old)
    os.replace(fresh, COMPILED)
    shutil.rmtree(old, ignore_errors=True)


def main() -> None:
    """``make templates``: compile, or exit 1 with the one-line error."""
    try:
        compile_templates()
    except (TemplateCompileError, OSError) as error:
        sys.exit(f"make templates: {error}")


if __name__ == "__main__":
    main()
