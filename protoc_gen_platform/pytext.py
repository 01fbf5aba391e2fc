"""Python literals built from untrusted text: docstrings and string constants.

Comments in a .proto file can hold anything: ``\"\"\"``, backslashes,
``\\N{...}``, control characters, Jinja delimiters. These functions make sure
such text always becomes inert Python: it can never end the literal, form an
escape sequence, or change how black re-indents the docstring.
"""

from __future__ import annotations

import unicodedata

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
    if ch == "\n":
        return False
    if ch in _LINE_BREAKS or ch == "\t":
        return True
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")


def docstring(text: str, indent: int) -> str:
    """A triple-quoted docstring literal holding ``text``, inertly.

    Continuation lines are indented by ``indent`` spaces; the literal itself is
    placed by the caller. Lines lose trailing whitespace, as black would make
    them; backslashes are doubled, quote runs are broken, and control or
    line-breaking characters become escapes.
    """
    pad = " " * indent
    lines = [_escape_line(line.rstrip()) for line in text.strip().split("\n")]
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    rest = "\n".join(pad + line if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{rest}\n{pad}"""'


def _escape_line(line: str) -> str:
    out = []
    for i, ch in enumerate(line):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"' and (i + 1 == len(line) or line[i + 1] == '"'):
            # No two quotes in a row, and none last on a line: nothing can
            # close the literal early.
            out.append('\\"')
        elif _needs_escape(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def pystr(value: str) -> str:
    """A double-quoted Python string literal for ``value`` (black's style)."""
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
