"""Where a template's names live, checked for the template compiler.

Jinja scopes a ``{% set %}`` or a loop variable to the ``{% for %}`` that
binds it, and each pass of the loop starts afresh; a Python local lives for
the whole function. The compiled code (see :mod:`.template_compiler`) uses
plain locals, so it renders as Jinja does only for templates whose names obey
three rules, checked here:

- a name bound in a loop is used only inside a loop that binds it, and no
  loop nested in it binds it again (sibling loops may reuse it);
- a name is not bound both in a loop and outside any;
- in the function or loop that binds a name, its first use is a ``set`` (or
  the loop itself), never a read of an outer value; and a read comes after a
  ``set`` in its own ``if`` branch or around it.

A name that is never bound is read from the template's context (or is a
parameter, a macro or an imported template).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import nodes

__all__ = ["BUILTINS_USED", "TemplateCompileError", "check_names", "uses_loop"]

BUILTINS_USED = frozenset({"str", "len", "map", "enumerate", "getattr"})
"""Builtins the compiled code calls, which a template may not rebind."""


class TemplateCompileError(Exception):
    """A template the compiler cannot compile faithfully: ``file:line: why``."""


@dataclass(frozen=True)
class _Use:
    """One occurrence of a name: read or bound, and where."""

    name: str
    node: nodes.Node
    bind: bool
    loops: tuple[int, ...]
    """The loops around it, outermost first, by number."""
    blocks: tuple[int, ...]
    """The loops and ``if`` branches around it, outermost first, by number."""


def check_names(
    template: str, body: list[nodes.Node], params: list[str]
) -> dict[str, nodes.Node]:
    """The names ``body`` reads from its caller's context (with where each is
    first read), once every name is checked against the rules above.

    ``params`` are bound before the body runs (a macro's parameters).
    """
    walk = _Walk(template)
    uses = list(walk.statements(body, (), ()))
    by_name: dict[str, list[_Use]] = {}
    for use in uses:
        by_name.setdefault(use.name, []).append(use)
    free: dict[str, nodes.Node] = {}
    for name, found in by_name.items():
        if name == "loop":
            outside = next((u for u in found if not u.loops), None)
            if outside is not None:
                raise walk.error(outside.node, "`loop` is used outside a {% for %}")
            continue
        binders = {u.loops for u in found if u.bind}
        if name in params:
            binders.add(())
        if not binders:
            free[name] = found[0].node
            continue
        _check_binders(walk, name, found, binders, name in params)
    return free


def _check_binders(
    walk: _Walk,
    name: str,
    found: list[_Use],
    binders: set[tuple[int, ...]],
    is_param: bool,
) -> None:
    def inside(use: _Use, scope: tuple[int, ...]) -> bool:
        return use.loops[: len(scope)] == scope

    loop_binds = [u for u in found if u.bind and u.loops]
    if () in binders and loop_binds:
        raise walk.error(
            loop_binds[0].node,
            f"{name!r} is bound both inside and outside a {{% for %}}",
        )
    for scope in binders:
        for other in binders:
            if other != scope and other[: len(scope)] == scope:
                nested = next(u for u in found if u.bind and u.loops == other)
                raise walk.error(
                    nested.node, f"{name!r} is bound again in a nested {{% for %}}"
                )
    for use in found:
        if not any(inside(use, scope) for scope in binders):
            raise walk.error(
                use.node, f"{name!r} is used outside the {{% for %}} that binds it"
            )
    for scope in binders:
        if scope == () and is_param:
            continue
        within = [u for u in found if inside(u, scope)]
        first = within[0]
        if not (first.bind and first.loops == scope):
            raise walk.error(
                first.node, f"{name!r} is read before its first {{% set %}}"
            )
        bound: list[tuple[int, ...]] = []
        for use in within:
            if use.bind:
                bound.append(use.blocks)
            elif not any(use.blocks[: len(b)] == b for b in bound):
                raise walk.error(
                    use.node,
                    f"{name!r} is set inside an {{% if %}} and read outside it",
                )


class _Walk:
    """Every use of a name in a function's body, in the order Jinja runs them."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.blocks = 0

    def block(self, blocks: tuple[int, ...]) -> tuple[int, ...]:
        """``blocks`` with a new block (a loop or a branch) inside."""
        self.blocks += 1
        return (*blocks, self.blocks)

    def error(self, node: nodes.Node, why: str) -> TemplateCompileError:
        return TemplateCompileError(f"templates/{self.template}:{node.lineno}: {why}")

    def statements(
        self, body: list[nodes.Node], loops: tuple[int, ...], blocks: tuple[int, ...]
    ) -> Iterator[_Use]:
        for node in body:
            if isinstance(node, nodes.For):
                yield from self.expression(node.iter, loops, blocks)
                inner = self.block(blocks)
                in_loop = (*loops, inner[-1])
                yield from self.bound(node.target, in_loop, inner)
                if node.test is not None:
                    yield from self.expression(node.test, in_loop, inner)
                yield from self.statements(node.body, in_loop, inner)
            elif isinstance(node, nodes.If):
                yield from self.expression(node.test, loops, blocks)
                yield from self.statements(node.body, loops, self.block(blocks))
                for branch in node.elif_:
                    yield from self.expression(branch.test, loops, blocks)
                    yield from self.statements(branch.body, loops, self.block(blocks))
                yield from self.statements(node.else_, loops, self.block(blocks))
            elif isinstance(node, nodes.Assign):
                yield from self.expression(node.node, loops, blocks)  # read first
                yield from self.bound(node.target, loops, blocks)
            elif isinstance(node, nodes.Output):
                for child in node.nodes:
                    yield from self.expression(child, loops, blocks)
            else:
                raise self.error(node, f"{{% {_tag(node)} %}} is not supported")

    def bound(
        self, target: nodes.Node, loops: tuple[int, ...], blocks: tuple[int, ...]
    ) -> Iterator[_Use]:
        names = [target] if isinstance(target, nodes.Name) else []
        for name in names + list(target.find_all(nodes.Name)):
            self.check(name)
            yield _Use(name.name, name, True, loops, blocks)

    def expression(
        self, expr: nodes.Node, loops: tuple[int, ...], blocks: tuple[int, ...]
    ) -> Iterator[_Use]:
        names = [expr] if isinstance(expr, nodes.Name) else []
        for name in names + list(expr.find_all(nodes.Name)):
            if name.name != "loop":
                self.check(name)
            yield _Use(name.name, name, False, loops, blocks)

    def check(self, node: nodes.Name) -> None:
        name = node.name
        if name.startswith("_") or name.endswith("_") or name in BUILTINS_USED:
            raise self.error(node, f"the name {name!r} is reserved in compiled code")


def uses_loop(node: nodes.For) -> bool:
    """Whether the body (or filter) of ``node`` reads its own ``loop``: not a
    nested loop's (a nested loop's iterable still sees the outer one)."""
    stack: list[nodes.Node] = list(node.body)
    if node.test is not None:
        stack.append(node.test)
    while stack:
        child = stack.pop()
        if isinstance(child, nodes.Name) and child.name == "loop":
            return True
        if isinstance(child, nodes.For):
            stack.append(child.iter)
            continue
        stack.extend(child.iter_child_nodes())
    return False


_TAGS = {
    "FilterBlock": "filter",
    "CallBlock": "call",
    "FromImport": "from",
    "AssignBlock": "set",
    "ExprStmt": "do",
}


def _tag(node: nodes.Node) -> str:
    """The Jinja tag that made ``node``."""
    kind = type(node).__name__
    return _TAGS.get(kind, kind.lower())
