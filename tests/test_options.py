"""Plugin parameters become an immutable Options; bad ones are one-line errors."""

from __future__ import annotations

import pytest

from protoc_gen_platform.options import Options, OptionsError, parse_options


def test_empty_parameter_gives_defaults() -> None:
    assert parse_options("") == Options()
    assert Options().runtime_package == "platform_runtime"


def test_values_are_parsed_and_typed() -> None:
    options = parse_options(
        "runtime_package=sdk.rt, emit_runtime=false,package_markers=no"
    )
    assert options == Options(
        runtime_package="sdk.rt", emit_runtime=False, package_markers=False
    )
    assert Options().test_kit is True
    assert parse_options("test_kit=false") == Options(test_kit=False)


def test_options_are_immutable() -> None:
    with pytest.raises(AttributeError):
        Options().runtime_package = "x"  # type: ignore[misc]


def test_unknown_key_names_it_and_lists_the_valid_ones() -> None:
    with pytest.raises(OptionsError) as info:
        parse_options("runtime_package=x,colour=blue")
    message = str(info.value)
    assert "'colour'" in message
    assert "emit_runtime, package_markers, runtime_package" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("parameter", "fragment"),
    [
        (
            "runtime_package=1abc",
            "runtime_package: '1abc' is not a valid Python package",
        ),
        ("runtime_package=a.class", "runtime_package: 'a.class'"),
        ("emit_runtime=maybe", "emit_runtime: 'maybe' is not a boolean"),
        ("emit_runtime", "emit_runtime needs a value"),
        ("emit_runtime=true,emit_runtime=false", "more than once"),
    ],
)
def test_bad_values_are_one_line_errors(parameter: str, fragment: str) -> None:
    with pytest.raises(OptionsError, match=fragment.replace(".", r"\.")):
        parse_options(parameter)
