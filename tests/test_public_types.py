"""No ``Any`` a user can reach, except the few the README's Typing section
explains: every public signature of the runtime is read (with ``ast``) and
the ones that mention ``Any`` must be exactly those."""

from __future__ import annotations

import ast
from pathlib import Path

from support import REPO

RUNTIME = REPO / "protoc_gen_platform" / "runtime"
PUBLIC_FACES = [RUNTIME / "__init__.py", RUNTIME / "testing" / "__init__.py"]
_PUBLIC_DUNDERS = {
    "__init__",
    "__call__",
    "__iter__",
    "__aiter__",
    "__enter__",
    "__aenter__",
}

# Each is explained in the README's Typing section, which names it.
EXPLAINED = {
    "with_call",
    "AsyncContext",
    "Pages.items_of",
    "ResponseStream.__init__",
    "AsyncResponseStream.__init__",
    "Service.__init__",
}


def _mentions_any(node: ast.AST | None) -> bool:
    return node is not None and any(
        (isinstance(n, ast.Name) and n.id == "Any")
        or (isinstance(n, ast.Attribute) and n.attr == "Any")
        or (
            isinstance(n, ast.Constant)
            and isinstance(n.value, str)
            and "Any" in n.value
        )
        for n in ast.walk(node)
    )


def _signature_mentions_any(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return _mentions_any(function.args) or _mentions_any(function.returns)


def _is_overload(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(ast.unparse(d).endswith("overload") for d in function.decorator_list)


def _exports(face: Path) -> dict[str, Path]:
    """Each public name of a public face, and the module that defines it."""
    found = {}
    for node in ast.parse(face.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            module = face.parent / (node.module.replace(".", "/") + ".py")
            for alias in node.names:
                found[alias.asname or alias.name] = module
    return found


def _class_members(cls: ast.ClassDef) -> list[tuple[str, bool]]:
    members = []
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("_") and node.name not in _PUBLIC_DUNDERS:
                continue
            members.append((f"{cls.name}.{node.name}", _signature_mentions_any(node)))
            if node.name == "__init__":
                for statement in ast.walk(node):
                    if (
                        isinstance(statement, ast.AnnAssign)
                        and isinstance(statement.target, ast.Attribute)
                        and not statement.target.attr.startswith("_")
                    ):
                        name = f"{cls.name}.{statement.target.attr}"
                        members.append((name, _mentions_any(statement.annotation)))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if not node.target.id.startswith("_"):
                members.append(
                    (f"{cls.name}.{node.target.id}", _mentions_any(node.annotation))
                )
    return members


def public_names_with_any() -> set[str]:
    """The public names whose signature or type mentions ``Any``."""
    flagged = set()
    for face in PUBLIC_FACES:
        for name, module in _exports(face).items():
            body = ast.parse(module.read_text()).body
            functions = [
                n
                for n in body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                and n.name == name
            ]
            overloads = [f for f in functions if _is_overload(f)]
            for function in overloads or functions:
                if _signature_mentions_any(function):
                    flagged.add(name)
            for node in body:
                if isinstance(node, ast.ClassDef) and node.name == name:
                    if any(_mentions_any(base) for base in node.bases):
                        flagged.add(name)
                    flagged.update(m for m, has_any in _class_members(node) if has_any)
                elif isinstance(node, ast.AnnAssign) and isinstance(
                    node.target, ast.Name
                ):
                    if node.target.id == name and (
                        _mentions_any(node.annotation) or _mentions_any(node.value)
                    ):
                        flagged.add(name)
                elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in node.targets
                ):
                    if _mentions_any(node.value):
                        flagged.add(name)
    return flagged


def test_only_the_explained_names_mention_any() -> None:
    assert public_names_with_any() == EXPLAINED


def test_the_readme_explains_each_of_them() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n### Typing\n", 1)[1].split("\n## ", 1)[0]
    for name in EXPLAINED:
        assert f"`{name}" in section, name


def test_the_scan_sees_an_any() -> None:
    """The scan itself: a signature with Any in a public name is caught."""
    tree = ast.parse("def f(x: Any) -> int: ...\ndef g(x: int) -> int: ...")
    f, g = tree.body
    assert isinstance(f, ast.FunctionDef) and isinstance(g, ast.FunctionDef)
    assert _signature_mentions_any(f) and not _signature_mentions_any(g)
    assert "PlatformError.error" not in public_names_with_any()
    assert "Pager.pages" not in public_names_with_any()
