"""Formatting: generated modules come out exactly as black formats them.

Running black over every generated line would dominate generation time, so
the templates write black's form directly: one-line statements where they
fit, exploded brackets with magic trailing commas where they do not, black's
blank lines, and docstrings from :func:`~protoc_gen_platform.pytext.docstring`.
The only thing they cannot foresee is a line of code longer than black's limit
(a very long type or field name): black may split it. So a module is cut
into top-level blocks, and class blocks into methods; a block holding such a
line goes through black, in-process, and every other block is kept as it is.
A line that black could not shorten either (a signature's parameter with a
long type name) does not count: its block would come back unchanged.
The tests check the result against black itself on thousands of contracts.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .errors import GenerationError

__all__ = ["LINE_LENGTH", "format_python", "format_with_black", "layout_call"]

LINE_LENGTH = 88
_QUOTES = '"""'
_LONG_LINE = re.compile(rf"\n[^\n]{{{LINE_LENGTH + 1}}}")
"""A line after the first that is longer than black's limit (a third faster
to look for than splitting the module into lines)."""


def layout_call(
    head: str, args: list[str], indent: int, tail: str = "", brackets: str = "()"
) -> str:
    """``head(args...)tail`` laid out as black lays out simple arguments.

    One line if it fits; else the arguments on one line of their own between
    the brackets; else one argument per line with a magic trailing comma.
    ``head`` ends just before the opening bracket and starts at ``indent``;
    ``brackets`` may be ``"[]"`` for a subscript.
    """
    joined = ", ".join(args)
    if indent + len(head) + len(joined) + len(tail) + 2 <= LINE_LENGTH:
        return f"{head}{brackets[0]}{joined}{brackets[1]}{tail}"
    pad = " " * indent
    if indent + 4 + len(joined) <= LINE_LENGTH:
        return f"{head}{brackets[0]}\n{pad}    {joined}\n{pad}{brackets[1]}{tail}"
    inner = pad + "    "  # one argument a line, each with its comma
    exploded = inner + (",\n" + inner).join(args) + ",\n" if args else ""
    return f"{head}{brackets[0]}\n{exploded}{pad}{brackets[1]}{tail}"


def format_python(source: str, path: str) -> str:
    """``source`` as black formats it.

    Validity is checked where black runs (it parses what it formats) and by
    the tests, which compile and import the output of thousands of random
    contracts; parsing every module here would cost more than rendering it.
    """
    end = source.find("\n")
    first_fits = (end if end >= 0 else len(source)) <= LINE_LENGTH
    if first_fits and not _LONG_LINE.search(source):
        return source  # the common case: nothing black would split
    try:
        return "".join(_format_block(block, depth=0) for block in _blocks(source, 0))
    except _InvalidInput as exc:
        raise GenerationError(
            f"{path}: generated code is not valid Python ({exc}); "
            "this is a bug in protoc-gen-platform"
        ) from None


def format_with_black(source: str) -> str:
    """``source`` formatted by black itself, whole (for code off the plugin's
    path, such as an SDK README's quickstart)."""
    return _black(source)


class _InvalidInput(Exception):
    """black could not parse a block."""


def _format_block(block: str, depth: int) -> str:
    """``block`` (statements at ``depth`` plus trailing blank lines), black's way."""
    if not _too_long(block):
        return block
    if depth == 0 and block.startswith("class "):
        header, body = _split_class(block)
        if not _too_long(header):
            return header + "".join(_format_block(part, 1) for part in _blocks(body, 4))
    code = block.rstrip("\n") + "\n"
    blank = block[len(code) :]
    wrapper = "class _:\n" if depth else ""
    formatted = _black(wrapper + code)
    return formatted[len(wrapper) :] + blank


_SIGNATURE_ATOM = re.compile(r"(?:[A-Za-z_]\w*: )?[A-Za-z_][\w.]*(?:,|\[)")
"""A line of an exploded ``def`` signature that black cannot shorten: a
parameter annotated with one (dotted) name (a long request type), a type
argument of an exploded annotation, or the head of one (``context: X[``);
and the ``def name(`` line itself.
black splits only at brackets, and a signature whose brackets are already
exploded with magic trailing commas gets no other layout, so it would give
such a block back as it is: sending it would only cost time. Elsewhere a long
name is no such line: in an assignment or a ``return``, black may wrap the
whole value in parentheses."""


def _too_long(block: str) -> bool:
    """Whether a line of code (not of a docstring) in ``block`` is too long,
    and black could shorten it."""
    in_docstring = in_signature = False
    for line in block.split("\n"):
        quotes = line.count(_QUOTES)
        stripped = line.strip()
        head = False
        if not in_docstring and stripped.startswith(("def ", "async def ")):
            in_signature = head = stripped.endswith("(") and stripped.count("(") == 1
        elif in_signature and stripped.startswith(")") and stripped.endswith(":"):
            in_signature = False
        atom = head or (in_signature and _SIGNATURE_ATOM.fullmatch(stripped))
        if not in_docstring and not quotes and len(line) > LINE_LENGTH and not atom:
            return True
        if quotes % 2:
            in_docstring = not in_docstring
    return False


def _blocks(source: str, indent: int) -> Iterator[str]:
    """Split ``source`` where a statement starts at ``indent`` columns.

    A statement start is a line with exactly that indentation, outside a
    docstring, that does not close a bracket. Blank lines stay with the block
    they follow.
    """
    lines = source.splitlines(keepends=True)
    start, in_docstring = 0, False
    for number, line in enumerate(lines):
        stripped = line.lstrip(" ")
        starts = (
            number > start
            and not in_docstring
            and stripped.strip()
            and len(line) - len(stripped) == indent
            and stripped[0] not in ")]}"
            and not _continues(lines[number - 1])
        )
        if starts and not (
            indent and not stripped.startswith(("def ", "async def ", "@"))
        ):
            yield "".join(lines[start:number])
            start = number
        if line.count(_QUOTES) % 2:
            in_docstring = not in_docstring
    yield "".join(lines[start:])


def _continues(previous: str) -> bool:
    """Whether the line before belongs to a decorator (so this is no new start)."""
    return previous.lstrip(" ").startswith("@")


def _split_class(block: str) -> tuple[str, str]:
    """A class block's header (up to its first method) and the methods."""
    lines = block.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if number and line.startswith(("    def ", "    async def ", "    @")):
            return "".join(lines[:number]), "".join(lines[number:])
    return block, ""


def _black(code: str) -> str:
    import black  # only imported when a block needs it
    from black.mode import Mode, TargetVersion

    from black.parsing import InvalidInput

    mode: Any = Mode(target_versions={TargetVersion.PY310}, line_length=LINE_LENGTH)
    try:
        result: str = black.format_str(code, mode=mode)
    except InvalidInput as exc:
        raise _InvalidInput(
            str(exc).splitlines()[0] if str(exc) else "parse error"
        ) from exc
    return result
