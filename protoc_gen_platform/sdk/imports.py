"""Syntax-aware rewriting of imports into a package root.

Only import statements are touched, located with :mod:`ast`: an import of a
generated module (``from auth.v1 import auth_pb2``) becomes one inside the
package (``from platform_proto.auth.v1 import auth_pb2``); imports of anything
else (``google.protobuf``, ``grpc``) are left alone, and no other text changes.
"""

from __future__ import annotations

import ast

__all__ = ["rewrite_imports"]


def _inside(name: str, generated: frozenset[str]) -> bool:
    return name in generated


def _import_lines(
    node: ast.Import, root: str, generated: frozenset[str]
) -> list[str] | None:
    if not any(_inside(alias.name, generated) for alias in node.names):
        return None
    lines = []
    for alias in node.names:
        if not _inside(alias.name, generated):
            lines.append(
                f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
            )
        elif alias.asname:
            lines.append(f"import {root}.{alias.name} as {alias.asname}")
        elif "." in alias.name:
            # ``import a.b`` binds ``a``: import the module, then bind ``a``.
            head = alias.name.split(".", 1)[0]
            lines.append(f"import {root}.{alias.name}")
            lines.append(f"from {root} import {head}")
        else:
            lines.append(f"from {root} import {alias.name}")
    return lines


def _from_lines(
    node: ast.ImportFrom, root: str, generated: frozenset[str]
) -> list[str] | None:
    if node.level or node.module is None or not _inside(node.module, generated):
        return None
    names = ", ".join(
        alias.name + (f" as {alias.asname}" if alias.asname else "")
        for alias in node.names
    )
    return [f"from {root}.{node.module} import {names}"]


def _builder_module_name(
    node: ast.Call, root: str, generated: frozenset[str]
) -> list[str] | None:
    """protobuf's ``_builder.Build...(DESCRIPTOR, 'auth.v1.auth_pb2', _globals)``
    names the module its classes live in (their ``__module__``, used by
    pickle): move that name too. Returns the replacement for the whole call."""
    if not (
        isinstance(node.func, ast.Attribute) and node.func.attr.startswith("Build")
    ):
        return None
    args = node.args
    if len(args) != 3 or not isinstance(args[1], ast.Constant):
        return None
    name = args[1].value
    if not isinstance(name, str) or name not in generated:
        return None
    call = f"{ast.unparse(node.func)}({ast.unparse(args[0])}, {f'{root}.{name}'!r}, {ast.unparse(args[2])})"
    return [call]


def rewrite_imports(source: str, root: str, generated: frozenset[str]) -> str:
    """``source`` with imports of ``generated`` modules and packages moved under ``root``.

    ``generated`` holds the dotted names of every generated module and package
    (``auth``, ``auth.v1``, ``auth.v1.auth_pb2``, ``platform_runtime``, ...).
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[ast.stmt | ast.expr, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            replacement = _import_lines(node, root, generated)
        elif isinstance(node, ast.ImportFrom):
            replacement = _from_lines(node, root, generated)
        elif isinstance(node, ast.Call):
            replacement = _builder_module_name(node, root, generated)
        else:
            continue
        if replacement is not None:
            edits.append((node, replacement))
    for node, replacement in sorted(
        edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True
    ):
        assert node.end_lineno is not None and node.end_col_offset is not None
        first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
        before = first[: _char_offset(first, node.col_offset)]
        after = last[_char_offset(last, node.end_col_offset) :]
        lines[node.lineno - 1 : node.end_lineno] = [
            before + "; ".join(replacement) + after
        ]
    return "".join(lines)


def _char_offset(line: str, byte_offset: int) -> int:
    """ast's column offsets count UTF-8 bytes; turn one into a str index."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
