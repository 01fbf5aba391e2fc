"""Compile Jinja templates into plain Python modules (``make templates``).

templates/ stays the source of truth, in Jinja: this module parses each
template with Jinja's own parser, whose lexer has already applied the
whitespace control (``trim_blocks``, ``lstrip_blocks``, ``{%-``), and writes
its syntax tree out as Python functions that append strings to a list. The
plugin then renders without importing Jinja, which alone cost a cold run
about 26 ms.

Only the part of Jinja the templates use is supported: output, ``if``,
``for`` (with a filter, ``loop.first``, ``loop.index``, ``loop.index0``),
``set``, macros without ``caller``, ``import ... as``, the operators, and the
filters ``trim``, ``join``, ``length`` plus the plugin's own (``docstring``,
``pystr``, ``layout``). Anything else stops the build with a one-line error
naming the template and line, so a template can never be compiled into
something that renders differently from Jinja; a test also renders every
test contract both ways and compares the bytes.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes

from .paths import template_module

__all__ = ["TemplateCompileError", "compile_template"]

# The plugin's own filters: the name each has in a compiled module, and
# where it comes from.
PLUGIN_FILTERS = {
    "docstring": ("_docstring", "from ..pytext import docstring as _docstring"),
    "pystr": ("_pystr", "from ..pytext import pystr as _pystr"),
    "layout": ("_layout", "from ..formatting import layout_call as _layout"),
}
_COMPARE = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "lteq": "<=",
    "gt": ">",
    "gteq": ">=",
    "in": "in",
    "notin": "not in",
}
_BINARY = {
    nodes.Add: "+",
    nodes.Sub: "-",
    nodes.Mul: "*",
    nodes.Div: "/",
    nodes.FloorDiv: "//",
    nodes.Mod: "%",
    nodes.Pow: "**",
}
_LOOP_ATTRIBUTES = {"first": "{} == 0", "index": "{} + 1", "index0": "{}"}
# Names the compiled code itself uses; a template may not rebind them.
_RESERVED = {"str", "len", "map", "enumerate", "Any", "render"}


class TemplateCompileError(Exception):
    """A template uses what the compiler does not support: ``file:line: why``."""


def compile_template(env: jinja2.Environment, name: str, source: str) -> str:
    """The Python module (before black) that renders template ``name``.

    It defines ``render(**context) -> str`` and one function per macro.
    """
    tree = env.parse(source, name)
    return _Module(name).compile(tree)


@dataclass
class _Scope:
    """One Python function being written: its lines and loop nesting."""

    lines: list[str] = field(default_factory=list)
    depth: int = 1
    loops: list[str] = field(default_factory=list)  # index variable per loop
    temporaries: int = 0

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def temporary(self) -> str:
        self.temporaries += 1
        return f"_v{self.temporaries}"


class _Module:
    """The compiler for one template."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.filters: set[str] = set()
        self.imports: dict[str, str] = {}  # alias -> module
        self.macros: list[str] = []

    def error(self, node: nodes.Node, why: str) -> TemplateCompileError:
        return TemplateCompileError(f"templates/{self.template}:{node.lineno}: {why}")

    # The module -----------------------------------------------------------

    def compile(self, tree: nodes.Template) -> str:
        body: list[nodes.Node] = []
        functions: list[str] = []
        # Known up front: a macro may call one defined after it.
        self.macros = [n.name for n in tree.body if isinstance(n, nodes.Macro)]
        for node in tree.body:
            if isinstance(node, nodes.Macro):
                functions.append(self.macro(node))
            elif isinstance(node, nodes.Import):
                self.import_(node)
            else:
                body.append(node)
        functions.append(self.root(body))
        header = [
            f'"""Compiled from templates/{self.template} by `make templates`:',
            'do not edit; edit the template."""',
            "",
            "from __future__ import annotations",
            "",
            "from typing import Any",
            "",
        ]
        header += sorted(PLUGIN_FILTERS[f][1] for f in self.filters)
        header += [
            f"from . import {module} as {_python_name(alias)}"
            for alias, module in sorted(self.imports.items())
        ]
        return "\n".join(header) + "\n\n\n" + "\n\n\n".join(functions)

    def import_(self, node: nodes.Import) -> None:
        if not isinstance(node.template, nodes.Const) or node.with_context:
            raise self.error(node, "only {% import 'name.j2' as alias %} is supported")
        self.name_check(node, node.target)
        self.imports[node.target] = template_module(node.template.value)

    def macro(self, node: nodes.Macro) -> str:
        if (
            node.name.startswith("_")
            or node.name in _RESERVED
            or keyword.iskeyword(node.name)
        ):
            raise self.error(node, f"macro name {node.name!r} is reserved")
        defaults = [self.constant(d) for d in node.defaults]
        params = []
        for i, arg in enumerate(node.args):
            self.name_check(node, arg.name)
            default_at = i - (len(node.args) - len(defaults))
            default = f" = {defaults[default_at]}" if default_at >= 0 else ""
            params.append(f"{_python_name(arg.name)}: Any{default}")
        known = {a.name for a in node.args}
        self.check_scope(node.body, known, macro=node.name)
        scope = _Scope()
        scope.line(f'"""The macro {node.name} of templates/{self.template}."""')
        self.function_body(node.body, scope)
        signature = f"def {node.name}({', '.join(params)}) -> str:"
        return signature + "\n" + "\n".join(scope.lines)

    def root(self, body: list[nodes.Node]) -> str:
        free = self.check_scope(body, set(), macro=None)
        scope = _Scope()
        self.function_body(body, scope)
        params = "".join(f", {_python_name(name)}: Any" for name in sorted(free))
        signature = f"def render(*{params}) -> str:" if free else "def render() -> str:"
        doc = f'    """Render templates/{self.template}."""'
        return f"{signature}\n{doc}\n" + "\n".join(scope.lines)

    def function_body(self, body: list[nodes.Node], scope: _Scope) -> None:
        scope.line("_out: list[str] = []")
        scope.line("_w = _out.append")
        self.statements(body, scope)
        scope.line('return "".join(_out)')

    # Names and their scopes ----------------------------------------------

    def name_check(self, node: nodes.Node, name: str) -> None:
        if name.startswith("_") or name.endswith("_"):
            raise self.error(node, f"the name {name!r} is reserved in compiled code")

    def check_scope(
        self, body: list[nodes.Node], params: set[str], macro: str | None
    ) -> set[str]:
        """The names a function reads from its caller's context.

        Jinja scopes a ``set`` or loop variable to its loop; a Python local
        outlives it. So a name bound inside a loop may not be used outside
        one, and a macro may only read its parameters and its own names.
        """
        stored_in_loop: set[str] = set()
        outside: set[str] = set(params)
        stored = set(params)
        loaded: dict[str, nodes.Node] = {}
        for name, node, store, in_loop in self.names(body, False):
            if store:
                stored.add(name)
                if in_loop:
                    stored_in_loop.add(name)
            else:
                loaded.setdefault(name, node)
            if not in_loop:
                outside.add(name)
            if name == "loop" and not in_loop:
                raise self.error(node, "`loop` is used outside a {% for %}")
        for name in sorted(stored_in_loop & outside):
            raise self.error(
                loaded.get(name, body[0]),
                f"{name!r} is bound inside a {{% for %}} and used outside it",
            )
        imported = set(self.imports) | set(self.macros)
        free = {n for n in loaded if n not in stored and n not in imported}
        free.discard("loop")
        if macro is not None and free:
            name = sorted(free)[0]
            raise self.error(
                loaded[name],
                f"macro {macro!r} reads {name!r} from the template's context;"
                " pass it as a parameter",
            )
        return free

    def names(
        self, body: Iterable[nodes.Node], in_loop: bool
    ) -> Iterator[tuple[str, nodes.Node, bool, bool]]:
        """Every name a function body reads or binds, in order:
        ``(name, node, is_store, inside_a_loop)``."""
        for node in body:
            if isinstance(node, nodes.For):
                yield from self.expression_names(node.iter, in_loop)
                yield from self.expression_names(node.target, True)
                if node.test is not None:
                    yield from self.expression_names(node.test, True)
                yield from self.names(node.body, True)
            elif isinstance(node, nodes.If):
                yield from self.expression_names(node.test, in_loop)
                yield from self.names(node.body, in_loop)
                yield from self.names(node.elif_, in_loop)
                yield from self.names(node.else_, in_loop)
            elif isinstance(node, nodes.Assign):
                yield from self.expression_names(node.node, in_loop)
                yield from self.expression_names(node.target, in_loop)
            elif isinstance(node, nodes.Output):
                for child in node.nodes:
                    yield from self.expression_names(child, in_loop)
            else:
                raise self.error(
                    node, f"{{% {type(node).__name__} %}} is not supported"
                )

    def expression_names(
        self, expr: nodes.Node, in_loop: bool
    ) -> Iterator[tuple[str, nodes.Node, bool, bool]]:
        found = [expr] if isinstance(expr, nodes.Name) else []
        for name in found + list(expr.find_all(nodes.Name)):
            if name.name != "loop":
                self.name_check(name, name.name)
            yield name.name, name, name.ctx == "store", in_loop

    # Statements ------------------------------------------------------------

    def statements(self, body: list[nodes.Node], scope: _Scope) -> None:
        before = len(scope.lines)
        for node in body:
            self.statement(node, scope)
        if len(scope.lines) == before:
            scope.line("pass")

    def statement(self, node: nodes.Node, scope: _Scope) -> None:
        if isinstance(node, nodes.Output):
            self.output(node, scope)
        elif isinstance(node, nodes.If):
            self.if_(node, scope)
        elif isinstance(node, nodes.For):
            self.for_(node, scope)
        elif isinstance(node, nodes.Assign):
            target = self.expression(node.target, scope)
            scope.line(f"{target} = {self.expression(node.node, scope)}")
        else:
            raise self.error(node, f"{{% {type(node).__name__} %}} is not supported")

    def if_(self, node: nodes.If, scope: _Scope) -> None:
        scope.line(f"if {self.expression(node.test, scope)}:")
        self.block(node.body, scope)
        for branch in node.elif_:
            scope.line(f"elif {self.expression(branch.test, scope)}:")
            self.block(branch.body, scope)
        if node.else_:
            scope.line("else:")
            self.block(node.else_, scope)

    def for_(self, node: nodes.For, scope: _Scope) -> None:
        if node.else_ or node.recursive:
            raise self.error(node, "{% for %} with else or recursive is not supported")
        uses_loop = any(n.name == "loop" for n in node.find_all(nodes.Name))
        if uses_loop and node.test is not None:
            raise self.error(node, "`loop` in a filtered {% for %} is not supported")
        target = self.expression(node.target, scope)
        iterable = self.expression(node.iter, scope)
        if uses_loop:
            index = f"_i{len(scope.loops) + 1}"
            scope.line(f"for {index}, {target} in enumerate({iterable}):")
        else:
            index = ""
            scope.line(f"for {target} in {iterable}:")
        scope.loops.append(index)
        scope.depth += 1
        if node.test is not None:
            scope.line(f"if not {self.expression(node.test, scope)}:")
            scope.line("    continue")
        self.statements(node.body, scope)
        scope.depth -= 1
        scope.loops.pop()

    def block(self, body: list[nodes.Node], scope: _Scope) -> None:
        scope.depth += 1
        self.statements(body, scope)
        scope.depth -= 1

    def output(self, node: nodes.Output, scope: _Scope) -> None:
        parts: list[tuple[bool, str]] = []  # (is_code, text or code)
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append((False, child.data))
            else:
                parts.append((True, self.expression(child, scope)))
        if any(is_code and not _fits_fstring(code) for is_code, code in parts):
            for i, (is_code, code) in enumerate(parts):
                if is_code:
                    temporary = scope.temporary()
                    scope.line(f"{temporary} = {code}")
                    parts[i] = (True, temporary)
        segments = list(_segments(parts))
        if len(segments) == 1:
            scope.line(f"_w({segments[0]})")
            return
        scope.line("_w(")
        for segment in segments:
            scope.line(f"    {segment}")
        scope.line(")")

    # Expressions -----------------------------------------------------------

    def expression(self, node: nodes.Node, scope: _Scope) -> str:
        if isinstance(node, nodes.Name):
            return _python_name(node.name)
        if isinstance(node, nodes.Const):
            return self.constant(node)
        if isinstance(node, nodes.Getattr):
            return self.getattr(node, scope)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Slice):
                raise self.error(node, "slices are not supported")
            obj = self.expression(node.node, scope)
            return f"{obj}[{self.expression(node.arg, scope)}]"
        if isinstance(node, (nodes.List, nodes.Tuple)):
            items = [self.expression(item, scope) for item in node.items]
            if isinstance(node, nodes.List):
                return f"[{', '.join(items)}]"
            if node.ctx == "store":
                return ", ".join(items)
            return f"({', '.join(items)}{',' if len(items) == 1 else ''})"
        if isinstance(node, nodes.Concat):
            parts = [self.string(n, scope) for n in node.nodes]
            return f"({' + '.join(parts)})"
        if isinstance(node, nodes.CondExpr):
            if node.expr2 is None:
                raise self.error(node, "an inline if needs an else")
            test = self.expression(node.test, scope)
            then = self.expression(node.expr1, scope)
            return f"({then} if {test} else {self.expression(node.expr2, scope)})"
        if isinstance(node, (nodes.And, nodes.Or)):
            op = "and" if isinstance(node, nodes.And) else "or"
            left = self.expression(node.left, scope)
            return f"({left} {op} {self.expression(node.right, scope)})"
        if isinstance(node, nodes.Not):
            return f"(not {self.expression(node.node, scope)})"
        if isinstance(node, nodes.Neg):
            return f"(-{self.expression(node.node, scope)})"
        if isinstance(node, nodes.BinExpr) and type(node) in _BINARY:
            left = self.expression(node.left, scope)
            right = self.expression(node.right, scope)
            return f"({left} {_BINARY[type(node)]} {right})"
        if isinstance(node, nodes.Compare):
            code = self.expression(node.expr, scope)
            for operand in node.ops:
                right = self.expression(operand.expr, scope)
                code += f" {_COMPARE[operand.op]} {right}"
            return f"({code})"
        if isinstance(node, nodes.Filter):
            return self.filter(node, scope)
        if isinstance(node, nodes.Call):
            return self.call(node, scope)
        raise self.error(node, f"the expression {type(node).__name__} is not supported")

    def string(self, node: nodes.Node, scope: _Scope) -> str:
        """``node`` as a string, as Jinja's ``~`` and ``join`` make it."""
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            return repr(node.value)
        return f"str({self.expression(node, scope)})"

    def constant(self, node: nodes.Node) -> str:
        if not isinstance(node, nodes.Const) or not isinstance(
            node.value, (str, int, float, bool, type(None))
        ):
            raise self.error(node, "only str, number, bool and none constants")
        return repr(node.value)

    def getattr(self, node: nodes.Getattr, scope: _Scope) -> str:
        if isinstance(node.node, nodes.Name) and node.node.name == "loop":
            if node.attr not in _LOOP_ATTRIBUTES or not scope.loops[-1:]:
                raise self.error(node, f"loop.{node.attr} is not supported")
            return f"({_LOOP_ATTRIBUTES[node.attr].format(scope.loops[-1])})"
        obj = self.expression(node.node, scope)
        if node.attr.isidentifier() and not keyword.iskeyword(node.attr):
            return f"{obj}.{node.attr}"
        return f"getattr({obj}, {node.attr!r})"

    def arguments(self, node: nodes.Filter | nodes.Call, scope: _Scope) -> list[str]:
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            raise self.error(node, "*args and **kwargs are not supported")
        args = [self.expression(arg, scope) for arg in node.args]
        for kw in node.kwargs:
            args.append(f"{kw.key}={self.expression(kw.value, scope)}")
        return args

    def filter(self, node: nodes.Filter, scope: _Scope) -> str:
        if node.node is None:
            raise self.error(node, "filter blocks are not supported")
        value = self.expression(node.node, scope)
        args = self.arguments(node, scope)
        if node.name in PLUGIN_FILTERS:
            self.filters.add(node.name)
            function = PLUGIN_FILTERS[node.name][0]
            return f"{function}({', '.join([value, *args])})"
        if node.name == "trim" and not args:
            return f"str({value}).strip()"
        if node.name == "length" and not args:
            return f"len({value})"
        if node.name == "join" and len(args) <= 1 and not node.kwargs:
            separator = self.string(node.args[0], scope) if args else "''"
            return f"{separator}.join(map(str, {value}))"
        raise self.error(node, f"the filter {node.name!r} is not supported like this")

    def call(self, node: nodes.Call, scope: _Scope) -> str:
        callee = node.node
        imported = (
            isinstance(callee, nodes.Getattr)
            and isinstance(callee.node, nodes.Name)
            and callee.node.name in self.imports
        )
        local = isinstance(callee, nodes.Name) and callee.name in self.macros
        if not (imported or local):
            raise self.error(node, "only macros can be called")
        function = self.expression(callee, scope)
        return f"{function}({', '.join(self.arguments(node, scope))})"


def _python_name(name: str) -> str:
    """A Jinja name as a Python local: ``await`` -> ``await_``. (Template
    names may not end in ``_``, so this cannot collide.)"""
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _RESERVED:
        return name + "_"
    return name


def _fits_fstring(code: str) -> bool:
    """Whether ``code`` can sit in an f-string's braces on Python 3.10."""
    return not any(ch in code for ch in '"\\{}\n')


def _segments(parts: list[tuple[bool, str]]) -> Iterator[str]:
    """String literals whose concatenation is the output ``parts``: one per
    output line, so the compiled code reads like the text it writes."""
    pieces: list[tuple[bool, str]] = []
    for is_code, text in parts:
        if is_code:
            pieces.append((True, text))
            continue
        while text:
            line, newline, text = text.partition("\n")
            pieces.append((False, line + newline))
            if newline:
                yield _literal(pieces)
                pieces = []
    if pieces:
        yield _literal(pieces)


def _literal(pieces: list[tuple[bool, str]]) -> str:
    if not any(is_code for is_code, _ in pieces):
        return '"' + "".join(_escape(text, False) for _, text in pieces) + '"'
    body = "".join(
        "{" + text + "!s}" if is_code else _escape(text, True)
        for is_code, text in pieces
    )
    return 'f"' + body + '"'


def _escape(text: str, braces: bool) -> str:
    out = []
    for ch in text:
        if ch == "\\" or ch == '"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif braces and ch in "{}":
            out.append(ch * 2)
        elif not ch.isprintable():
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)
