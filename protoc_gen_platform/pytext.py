"""Python literals built from untrusted text: docstrings and string constants.

Comments in a .proto file can hold anything: ``\"\"\"``, backslashes,
``\\N{...}``, control characters, Jinja delimiters. These functions make sure
such text always becomes inert Python: it can never end the literal, form an
escape sequence, or change how black re-indents the docstring.
"""

from __future__ import annotations

import functools
import re

__all__ = ["docstring", "pystr"]

# Characters that str.splitlines() treats as line breaks, beyond "\n"; black
# splits docstrings with it, so they must not appear raw.
_LINE_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _needs_escape(ch: str) -> bool:
    if ch == "\n" or ch == " ":
        return False
    if ch in _LINE_BREAKS or ch.isspace():
        return True  # black would split or strip on these
    import unicodedata  # only text beyond printable ASCII gets here

    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")


@functools.lru_cache(maxsize=4096)
def docstring(text: str, indent: int) -> str:
    """A triple-quoted docstring literal holding ``text``, inertly.

    Continuation lines are indented by ``indent`` spaces; the literal itself is
    placed by the caller. The literal is already in black's form, so black
    leaves it unchanged: lines lose trailing whitespace, continuation lines
    lose their common indentation (PEP 257), and a one-line docstring ending
    in a quote gets black's padding space. Backslashes are doubled, quote runs
    are broken, and control, line-breaking and non-space whitespace characters
    become escapes.
    """
    if _TIDY.match(text):
        # The usual text (the views' own): nothing to strip, dedent or
        # escape, no quote at the end, and blank lines one at a time.
        if "\n" not in text:
            return f'"""{text}"""'
        pad = "\n" + " " * indent
        body = text.replace("\n", pad).replace(pad + "\n", "\n\n")
        return f'"""{body}{pad}"""'
    return _docstring(text, indent)


def _docstring(text: str, indent: int) -> str:
    """:func:`docstring` for any text."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    rest = lines[1:]
    common = min(
        (len(line) - len(line.lstrip(" ")) for line in rest if line.strip()), default=0
    )
    if _PLAIN_LINES.match(text):  # the usual case: no line needs an escape
        lines = [lines[0]] + [line[common:] for line in rest]
    else:
        lines = [_escape_line(lines[0])] + [
            _escape_line(line[common:]) for line in rest
        ]
    if len(lines) == 1:
        padding = " " if lines[0].endswith('"') else ""
        return f'"""{lines[0]}{padding}"""'
    pad = " " * indent
    body = "\n".join(pad + line if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{pad}"""'


_PLAIN = re.compile(r"[ !#-\[\]-~]*\Z")  # printable ASCII but for " and \\
_PLAIN_LINES = re.compile(r"[ !#-\[\]-~\n]*\Z")  # lines of such text
_TIDY_LINE = r"[!#-\[\]-~](?:[ !#-\[\]-~]*[!#-\[\]-~])?"
_TIDY = re.compile(rf"{_TIDY_LINE}(?:\n\n?{_TIDY_LINE})*\Z")
"""Lines of such text, none of them starting or ending with a space, the
first and last not empty, and no two empty ones in a row: what
:func:`docstring` gives back as it is (one pass, where five checks took
half as long again)."""


def _escape_line(line: str) -> str:
    if _PLAIN.match(line):
        return line
    out = []
    for i, ch in enumerate(line):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"' and (i == 0 or i + 1 == len(line) or line[i + 1] == '"'):
            # No two quotes in a row, none first or last on a line: nothing can
            # close the literal early, and black adds no padding.
            out.append('\\"')
        elif _needs_escape(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def pystr(value: str) -> str:
    """A double-quoted Python string literal for ``value`` (black's style)."""
    if (value.isascii() and value.isidentifier()) or _PLAIN.match(value):
        return f'"{value}"'
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif _needs_escape(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
