"""Errors of any size and content keep their status code, live on loopback:
trailers within grpc's limit, text UTF-8 cannot carry, arguments checked at
construction, and the glue's own failures answered INTERNAL."""

from __future__ import annotations

import datetime
import logging
import os
from typing import Any

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth_live import Modules, call_failing

CODES = [code for code in grpc.StatusCode if code is not grpc.StatusCode.OK]
EXAMPLES = int(os.environ.get("ERROR_EXAMPLES", "25"))


def _limits(m: Modules) -> Any:
    return __import__("platform_runtime._shared.limits", fromlist=["limits"])


def _trailer_bytes(m: Modules, error: Any) -> int:
    """What ``error`` puts in the trailers: grpc-message, percent-encoded, and
    grpc-status-details-bin, before base64 (as grpc counts them)."""
    status = m.rt._shared.status.to_grpc_status(error)  # the glue's own encoder
    (key, value), *_ = status.trailing_metadata
    assert key == "grpc-status-details-bin"
    return _limits(m).percent_encoded_size(status.details) + len(value)


# --- unit: the encoded size, at the boundary and far past it --------------------


HUGE: dict[str, dict[str, Any]] = {
    "ascii 3000": {"message": "x" * 3000},
    "cjk 1000": {"message": "漢" * 1000},
    "emoji 64 KiB": {"message": "🙂" * 16384},
    "percent signs": {"message": "%" * 5000},
    "80 violations": {
        "message": "bad",
        "field_violations": [
            (f"items[{i}].name", "must be set " * 3) for i in range(80)
        ],
    },
    "500 violations of CJK": {
        "message": "bad",
        "field_violations": [(f"字段{i}", "描述" * 40) for i in range(500)],
    },
    "huge metadata": {
        "message": "m",
        "metadata": {f"key{i}": "v" * 900 for i in range(40)},
    },
    "everything at once": {
        "message": "é" * 20000,
        "reason": "R" * 5000,
        "domain": "d" * 5000,
        "request_id": "q" * 5000,
        "metadata": {"k" * 300: "ü" * 3000 for _ in range(1)},
        "field_violations": [("f" * 300, "д" * 3000)] * 300,
        "retry_delay": datetime.timedelta(days=3),
    },
}


@pytest.mark.parametrize("shape", sorted(HUGE))
def test_an_error_of_any_size_fits_the_trailer_budget(m: Modules, shape: str) -> None:
    error = m.rt.InvalidArgumentError(**HUGE[shape])
    assert _trailer_bytes(m, error) <= _limits(m).TRAILERS.total


def test_the_message_is_cut_only_past_its_budget_and_marked(m: Modules) -> None:
    limits = _limits(m)
    budget = limits.TRAILERS

    def fit(text: str) -> str:
        return limits.fit_message(text, budget)  # type: ignore[no-any-return]

    at_limit = "a" * (budget.message // 2)  # ASCII costs 2 bytes: one per copy
    assert fit(at_limit) == at_limit
    assert fit(at_limit + "a").endswith(limits.TRUNCATED)
    assert limits.message_size(fit(at_limit + "a"), budget) <= budget.message
    cjk = "漢" * (budget.message // 12)  # 3 bytes of UTF-8, 9 percent-encoded
    assert fit(cjk) == cjk
    cut = fit(cjk + "漢")
    assert cut.endswith(limits.TRUNCATED) and cut.startswith("漢" * 100)
    body = limits.BODY  # in a response body the message is one UTF-8 copy
    assert limits.fit_message(cjk * 50, body) == cjk * 50


def test_violations_and_metadata_past_the_budget_are_left_out_with_a_marker(
    m: Modules,
) -> None:
    status = m.rt._shared.status.to_grpc_status(
        m.rt.InvalidArgumentError(**HUGE["500 violations of CJK"])
    )
    error = m.rt.from_rpc_error(_FakeCall(status))
    field, description = error.field_violations[-1]
    assert field == "..." and "field violations left out" in description
    kept = len(error.field_violations) - 1
    assert 0 < kept < 500 and description.startswith(f"{500 - kept} ")
    assert (
        error.field_violations[:kept]
        == HUGE["500 violations of CJK"]["field_violations"][:kept]
    )
    status = m.rt._shared.status.to_grpc_status(
        m.rt.InvalidArgumentError(**HUGE["huge metadata"])
    )
    metadata = m.rt.from_rpc_error(_FakeCall(status)).metadata
    assert metadata["..."].endswith(
        "metadata entries left out: the error was too large"
    )
    assert 0 < len(metadata) - 1 < 40


class _FakeCall(grpc.RpcError):
    """A failed call as a client would see it, made from a status (no network)."""

    def __init__(self, status: Any) -> None:
        self._status = status

    def code(self) -> grpc.StatusCode:
        return self._status.code  # type: ignore[no-any-return]

    def details(self) -> str:
        return self._status.details  # type: ignore[no-any-return]

    def trailing_metadata(self) -> Any:
        return self._status.trailing_metadata


# --- live: the code always survives ---------------------------------------------


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("path", ["status", "result"])
@pytest.mark.parametrize("shape", sorted(HUGE))
def test_huge_errors_arrive_with_their_code_every_time(
    m: Modules, live: dict[str, Any], flavour: str, path: str, shape: str
) -> None:
    """grpc refuses oversized trailers at random, so each shape is sent 10 times."""
    raised = m.rt.InvalidArgumentError(**HUGE[shape], in_band=path == "result")
    live["raiser"].error = raised
    for _ in range(10):
        received = call_failing(live, m, flavour, path)
        assert type(received) is m.rt.InvalidArgumentError
    if path == "result" and shape != "everything at once":  # the body has room
        assert received.message == raised.message
        assert received.field_violations == raised.field_violations


unicode = st.characters(codec=None, categories=None)  # surrogates included
pieces = st.text(unicode, max_size=64)
big_text = st.one_of(
    pieces,
    st.builds(lambda s, n: (s * n)[:65536], pieces.filter(bool), st.integers(1, 65536)),
)
violations = st.one_of(
    st.lists(st.tuples(pieces, pieces), max_size=5),
    st.builds(
        lambda pairs, n: (pairs * n)[:500],
        st.lists(st.tuples(pieces, big_text), min_size=1, max_size=3),
        st.integers(1, 500),
    ),
)
metadata = st.dictionaries(pieces, big_text, max_size=8)


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("path", ["status", "result"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    code=st.sampled_from(CODES),
    message=big_text,
    field_violations=violations,
    meta=metadata,
    reason=st.none() | pieces,
)
def test_any_error_content_arrives_with_its_code(
    m: Modules,
    live: dict[str, Any],
    flavour: str,
    path: str,
    code: grpc.StatusCode,
    message: str,
    field_violations: list[tuple[str, str]],
    meta: dict[str, str],
    reason: str | None,
) -> None:
    raised = m.rt.PlatformError.from_code(
        code,
        message,
        reason=reason,
        metadata=meta,
        field_violations=field_violations,
        in_band=path == "result",
    )
    live["raiser"].error = raised
    received = call_failing(live, m, flavour, path)
    assert type(received) is type(raised) and received.code is code
    assert received.remote
    limits = _limits(m)
    budget = limits.BODY if path == "result" else limits.TRAILERS
    assert received.message == limits.fit_message(message, budget)


# --- text UTF-8 cannot carry, and arguments checked at construction --------------


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("path", ["status", "result"])
def test_lone_surrogates_are_replaced_not_refused(
    m: Modules, live: dict[str, Any], flavour: str, path: str
) -> None:
    live["raiser"].error = m.rt.NotFoundError(
        "bad \udc80 text",
        reason="R\ud800",
        metadata={"k\udfff": "v\udc00"},
        field_violations=[("f\ud83d", "d")],
        in_band=path == "result",
    )
    received = call_failing(live, m, flavour, path)
    assert type(received) is m.rt.NotFoundError
    assert received.message == "bad \ufffd text"
    assert received.reason == "R\ufffd"
    assert received.metadata == {"k\ufffd": "v\ufffd"}
    assert received.field_violations == [("f\ufffd", "d")]


@pytest.mark.parametrize(
    "arguments, kind, words",
    [
        ({"metadata": {"attempt": 3}}, TypeError, "metadata['attempt'] must be a str"),
        ({"metadata": {3: "x"}}, TypeError, "metadata key must be a str"),
        ({"metadata": [("a", "b")]}, TypeError, "must be a mapping"),
        ({"reason": 42}, TypeError, "reason must be a str"),
        ({"request_id": b"id"}, TypeError, "request_id must be a str"),
        ({"field_violations": ["name"]}, TypeError, "field_violations[0]"),
        ({"field_violations": [("a", None)]}, TypeError, "description must be a str"),
        ({"retry_delay": 5}, TypeError, "retry_delay must be a timedelta"),
        (
            {"retry_delay": datetime.timedelta(seconds=-1)},
            ValueError,
            "between 0 and 10,000 years",
        ),
        (
            {"retry_delay": datetime.timedelta(days=10**8)},
            ValueError,
            "between 0 and 10,000 years",
        ),
    ],
)
def test_bad_arguments_are_refused_where_the_error_is_built(
    m: Modules, arguments: dict[str, Any], kind: type[Exception], words: str
) -> None:
    with pytest.raises(kind) as info:
        m.rt.NotFoundError("gone", **arguments)
    assert words in str(info.value)
    with pytest.raises(TypeError, match="message must be a str"):
        m.rt.NotFoundError(404)


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("path", ["status", "result"])
def test_the_glues_own_failure_is_internal_and_logged(
    m: Modules,
    live: dict[str, Any],
    flavour: str,
    path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bad argument raised in the servicer (the TypeError above), and an
    error corrupted after it was built, both answer INTERNAL with nothing of
    the server's exception text."""
    caplog.set_level(logging.ERROR, logger="platform_runtime.server")
    corrupted = m.rt.NotFoundError("gone")
    corrupted.metadata = {"attempt": 3}  # type: ignore[dict-item]
    cases = (
        (lambda: m.rt.NotFoundError("gone", metadata={"attempt": 3}), "unexpected"),
        (corrupted, "cannot encode"),
    )
    for error, logged in cases:
        live["raiser"].error = error
        received = call_failing(live, m, flavour, path)
        assert type(received) is m.rt.InternalError
        assert received.message == "internal error" and received.request_id
        assert [type(d).__name__ for d in received.details] == ["RequestInfo"]
        assert "attempt" not in str(received) and "bad argument" not in str(received)
        records = [
            r.getMessage()
            for r in caplog.records
            if r.name == "platform_runtime.server"
        ]
        assert any(logged in text for text in records), records
        caplog.clear()
