"""The templates ship compiled to plain Python (``make templates``): those of
templates/, used only while they are, rendering byte for byte what Jinja
renders, and without Jinja in the plugin's process."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from protogen import requests
from support import PROTO, REPO, descriptors, proto_files, read_tree, request

from protoc_gen_platform import render, template_compiler
from protoc_gen_platform.compiled_templates import module_py
from protoc_gen_platform.docs import sdk_readme
from protoc_gen_platform.plugin import generate
from protoc_gen_platform.template_compiler import (
    TemplateCompileError,
    compile_template,
    jinja_environment,
)


@pytest.fixture(autouse=True)
def _fresh_choice() -> Iterator[None]:
    """Each test decides afresh between compiled templates and Jinja."""
    render._compiled_are_fresh.cache_clear()
    render._renderer.cache_clear()
    yield
    render._compiled_are_fresh.cache_clear()
    render._renderer.cache_clear()


@pytest.fixture
def jinja_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render with Jinja itself, as the plugin does after a template edit."""
    monkeypatch.setattr(render, "_compiled_are_fresh", lambda: False)
    render._renderer.cache_clear()


def test_the_shipped_compiled_templates_are_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = read_tree(Path(template_compiler.COMPILED), "*[!c]")  # no bytecode
    monkeypatch.setattr(template_compiler, "COMPILED", str(tmp_path / "compiled"))
    template_compiler.compile_templates()
    assert (
        read_tree(tmp_path / "compiled") == shipped
    ), "compiled_templates/ is stale: run `make templates` and commit it"


def test_they_are_used_while_fresh_and_jinja_after_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render._renderer("module.py.j2") is module_py.render
    edited = tmp_path / "templates"
    shutil.copytree(render.templates_dir(), edited)
    with (edited / "module.py.j2").open("a") as template:
        template.write("# edited\n")
    monkeypatch.setattr(render, "templates_dir", lambda: str(edited))
    render._compiled_are_fresh.cache_clear()
    render._renderer.cache_clear()
    render._environment.cache_clear()
    try:
        renderer = render._renderer("module.py.j2")
        assert isinstance(getattr(renderer, "__self__", None), jinja2.Template)
        view = SimpleNamespace(
            doc="", typing_imports=[], runtime="rt", imports=[], exports=[]
        )
        assert renderer(module=SimpleNamespace(**vars(view), services=[])).endswith(
            "]\n# edited\n"
        )
    finally:
        render._environment.cache_clear()


@pytest.mark.parametrize("module", render._COMPILER)
def test_an_edited_compiler_makes_them_stale_too(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert render._compiled_are_fresh()
    render._compiled_are_fresh.cache_clear()
    package = tmp_path / "package"
    shutil.copytree(render.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__py*"))
    with (package / module).open("a") as source:
        source.write("# edited\n")
    monkeypatch.setattr(render, "PACKAGE_DIR", str(package))
    assert not render._compiled_are_fresh()


def _responses(req: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """The plugin's response to ``req``: with the compiled templates, then
    with Jinja (the output cache off, so both render)."""
    monkeypatch.setenv("PROTOC_GEN_PLATFORM_CACHE", "off")
    compiled = generate(req).SerializeToString()
    with monkeypatch.context() as patch:
        patch.setattr(render, "_compiled_are_fresh", lambda: False)
        render._renderer.cache_clear()
        by_jinja = generate(req).SerializeToString()
    render._renderer.cache_clear()
    return compiled, by_jinja


@pytest.mark.parametrize(
    "root, parameter",
    [(PROTO, ""), (PROTO, "test_kit=false"), (REPO / "tests" / "protos", "")],
)
def test_compiled_and_jinja_render_the_same_bytes(
    root: Path, parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled, by_jinja = _responses(
        request(proto_files(root), root, parameter), monkeypatch
    )
    assert b"_platform.py" in compiled
    assert compiled == by_jinja


@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "250")) // 10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(req=requests())
def test_random_contracts_render_the_same_bytes_both_ways(
    req: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled, by_jinja = _responses(req, monkeypatch)
    assert compiled == by_jinja


def test_the_sdk_readme_renders_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = proto_files(PROTO)
    parsed = descriptors(files, PROTO)
    extras = [("server", "serving"), ("testing", "fakes")]
    compiled = sdk_readme(parsed, files, "platform_sdk", extras)
    monkeypatch.setattr(render, "_compiled_are_fresh", lambda: False)
    render._renderer.cache_clear()
    assert "```python\nimport asyncio" in compiled
    assert sdk_readme(parsed, files, "platform_sdk", extras) == compiled


def test_a_cold_run_imports_no_jinja_dataclasses_nor_what_only_the_cache_needs() -> (
    None
):
    req = request(["auth/v1/auth.proto"], PROTO)
    script = (
        "import sys\n"
        "from google.protobuf.compiler import plugin_pb2\n"
        "from protoc_gen_platform.plugin import generate\n"
        "req = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())\n"
        "assert generate(req).file\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('jinja2', 'markupsafe', 'hashlib', 'json', 'dataclasses', 'inspect')))\n"
    )
    env = {**os.environ, "PROTOC_GEN_PLATFORM_CACHE": "off"}
    run = subprocess.run(
        [sys.executable, "-c", script],
        input=req.SerializeToString(),
        capture_output=True,
        env=env,
        check=True,
    )
    assert run.stdout.decode().strip() == "[]"


# --- the compiler, on templates of its own ------------------------------------


def _env(**templates: str) -> jinja2.Environment:
    return jinja_environment(jinja2.DictLoader(templates))


def _compiled(source: str, name: str = "snippet.j2") -> Any:
    """The compiled module of ``source``, imported like a shipped one."""
    code = compile_template(_env(lib=LIBRARY), name, source)
    namespace: dict[str, Any] = {
        "__name__": "protoc_gen_platform.compiled_templates.snippet",
        "__package__": "protoc_gen_platform.compiled_templates",
    }
    exec(compile(code, name, "exec"), namespace)
    return SimpleNamespace(**namespace)


LIBRARY = (
    "{% macro shout(word, end='!') %}{{ word ~ end }}{% endmacro %}"
    "{% set greeting = 'hi' %}"
)
SNIPPETS = {
    "loops": (
        "{% for x in xs %}{% if not loop.first %}, {% endif %}"
        "{{ loop.index }}/{{ loop.index0 }}={{ x }}{% endfor %}\n"
        "{% for a, b in pairs if a > 1 %}[{{ a ~ b }}]{% endfor %}\n"
        "{% for x in xs %}{% for y in xs %}{{ loop.index }}{% endfor %};"
        "{% endfor %}"
    ),
    "sets": (
        "{% for x in xs %}{% set y = x * 2 %}{% set z = [y] + [x] %}"
        "{{ z | join('-') }} {% endfor %}{% set w = xs | length %}{{ w }}"
    ),
    "expressions": (
        "{{ none }} {{ true }} {{ 1.5 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 3 }}"
        " {{ -n }} {{ n / 4 }} {{ n - 1 }} {{ 'a' if n == 3 else 'b' }}"
        " {{ n != 3 or n < 1 }} {{ n >= 3 and n <= 3 }} {{ 2 in xs }}"
        " {{ 9 not in xs }} {{ d.k }} {{ xs[0] }} {{ ('t',) }} {{ [1, 'q'] }}"
    ),
    "text": (
        "{# a comment #}  braces {{ '{' }}}} \"quotes\" \\ back\\slash\n"
        "\ttab é 漢 \x0b {%- if n %}\n  trimmed {% endif %}\n"
        "    {% if n %}\nlstripped\n    {% endif %}\n"
        "{{ '  padded  ' | trim }}|{{ xs | join }}|{{ xs | join(sep) }}"
    ),
    "macros": (
        "{% macro twice(x) %}{{ greet(x) }}{{ greet(x) }}{% endmacro %}"
        "{% macro greet(who, punct='!') -%}\nhi {{ who }}{{ punct }}\n{%- endmacro %}"
        "{{ greet(d.k) }} {{ greet('x', punct='?') | trim }} {{ greet(n, '.') }}"
        "{{ twice(n) }}{{ greet(punct=':', who='kw') }}"
    ),
    "scopes": (
        "{% for a, b in pairs %}{{ loop.index }}{{ a }}{{ b }};{% endfor %}\n"
        "{% for a, (b, c) in nested %}{{ loop.first }}{{ a }}{{ b }}{{ c }}{% endfor %}"
        "{% for a, (b, c) in nested %}{{ a }}{{ b }}{{ c }}{% endfor %}\n"
        "{% for x in xs %}{% set await = x %}{% set match = 'm' ~ x %}"
        "{% if x > 1 %}{% set await = -x %}{% endif %}{{ await }}{{ match }}"
        "{% endfor %}\n"
        "{% for x in xs %}{{ x }}{% endfor %}{% for x in xs %}{{ x * 2 }}{% endfor %}"
        "{% for x in xs %}{% for y in xs %}{{ loop.index0 }}{% endfor %}"
        "{% for y in xs if y != x %}{{ y }}{% endfor %}{% endfor %}\n"
        "{% set total = n %}{% if n %}{% set total = total + 1 %}{% endif %}"
        "{{ total }} {{ table['k'] }} {{ pairs[1][1] }}\n"
        "{% for x in xs %}{% if x > 1 %}{% set y = x * 3 %}{{ y }}{% else %}"
        "{% set y = 0 %}{{ y }}{% endif %}{% endfor %}"
    ),
    "imports": (
        "{% import 'lib' as lib %}{{ lib.shout(n) }}|{{ lib.shout(d.k, '?') }}"
    ),
    "filters": (
        "{{ d.k | pystr }} {{ 'a\"b' | pystr }}\n"
        "    {{ 'A docstring.' | docstring(4) }}\n"
        "{{ 'f' | layout(['a' * 30, 'b' * 30, 'c' * 30], 0) }}"
    ),
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_compiler_renders_what_jinja_renders(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = SNIPPETS[name]
    context = {
        "xs": [1, 2, 3],
        "pairs": [(1, "a"), (2, "b"), (3, "c")],
        "n": 3,
        "d": SimpleNamespace(k='v"{x}'),
        "sep": ", ",
        "table": {"k": "from a dict"},
        "nested": [(1, (2, 3)), (4, (5, 6))],
    }
    expected = _env(lib=LIBRARY).from_string(source).render(**context)
    library_name = "protoc_gen_platform.compiled_templates.lib"
    library = ModuleType(library_name)
    vars(library).update(vars(_compiled(LIBRARY, "lib")))
    monkeypatch.setitem(sys.modules, library_name, library)
    module = _compiled(source, name + ".j2")
    wanted = inspect.signature(module.render).parameters
    assert module.render(**{k: context[k] for k in wanted}) == expected


@pytest.mark.parametrize(
    "source, line, why",
    [
        ("ok\n{% include 'x.j2' %}", 2, "{% include %} is not supported"),
        ("{{ x | upper }}", 1, "the filter 'upper' is not supported"),
        ("\n\n{{ x is defined }}", 3, "the expression Test is not supported"),
        ("{{ x if y }}", 1, "an inline if needs an else"),
        ("{{ range(3) }}", 1, "only macros can be called"),
        (
            "{% for x in xs %}{% set y = x %}{% endfor %}\n{{ y }}",
            2,
            "'y' is used outside the {% for %} that binds it",
        ),
        (
            "{% macro m() %}{{ outer }}{% endmacro %}",
            1,
            "macro 'm' reads 'outer' from the template's context",
        ),
        ("{{ _private }}", 1, "the name '_private' is reserved"),
        ("{{ loop.first }}", 1, "`loop` is used outside a {% for %}"),
        (
            "{% for x in xs if x %}{{ loop.index }}{% endfor %}",
            1,
            "`loop` in a filtered {% for %} is not supported",
        ),
        ("{% for x in xs %}{{ loop.last }}{% endfor %}", 1, "loop.last"),
        ("{{ xs[1:] }}", 1, "slices are not supported"),
        ("\n{% if %}x{% endif %}", 2, "Expected an expression"),
        (
            "{% for x in xs %}{% for x in ys %}{% endfor %}{% endfor %}",
            1,
            "'x' is bound again in a nested {% for %}",
        ),
        (
            (
                "{% for x in xs %}{% set y = x %}{% endfor %}\n"
                "{% for x in xs %}{{ y }}{% endfor %}"
            ),
            2,
            "'y' is used outside the {% for %} that binds it",
        ),
        (
            "{% for x in xs %}{% if x %}{% set y = x %}{% endif %}\n{{ y }}{% endfor %}",
            2,
            "'y' is set inside an {% if %} and read outside it",
        ),
        ("{{ n }}\n{% set n = 1 %}", 1, "'n' is read before its first {% set %}"),
        (
            "{% set y = 1 %}\n{% for x in xs %}{% set y = x %}{% endfor %}",
            2,
            "'y' is bound both inside and outside a {% for %}",
        ),
        ("{{ m() }}{% macro m() %}x{% endmacro %}", 1, "'m' is not defined yet"),
        (
            "{% macro m(a, b) %}{{ a }}{% endmacro %}{{ m(1) }}",
            1,
            "the call of m gives 1 argument(s) that do not match its parameters a, b",
        ),
        ("{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", 1, "do not match"),
        ("{% import 'lib' as lib %}\n{{ lib.greeting }}", 2, "only for macro calls"),
        ("{% import 'lib' as lib %}{{ lib }}", 1, "only for macro calls"),
        ("{% macro class() %}{% endmacro %}", 1, "a macro may not be named 'class'"),
        ("{% macro m(def) %}{% endmacro %}", 1, "a macro parameter may not be"),
        ("{{ str }}", 1, "the name 'str' is reserved"),
        ("{% set enumerate = 1 %}", 1, "the name 'enumerate' is reserved"),
        ("{{ 'x' | layout([], 0, class=1) }}", 1, "may not be 'class'"),
        ("{% call m() %}{% endcall %}", 1, "{% call %} is not supported"),
    ],
)
def test_what_it_cannot_compile_is_a_one_line_error_at_the_line(
    source: str, line: int, why: str
) -> None:
    with pytest.raises(TemplateCompileError) as caught:
        compile_template(_env(lib=LIBRARY), "bad.j2", source)
    message = str(caught.value)
    assert message.startswith(f"templates/bad.j2:{line}: ")
    assert why in message
    assert "\n" not in message


def test_a_damaged_install_falls_back_to_jinja(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = render.importlib.import_module

    def missing(name: str) -> Any:
        if name.endswith(".testing_py"):
            raise ModuleNotFoundError(name)
        return real_import(name)

    monkeypatch.setattr(render.importlib, "import_module", missing)
    assert render._renderer("module.py.j2") is module_py.render
    renderer = render._renderer("testing.py.j2")
    assert isinstance(getattr(renderer, "__self__", None), jinja2.Template)


def test_make_templates_fails_in_one_line_and_keeps_the_shipped_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "templates"
    shutil.copytree(render.templates_dir(), source)
    (source / "zz_bad.py.j2").write_text("{{ x | upper }}\n")
    compiled = tmp_path / "compiled"
    shipped = template_compiler.COMPILED
    shutil.copytree(shipped, compiled, ignore=shutil.ignore_patterns("__py*"))
    before = read_tree(compiled)
    monkeypatch.setattr(template_compiler, "templates_dir", lambda: str(source))
    monkeypatch.setattr(template_compiler, "COMPILED", str(compiled))
    with pytest.raises(SystemExit) as caught:
        template_compiler.main()
    assert caught.value.code == (
        "make templates: templates/zz_bad.py.j2:1: the filter 'upper'"
        " is not supported like this"
    )
    assert read_tree(compiled) == before


def test_a_failed_write_keeps_the_shipped_modules_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = tmp_path / "compiled"
    shutil.copytree(
        template_compiler.COMPILED, compiled, ignore=shutil.ignore_patterns("__py*")
    )
    before = read_tree(compiled)
    monkeypatch.setattr(template_compiler, "COMPILED", str(compiled))
    real_open = open
    written = []

    def full_disk(path: str, mode: str = "r", **kwargs: Any) -> Any:
        if "w" in mode:
            written.append(path)
            if len(written) == 3:
                raise OSError(28, "No space left on device", path)
        return real_open(path, mode, **kwargs)

    monkeypatch.setattr(template_compiler, "open", full_disk, raising=False)
    with pytest.raises(SystemExit) as caught:
        template_compiler.main()
    assert str(caught.value.code).startswith("make templates: [Errno 28] No space")
    assert len(written) == 3
    assert read_tree(compiled) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compiled"]


@pytest.mark.parametrize("clash", ["module_py.j2", "__init__.j2"])
def test_templates_whose_modules_clash_are_refused(
    clash: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "templates"
    shutil.copytree(render.templates_dir(), source)
    (source / clash).write_text("x\n")
    monkeypatch.setattr(template_compiler, "templates_dir", lambda: str(source))
    monkeypatch.setattr(template_compiler, "COMPILED", str(tmp_path / "compiled"))
    with pytest.raises(SystemExit) as caught:
        template_compiler.main()
    assert str(caught.value.code).startswith(f"make templates: templates/{clash}: ")
    assert "rename the template" in str(caught.value.code)
    assert not (tmp_path / "compiled").exists()


def test_jinja_keeps_its_bytecode_only_when_it_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bytecode = tmp_path / "cache" / "jinja"
    assert render._renderer("module.py.j2", str(bytecode)) is module_py.render
    assert not bytecode.exists()
    monkeypatch.setattr(render, "_compiled_are_fresh", lambda: False)
    render._renderer.cache_clear()
    render._environment.cache_clear()
    try:
        render._renderer("testing.py.j2", str(bytecode))
        assert [p.suffix for p in bytecode.iterdir()] == [".cache"]
    finally:
        render._environment.cache_clear()
