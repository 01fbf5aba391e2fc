"""Formatting writes black's output without running black on every line."""

from __future__ import annotations

import black
import pytest

from protoc_gen_platform.errors import GenerationError
from protoc_gen_platform.formatting import format_python, layout_call

MODE = black.Mode(target_versions={black.TargetVersion.PY310})

SOURCES = {
    "long call in a method": (
        "class C:\n"
        '    """Doc."""\n'
        "\n"
        "    def short(self) -> None:\n"
        "        return None\n"
        "\n"
        "    def long(self) -> None:\n"
        "        return self._unary_unary(_A_VERY_LONG_CONSTANT_NAME_FOR_A_METHOD, request, timeout, metadata)\n"
    ),
    "long top-level assignment": (
        '_X = _rt.Rpc("/a.very.long.package.name.v1.SomeService/SomeMethod", "unary_unary", m_pb2.Request, m_pb2.Response)\n'
    ),
    "long class header": (
        "class AVeryLongServiceNameThatIsLongerThanTheLimitAllByItselfClient(_rt.AsyncClientBase):\n"
        "    pass\n"
    ),
    "docstring lines are never split": (
        "def f() -> None:\n"
        '    """A docstring line that is much longer than eighty-eight characters, which black leaves alone."""\n'
    ),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_matches_black(name: str) -> None:
    source = SOURCES[name]
    assert format_python(source, "x.py") == black.format_str(source, mode=MODE)


@pytest.mark.parametrize(
    ("args", "indent"),
    [
        (["a", "b"], 0),
        (["_CONSTANT", "request", "timeout", "metadata"], 8),
        (
            [
                "_LIST_SOMETHING_QUITE_LONG",
                "request",
                "timeout",
                "metadata",
                "page_size",
                "max_items",
            ],
            8,
        ),
        ([f"argument_number_{i}" for i in range(12)], 8),
    ],
)
def test_layout_call_is_blacks_layout(args: list[str], indent: int) -> None:
    laid = layout_call("return self._call", args, indent)
    source = "class C:\n    def f(self):\n" + " " * indent + laid + "\n"
    if indent == 0:
        source = laid + "\n"
    assert black.format_str(source, mode=MODE) == source


def test_invalid_python_that_reaches_black_is_a_generation_error() -> None:
    with pytest.raises(
        GenerationError, match="x.py: generated code is not valid Python"
    ):
        format_python("def (:" + " x" * 60 + "\n", "x.py")
