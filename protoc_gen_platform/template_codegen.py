"""The code generation of the template compiler: a Jinja syntax tree (one
template's) into a Python module, whose functions append text to a list.

:mod:`.template_compiler` runs it over templates/; :mod:`.template_scopes`
checks the names first. Every construct it does not handle is a one-line
:class:`~.template_scopes.TemplateCompileError` naming the template and line.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes

from .paths import template_module
from .template_scopes import TemplateCompileError, check_names, uses_loop

__all__ = ["PLUGIN_FILTERS", "ModuleCompiler"]

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


@dataclass
class _Function:
    """One Python function being written: its lines and enclosing loops."""

    lines: list[str] = field(default_factory=list)
    depth: int = 1
    loops: list[str] = field(default_factory=list)  # index variable per loop
    temporaries: int = 0

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def temporary(self) -> str:
        self.temporaries += 1
        return f"_v{self.temporaries}"


@dataclass(frozen=True)
class _Signature:
    """A macro's parameters, the last ``defaults`` of them optional."""

    params: tuple[str, ...]
    defaults: int


def _signatures(tree: nodes.Template) -> dict[str, _Signature]:
    return {
        node.name: _Signature(tuple(arg.name for arg in node.args), len(node.defaults))
        for node in tree.body
        if isinstance(node, nodes.Macro)
    }


class ModuleCompiler:
    """The compiler of one template: :meth:`compile_module` gives its code."""

    def __init__(self, env: jinja2.Environment, template: str) -> None:
        self.env = env
        self.template = template
        self.filters: set[str] = set()
        self.imports: dict[str, str] = {}  # alias -> module
        self.imported: dict[str, dict[str, _Signature]] = {}  # alias -> macros
        self.macros: dict[str, _Signature] = {}

    def error(self, node: nodes.Node, why: str) -> TemplateCompileError:
        return TemplateCompileError(f"templates/{self.template}:{node.lineno}: {why}")

    # The module -----------------------------------------------------------

    def compile_module(self, tree: nodes.Template) -> str:
        body: list[nodes.Node] = []
        functions: list[str] = []
        self.macros = _signatures(tree)  # a macro may call one defined after it
        defined: set[str] = set()
        for node in tree.body:
            self.check_defined(node, defined)
            if isinstance(node, nodes.Macro):
                defined.add(node.name)
                functions.append(self.macro(node))
            elif isinstance(node, nodes.Import):
                self.import_template(node)
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
            f"from . import {module} as {alias}"
            for alias, module in sorted(self.imports.items())
        ]
        return "\n".join(header) + "\n\n\n" + "\n\n\n".join(functions) + "\n"

    def check_defined(self, node: nodes.Node, defined: set[str]) -> None:
        """Reject a top-level call of a macro defined further down, which
        Jinja finds undefined (a macro's body may call it)."""
        if isinstance(node, nodes.Macro):
            return
        for call in node.find_all(nodes.Call):
            name = call.node.name if isinstance(call.node, nodes.Name) else ""
            if name in self.macros and name not in defined:
                raise self.error(call, f"macro {name!r} is not defined yet")

    def import_template(self, node: nodes.Import) -> None:
        if not isinstance(node.template, nodes.Const) or node.with_context:
            raise self.error(node, "only {% import 'name.j2' as alias %} is supported")
        self.plain_name(node, node.target, "an import's alias")
        name = node.template.value
        loader = self.env.loader
        try:
            if loader is None:
                raise jinja2.TemplateNotFound(name)
            imported = self.env.parse(loader.get_source(self.env, name)[0], name)
        except jinja2.TemplateError as error:
            raise self.error(
                node, f"cannot read the imported {name!r}: {error}"
            ) from None
        self.imported[node.target] = _signatures(imported)
        self.imports[node.target] = template_module(name)

    def plain_name(self, node: nodes.Node, name: str, what: str) -> None:
        """Reject ``name`` where it must be a Python name as it is."""
        if keyword.iskeyword(name) or name in ("render", "Any"):
            raise self.error(node, f"{what} may not be named {name!r}")

    def macro(self, node: nodes.Macro) -> str:
        self.plain_name(node, node.name, "a macro")
        defaults = [self.constant(d) for d in node.defaults]
        params = []
        for i, arg in enumerate(node.args):
            self.plain_name(node, arg.name, "a macro parameter")
            default_at = i - (len(node.args) - len(defaults))
            default = f" = {defaults[default_at]}" if default_at >= 0 else ""
            params.append(f"{arg.name}: Any{default}")
        free = check_names(self.template, node.body, [a.name for a in node.args])
        for name, where in free.items():
            if name not in self.imports and name not in self.macros:
                raise self.error(
                    where,
                    f"macro {node.name!r} reads {name!r} from the template's"
                    " context; pass it as a parameter",
                )
        function = _Function()
        function.line(f'"""The macro {node.name} of templates/{self.template}."""')
        self.function_body(node.body, function)
        signature = f"def {node.name}({', '.join(params)}) -> str:"
        return signature + "\n" + "\n".join(function.lines)

    def root(self, body: list[nodes.Node]) -> str:
        free = check_names(self.template, body, [])
        params = []
        for name, where in sorted(free.items()):
            if name not in self.imports and name not in self.macros:
                self.plain_name(where, name, "a context variable")
                params.append(f"{name}: Any")
        function = _Function()
        self.function_body(body, function)
        signature = f"def render(*, {', '.join(params)}) -> str:"
        doc = f'    """Render templates/{self.template}."""'
        return f"{signature if params else 'def render() -> str:'}\n{doc}\n" + (
            "\n".join(function.lines)
        )

    def function_body(self, body: list[nodes.Node], function: _Function) -> None:
        function.line("_out: list[str] = []")
        function.line("_w = _out.append")
        self.statements(body, function)
        function.line('return "".join(_out)')

    # Statements ------------------------------------------------------------

    def statements(self, body: list[nodes.Node], function: _Function) -> None:
        before = len(function.lines)
        for node in body:
            if isinstance(node, nodes.Output):
                self.output(node, function)
            elif isinstance(node, nodes.If):
                self.if_statement(node, function)
            elif isinstance(node, nodes.For):
                self.for_statement(node, function)
            elif isinstance(node, nodes.Assign):
                target = self.expression(node.target, function)
                function.line(f"{target} = {self.expression(node.node, function)}")
            else:  # check_names has named it already
                raise self.error(node, f"{type(node).__name__} is not supported")
        if len(function.lines) == before:
            function.line("pass")

    def if_statement(self, node: nodes.If, function: _Function) -> None:
        function.line(f"if {self.expression(node.test, function)}:")
        self.block(node.body, function)
        for branch in node.elif_:
            function.line(f"elif {self.expression(branch.test, function)}:")
            self.block(branch.body, function)
        if node.else_:
            function.line("else:")
            self.block(node.else_, function)

    def for_statement(self, node: nodes.For, function: _Function) -> None:
        if node.else_ or node.recursive:
            raise self.error(node, "{% for %} with else or recursive is not supported")
        with_loop = uses_loop(node)
        if with_loop and node.test is not None:
            raise self.error(node, "`loop` in a filtered {% for %} is not supported")
        iterable = self.expression(node.iter, function)
        target = self.expression(node.target, function)
        if with_loop:
            index = f"_i{len(function.loops) + 1}"
            if isinstance(node.target, nodes.Tuple):
                target = f"({target})"
            function.line(f"for {index}, {target} in enumerate({iterable}):")
        else:
            index = ""
            function.line(f"for {target} in {iterable}:")
        function.loops.append(index)
        function.depth += 1
        if node.test is not None:
            function.line(f"if not {self.expression(node.test, function)}:")
            function.line("    continue")
        self.statements(node.body, function)
        function.depth -= 1
        function.loops.pop()

    def block(self, body: list[nodes.Node], function: _Function) -> None:
        function.depth += 1
        self.statements(body, function)
        function.depth -= 1

    def output(self, node: nodes.Output, function: _Function) -> None:
        parts: list[tuple[bool, str]] = []  # (is_code, text or code)
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append((False, child.data))
            else:
                parts.append((True, self.expression(child, function)))
        if any(is_code and not _fits_fstring(code) for is_code, code in parts):
            for i, (is_code, code) in enumerate(parts):
                if is_code:
                    temporary = function.temporary()
                    function.line(f"{temporary} = {code}")
                    parts[i] = (True, temporary)
        segments = list(_segments(parts))
        if len(segments) == 1:
            function.line(f"_w({segments[0]})")
            return
        function.line("_w(")
        for segment in segments:
            function.line(f"    {segment}")
        function.line(")")

    # Expressions -----------------------------------------------------------

    def expression(self, node: nodes.Node, function: _Function) -> str:
        if isinstance(node, nodes.Name):
            if node.name in self.imports and node.ctx == "load":
                raise self.error(node, "an imported template is only for macro calls")
            return _python_name(node.name)
        if isinstance(node, nodes.Const):
            return self.constant(node)
        if isinstance(node, nodes.Getattr):
            return self.attribute(node, function)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Slice):
                raise self.error(node, "slices are not supported")
            obj = self.expression(node.node, function)
            return f"{obj}[{self.expression(node.arg, function)}]"
        if isinstance(node, (nodes.List, nodes.Tuple)):
            items = [self.expression(item, function) for item in node.items]
            if isinstance(node, nodes.List):
                return f"[{', '.join(items)}]"
            if node.ctx == "store":  # a nested target keeps its brackets
                return ", ".join(
                    f"({code})" if isinstance(item, nodes.Tuple) else code
                    for item, code in zip(node.items, items)
                )
            return f"({', '.join(items)}{',' if len(items) == 1 else ''})"
        if isinstance(node, nodes.Concat):
            parts = [self.string(n, function) for n in node.nodes]
            return f"({' + '.join(parts)})"
        if isinstance(node, nodes.CondExpr):
            if node.expr2 is None:
                raise self.error(node, "an inline if needs an else")
            test = self.expression(node.test, function)
            then = self.expression(node.expr1, function)
            return f"({then} if {test} else {self.expression(node.expr2, function)})"
        if isinstance(node, (nodes.And, nodes.Or)):
            op = "and" if isinstance(node, nodes.And) else "or"
            left = self.expression(node.left, function)
            return f"({left} {op} {self.expression(node.right, function)})"
        if isinstance(node, (nodes.Not, nodes.Neg, nodes.Pos)):
            op = {nodes.Not: "not ", nodes.Neg: "-", nodes.Pos: "+"}[type(node)]
            return f"({op}{self.expression(node.node, function)})"
        if isinstance(node, nodes.BinExpr) and type(node) in _BINARY:
            left = self.expression(node.left, function)
            right = self.expression(node.right, function)
            return f"({left} {_BINARY[type(node)]} {right})"
        if isinstance(node, nodes.Compare):
            code = self.expression(node.expr, function)
            for operand in node.ops:
                right = self.expression(operand.expr, function)
                code += f" {_COMPARE[operand.op]} {right}"
            return f"({code})"
        if isinstance(node, nodes.Filter):
            return self.filter_call(node, function)
        if isinstance(node, nodes.Call):
            return self.macro_call(node, function)
        raise self.error(node, f"the expression {type(node).__name__} is not supported")

    def string(self, node: nodes.Node, function: _Function) -> str:
        """``node`` as a string, as Jinja's ``~`` and ``join`` make it."""
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            return repr(node.value)
        return f"str({self.expression(node, function)})"

    def constant(self, node: nodes.Node) -> str:
        if not isinstance(node, nodes.Const) or not isinstance(
            node.value, (str, int, float, bool, type(None))
        ):
            raise self.error(node, "only str, number, bool and none constants")
        return repr(node.value)

    def attribute(self, node: nodes.Getattr, function: _Function) -> str:
        if isinstance(node.node, nodes.Name) and node.node.name == "loop":
            if node.attr not in _LOOP_ATTRIBUTES or not function.loops[-1:]:
                raise self.error(node, f"loop.{node.attr} is not supported")
            return f"({_LOOP_ATTRIBUTES[node.attr].format(function.loops[-1])})"
        obj = self.expression(node.node, function)
        if node.attr.isidentifier() and not keyword.iskeyword(node.attr):
            return f"{obj}.{node.attr}"
        return f"getattr({obj}, {node.attr!r})"

    def arguments(self, node: nodes.Filter | nodes.Call, function: _Function) -> str:
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            raise self.error(node, "*args and **kwargs are not supported")
        args = [self.expression(arg, function) for arg in node.args]
        for kw in node.kwargs:
            assert isinstance(kw, nodes.Keyword)
            if keyword.iskeyword(kw.key):
                raise self.error(node, f"a keyword argument may not be {kw.key!r}")
            args.append(f"{kw.key}={self.expression(kw.value, function)}")
        return ", ".join(args)

    def filter_call(self, node: nodes.Filter, function: _Function) -> str:
        if node.node is None:
            raise self.error(node, "filter blocks are not supported")
        value = self.expression(node.node, function)
        if node.name in PLUGIN_FILTERS:
            self.filters.add(node.name)
            args = self.arguments(node, function)
            return (
                f"{PLUGIN_FILTERS[node.name][0]}({value}{', ' if args else ''}{args})"
            )
        plain = not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None
        if node.name == "trim" and plain and not node.args:
            return f"str({value}).strip()"
        if node.name == "length" and plain and not node.args:
            return f"len({value})"
        if node.name == "join" and plain and len(node.args) <= 1:
            separator = self.string(node.args[0], function) if node.args else "''"
            return f"{separator}.join(map(str, {value}))"
        raise self.error(node, f"the filter {node.name!r} is not supported like this")

    def macro_call(self, node: nodes.Call, function: _Function) -> str:
        callee = node.node
        if isinstance(callee, nodes.Name) and callee.name in self.macros:
            signature = self.macros[callee.name]
            name = callee.name
        elif (
            isinstance(callee, nodes.Getattr)
            and isinstance(callee.node, nodes.Name)
            and callee.attr in self.imported.get(callee.node.name, {})
        ):
            signature = self.imported[callee.node.name][callee.attr]
            name = f"{callee.node.name}.{callee.attr}"
        else:
            raise self.error(node, "only macros can be called")
        given = len(node.args) + len(node.kwargs)
        keywords = {kw.key for kw in node.kwargs if isinstance(kw, nodes.Keyword)}
        positional = signature.params[: len(node.args)]
        required = signature.params[: len(signature.params) - signature.defaults]
        if (
            len(node.args) > len(signature.params)
            or not keywords <= set(signature.params) - set(positional)
            or not set(required) <= set(positional) | keywords
        ):
            raise self.error(
                node,
                f"the call of {name} gives {given} argument(s) that do not match"
                f" its parameters {', '.join(signature.params) or '(none)'}",
            )
        return f"{name}({self.arguments(node, function)})"


def _python_name(name: str) -> str:
    """A template's local as a Python name: ``await`` -> ``await_``. (Template
    names may not end in ``_``, so this cannot collide.)"""
    return name + "_" if keyword.iskeyword(name) else name


def _fits_fstring(code: str) -> bool:
    """Whether ``code`` can sit in an f-string's braces on Python 3.10."""
    return not any(ch in code for ch in '"\\{}\n#')


def _segments(parts: list[tuple[bool, str]]) -> list[str]:
    """String literals whose concatenation is the output ``parts``: one per
    output line, so the compiled code reads like the text it writes."""
    literals: list[str] = []
    pieces: list[tuple[bool, str]] = []
    for is_code, text in parts:
        if is_code:
            pieces.append((True, text))
            continue
        while text:
            line, newline, text = text.partition("\n")
            pieces.append((False, line + newline))
            if newline:
                literals.append(_literal(pieces))
                pieces = []
    if pieces:
        literals.append(_literal(pieces))
    return literals


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
