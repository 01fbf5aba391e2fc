"""Docstrings built from proto comments are always valid, inert Python."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from protoc_gen_platform.formatting import format_python
from protoc_gen_platform.pytext import docstring, pystr

HOSTILE = [
    '"""',
    "'''",
    'ends with a quote"',
    "ends with a backslash\\",
    "\\N{BULLET} and \\x00 and \\u1234",
    '""""""""',
    "{{ jinja }} {% if x %}",
    "tab\there\r\nCRLF\rCR",
    "nul\x00 and form feed\x0c and line sep\u2028",
    "non-ASCII: é, 日本語, 🚀",
    '"""; import os; os.system("echo pwned"); """',
]


def _expected(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _roundtrip(text: str, indent: int = 0) -> str:
    value = ast.literal_eval(docstring(text, indent))
    assert isinstance(value, str)
    # A multi-line docstring closes on its own line.
    return value.removesuffix("\n")


def test_hostile_comments_stay_text() -> None:
    for text in HOSTILE:
        assert _roundtrip(text) == _expected(text), text


def test_hostile_docstring_in_a_function_is_the_only_statement() -> None:
    for text in HOSTILE:
        source = f"def f():\n    {docstring(text, 4)}\n"
        formatted = format_python(source, "t.py")
        tree = ast.parse(formatted)
        func = tree.body[0]
        assert isinstance(func, ast.FunctionDef)
        assert len(func.body) == 1, text
        assert format_python(formatted, "t.py") == formatted


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert _roundtrip(text) == _expected(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_pystr_round_trips(text: str) -> None:
    assert ast.literal_eval(pystr(text)) == text
