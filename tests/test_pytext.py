"""Docstrings built from proto comments are always valid, inert Python."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

import black

from protoc_gen_platform.formatting import format_python
from protoc_gen_platform.pytext import _docstring, docstring, pystr

MODE = black.Mode(target_versions={black.TargetVersion.PY310})

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
    """The text a docstring keeps: stripped lines, and continuation lines
    without their common indentation (PEP 257, as black applies it)."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    common = min(
        (len(line) - len(line.lstrip(" ")) for line in lines[1:] if line.strip()),
        default=0,
    )
    return "\n".join([lines[0]] + [line[common:] for line in lines[1:]])


def _roundtrip(text: str, indent: int = 0) -> str:
    value = ast.literal_eval(docstring(text, indent))
    assert isinstance(value, str)
    # A multi-line docstring closes on its own line; a one-line docstring that
    # ends in a quote carries black's padding space.
    value = value.removesuffix("\n")
    return value[:-1] if value.endswith('" ') and "\n" not in value else value


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


PLAIN_TEXT = st.text(alphabet=' ab`.\n"\\\t', max_size=40)
"""Texts near the plain ones the views write, where docstring() takes its
short path: spaces at line ends and starts, runs of blank lines, quotes."""


@settings(max_examples=500, deadline=None)
@given(PLAIN_TEXT, st.sampled_from([0, 4, 8]))
def test_the_short_path_gives_what_the_general_one_does(text: str, indent: int) -> None:
    assert docstring(text, indent) == _docstring(text, indent)
    assert _roundtrip(text) == _expected(text)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), PLAIN_TEXT), st.sampled_from([0, 4, 8]))
def test_docstrings_are_already_what_black_makes_of_them(text: str, depth: int) -> None:
    pad = " " * depth
    header = "".join(" " * (4 * level) + "class C:\n" for level in range(depth // 4))
    source = f"{header}{pad}{docstring(text or 'x', depth)}\n"
    assert black.format_str(source, mode=MODE) == source
