"""The test kit's fakes, served on real loopback servers and called by the
generated clients, sync and asyncio: every RPC kind returns, raises a typed
error with its details, and calls through; pagers page; queued outcomes meet
the retry policy; calls are recorded; unprogrammed methods say what to do."""

from __future__ import annotations

import asyncio
import datetime
import importlib
import inspect
import math
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from google.protobuf.message import Message

from kit import Kit

FLAVOURS = ["sync", "async"]


@pytest.fixture(scope="module")
def k(sdk_out: Path) -> Kit:
    return Kit()


class Outcome:
    """What a client saw: the value (a stream's or pager's items as a list,
    those before a failure included) and the error, if any."""

    def __init__(self) -> None:
        self.value: Any = None
        self.items: list[Any] = []
        self.error: Any = None


def exchange(
    k: Kit,
    flavour: str,
    fake: Any,
    client_type: str,
    *calls: Callable[[Any], Any],
    **client_options: Any,
) -> list[Outcome]:
    """Serve ``fake``, make a ``<client_type>Client`` (or ``AsyncClient``) on
    the kit's channel, and make each call with it; what each one gave."""
    module = importlib.import_module(
        type(fake).__module__.replace("_testing", "_platform")
    )
    if flavour == "sync":
        client_class = getattr(module, f"{client_type}Client")
        with k.testing.serving(fake) as channel:
            client = client_class(channel, **client_options)
            return [_sync_outcome(k, call, client) for call in calls]

    async def main() -> list[Outcome]:
        client_class = getattr(module, f"{client_type}AsyncClient")
        async with k.testing.serving_async(fake) as channel:
            client = client_class(channel, **client_options)
            return [await _async_outcome(k, call, client) for call in calls]

    return asyncio.run(main())


def _sync_outcome(k: Kit, call: Callable[[Any], Any], client: Any) -> Outcome:
    seen = Outcome()
    try:
        value = call(client)
        if isinstance(value, Message):
            seen.value = value
        else:
            for item in value:
                seen.items.append(item)
    except k.rt.PlatformError as error:
        seen.error = error
    return seen


async def _async_outcome(k: Kit, call: Callable[[Any], Any], client: Any) -> Outcome:
    seen = Outcome()
    try:
        value = call(client)
        if inspect.isawaitable(value):
            value = await value
        if isinstance(value, Message):
            seen.value = value
        else:
            async for item in value:
                seen.items.append(item)
    except k.rt.PlatformError as error:
        seen.error = error
    return seen


def detailed(k: Kit, kind: Any, message: str = "no such thing", **extra: Any) -> Any:
    """An error with every detail a real service can send."""
    return k.testing.error(
        kind,
        message,
        reason="THING_MISSING",
        domain="test.platform",
        metadata={"thing": "t-1"},
        violations={"thing_id": "unknown"},
        retry_after=2.5,
        **extra,
    )


def assert_detailed(
    k: Kit, error: Any, kind: Any, message: str = "no such thing"
) -> None:
    assert type(error) is kind, repr(error)
    assert error.message == message
    assert error.reason == "THING_MISSING"
    assert error.domain == "test.platform"
    assert error.metadata == {"thing": "t-1"}
    assert error.field_violations == [("thing_id", "unknown")]
    assert error.retry_delay == datetime.timedelta(seconds=2.5)
    assert error.remote


# -- each kind: returns, raises, calls through -------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_unary_returns_raises_and_calls_through(k: Kit, flavour: str) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.revoke_token.returns(pb.RevokeTokenResponse(revoke_time={"seconds": 1}))
    fake.delete_api_key.raises(detailed(k, k.rt.NotFoundError))
    fake.get_api_key.calls_through(
        lambda request, context: pb.GetApiKeyResponse(
            api_key=pb.ApiKey(api_key_id=request.api_key_id.upper())
        )
    )
    returned, raised, through = exchange(
        k,
        flavour,
        fake,
        "AuthService",
        lambda c: c.revoke_token(pb.RevokeTokenRequest(token_id="t")),
        lambda c: c.delete_api_key(pb.DeleteApiKeyRequest(api_key_id="k")),
        lambda c: c.get_api_key(pb.GetApiKeyRequest(api_key_id="key-7")),
    )
    assert returned.error is None
    assert returned.value == pb.RevokeTokenResponse(revoke_time={"seconds": 1})
    assert_detailed(k, raised.error, k.rt.NotFoundError)
    assert through.value.api_key.api_key_id == "KEY-7"
    assert [len(m.calls) for m in (fake.revoke_token, fake.delete_api_key)] == [1, 1]
    assert fake.get_api_key.calls[0].request == pb.GetApiKeyRequest(api_key_id="key-7")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_result_oneof_returns_the_payload_and_errors_in_band_when_asked(
    k: Kit, flavour: str
) -> None:
    pb = k.auth_pb2
    validated = pb.ValidatedToken(principal=pb.Principal(principal_id="svc-1"))
    fake = k.auth_fakes.AuthServiceFake()
    fake.validate_token.returns(validated).raises(
        detailed(k, k.rt.UnauthenticatedError, in_band=True)
    ).raises(detailed(k, k.rt.PermissionDeniedError))
    call = lambda c: c.validate_token(
        pb.ValidateTokenRequest(token="tok")
    )  # noqa: E731
    ok, in_band, status = exchange(k, flavour, fake, "AuthService", call, call, call)
    assert ok.error is None and ok.value == validated
    assert_detailed(k, in_band.error, k.rt.UnauthenticatedError)
    assert in_band.error.in_band
    assert_detailed(k, status.error, k.rt.PermissionDeniedError)
    assert not status.error.in_band


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_server_stream_sends_then_fails_midway(k: Kit, flavour: str) -> None:
    pb = k.etl_pb2
    events = [
        pb.StreamRunEventsResponse(event=pb.RunEvent(sequence=n)) for n in (1, 2, 3)
    ]
    fake = k.etl_fakes.EtlServiceFake()
    fake.stream_run_events.streams(events).streams(
        events[:2], then=detailed(k, k.rt.UnavailableError)
    ).calls_through(
        lambda request, context: (
            pb.StreamRunEventsResponse(event=pb.RunEvent(sequence=n))
            for n in range(request.after_sequence + 1, request.after_sequence + 3)
        )
    )
    call = lambda c: c.stream_run_events(  # noqa: E731
        pb.StreamRunEventsRequest(run_id="r", after_sequence=10)
    )
    whole, midway, through = exchange(k, flavour, fake, "EtlService", call, call, call)
    assert whole.error is None and whole.items == events
    assert midway.items == events[:2]
    assert_detailed(k, midway.error, k.rt.UnavailableError)
    assert [r.event.sequence for r in through.items] == [11, 12]
    assert through.error is None
    assert len(fake.stream_run_events.calls) == 3


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_client_stream_reads_every_request(k: Kit, flavour: str) -> None:
    pb = k.bronze_pb2
    requests = [pb.IngestRecordsRequest(org_id=7, batch_id=f"b{n}") for n in range(3)]
    fake = k.bronze_fakes.BronzeServiceFake()
    fake.ingest_records.returns(pb.IngestRecordsResponse(accepted_count=99)).raises(
        detailed(k, k.rt.InvalidArgumentError)
    ).calls_through(
        lambda received, context: pb.IngestRecordsResponse(
            batch_id="+".join(r.batch_id for r in received),
            accepted_count=len(received),
        )
    )
    call = lambda c: c.ingest_records(iter(requests))  # noqa: E731
    returned, raised, through = exchange(
        k, flavour, fake, "BronzeService", call, call, call
    )
    assert returned.value == pb.IngestRecordsResponse(accepted_count=99)
    assert_detailed(k, raised.error, k.rt.InvalidArgumentError)
    assert through.value == pb.IngestRecordsResponse(
        batch_id="b0+b1+b2", accepted_count=3
    )
    assert [call.request for call in fake.ingest_records.calls] == [requests] * 3


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_bidi_stream_answers_as_requests_come_and_fails_midway(
    k: Kit, flavour: str
) -> None:
    pb = k.calc_pb2
    requests = [
        pb.EvaluateStreamRequest(org_id=1, input={"correlation_id": f"c{n}"})
        for n in range(4)
    ]
    answers = [pb.EvaluateStreamResponse(sequence=n) for n in (1, 2)]

    def echo(received: Iterator[Any], context: Any) -> Iterator[Any]:
        for n, request in enumerate(received, 1):
            yield pb.EvaluateStreamResponse(
                correlation_id=request.input.correlation_id, sequence=n
            )

    fake = k.calc_fakes.CalculationServiceFake()
    fake.evaluate_stream.streams(answers, then=detailed(k, k.rt.AbortedError))
    fake.evaluate_stream.calls_through(echo)
    call = lambda c: c.evaluate_stream(iter(requests))  # noqa: E731
    midway, through = exchange(k, flavour, fake, "CalculationService", call, call)
    assert midway.items == answers
    assert_detailed(k, midway.error, k.rt.AbortedError)
    assert [(r.correlation_id, r.sequence) for r in through.items] == [
        (f"c{n}", n + 1) for n in range(4)
    ]
    assert through.error is None
    # The recorded request of a bidirectional call: the requests read.
    assert [call.request for call in fake.evaluate_stream.calls] == [requests] * 2


# -- pagers ------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(("count", "page_size"), [(0, 7), (1, 7), (1000, 7), (1000, 3)])
def test_returns_items_is_served_page_by_page(
    k: Kit, flavour: str, count: int, page_size: int
) -> None:
    pb = k.auth_pb2
    keys = [pb.ApiKey(api_key_id=f"k{n}") for n in range(count)]
    fake = k.auth_fakes.AuthServiceFake()
    fake.list_api_keys.returns_items(keys)
    (listed,) = exchange(
        k,
        flavour,
        fake,
        "AuthService",
        lambda c: c.list_api_keys(pb.ListApiKeysRequest(org_id=1), page_size=page_size),
    )
    assert listed.error is None
    assert listed.items == keys
    calls = fake.list_api_keys.calls
    assert len(calls) == max(1, math.ceil(count / page_size))
    assert {call.request.pagination.page_size for call in calls} == {page_size}


def test_returns_items_pages_hold_the_default_size_and_the_total(k: Kit) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.list_api_keys.returns_items(
        [pb.ApiKey(api_key_id=f"k{n}") for n in range(5)], default_page_size=2
    )
    with k.testing.serving(fake) as channel:
        pager = k.auth.AuthServiceClient(channel).list_api_keys(pb.ListApiKeysRequest())
        pages = list(pager.pages)
    assert [len(page.api_keys) for page in pages] == [2, 2, 1]
    assert {page.pagination.total_size for page in pages} == {5}
    assert pages[-1].pagination.next_page_token == ""


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_pager_sees_the_items_before_a_failing_page(k: Kit, flavour: str) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.list_api_keys.returns(
        pb.ListApiKeysResponse(
            api_keys=[pb.ApiKey(api_key_id="a")], pagination={"next_page_token": "p2"}
        )
    ).raises(detailed(k, k.rt.FailedPreconditionError))
    (listed,) = exchange(
        k,
        flavour,
        fake,
        "AuthService",
        lambda c: c.list_api_keys(pb.ListApiKeysRequest()),
    )
    assert [key.api_key_id for key in listed.items] == ["a"]
    assert_detailed(k, listed.error, k.rt.FailedPreconditionError)
    assert [c.request.pagination.page_token for c in fake.list_api_keys.calls] == [
        "",
        "p2",
    ]


# -- queued outcomes and the retry policy ------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_idempotent_method_is_retried_past_a_queued_unavailable(
    k: Kit, flavour: str
) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.revoke_token.raises(k.testing.error(k.rt.UnavailableError, "warming up"))
    fake.revoke_token.returns(pb.RevokeTokenResponse(revoke_time={"seconds": 5}))
    (revoked,) = exchange(
        k,
        flavour,
        fake,
        "AuthService",
        lambda c: c.revoke_token(pb.RevokeTokenRequest(token_id="t")),
    )
    assert revoked.error is None
    assert revoked.value.revoke_time.seconds == 5
    assert len(fake.revoke_token.calls) == 2


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_non_idempotent_method_fails_on_a_queued_unavailable(
    k: Kit, flavour: str
) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.issue_token.raises(k.testing.error(k.rt.UnavailableError, "warming up"))
    fake.issue_token.returns(pb.IssueTokenResponse())
    issue = lambda c: c.issue_token(pb.IssueTokenRequest(org_id=1))  # noqa: E731
    first, second = exchange(k, flavour, fake, "AuthService", issue, issue)
    assert type(first.error) is k.rt.UnavailableError
    assert len(fake.issue_token.calls) == 2  # one each: no retry
    assert second.error is None and second.value == pb.IssueTokenResponse()


def test_outcomes_queue_in_order_and_the_last_one_stays(k: Kit) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.get_api_key.returns(
        *(pb.GetApiKeyResponse(api_key={"api_key_id": name}) for name in "abc")
    )
    get = lambda c: c.get_api_key(pb.GetApiKeyRequest())  # noqa: E731
    seen = exchange(k, "sync", fake, "AuthService", *[get] * 5)
    assert [s.value.api_key.api_key_id for s in seen] == ["a", "b", "c", "c", "c"]
    fake.get_api_key.reset()
    assert fake.get_api_key.calls == []
    (after_reset,) = exchange(k, "sync", fake, "AuthService", get)
    assert type(after_reset.error) is k.rt.UnimplementedError


# -- recorded calls ----------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_recorded_calls_carry_the_token_the_request_id_and_the_deadline(
    k: Kit, flavour: str
) -> None:
    pb = k.auth_pb2
    fake = k.auth_fakes.AuthServiceFake()
    fake.revoke_token.returns(pb.RevokeTokenResponse())
    exchange(
        k,
        flavour,
        fake,
        "AuthService",
        lambda c: c.revoke_token(
            pb.RevokeTokenRequest(token_id="t"),
            timeout=7,
            metadata=[("x-request-id", "req-42"), ("x-tenant", "acme")],
        ),
        lambda c: c.revoke_token(pb.RevokeTokenRequest(token_id="u"), timeout=None),
        token="tok-1",
    )
    first, second = fake.revoke_token.calls
    assert first.request == pb.RevokeTokenRequest(token_id="t")
    assert first.token == "tok-1"
    assert first.request_id == "req-42"
    assert ("x-tenant", "acme") in first.metadata
    assert first.time_remaining is not None and 5 < first.time_remaining < 7.1
    assert second.time_remaining is None
    assert second.request_id and second.request_id != "req-42"
    assert "req-42" in repr(first)


# -- unprogrammed methods ----------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_unprogrammed_method_says_how_to_program_it(k: Kit, flavour: str) -> None:
    auth, etl, bronze = k.auth_pb2, k.etl_pb2, k.bronze_pb2
    cases = [
        (
            k.auth_fakes.AuthServiceFake(),
            "AuthService",
            lambda c: c.get_api_key(auth.GetApiKeyRequest()),
            "AuthServiceFake.get_api_key is not programmed: call .returns(...), "
            ".raises(...) or .calls_through(...) on it first",
        ),
        (
            k.auth_fakes.AuthServiceFake(),
            "AuthService",
            lambda c: c.list_api_keys(auth.ListApiKeysRequest()),
            "AuthServiceFake.list_api_keys is not programmed: call "
            ".returns_items(...), .returns(...), .raises(...) or "
            ".calls_through(...) on it first",
        ),
        (
            k.etl_fakes.EtlServiceFake(),
            "EtlService",
            lambda c: c.stream_run_events(etl.StreamRunEventsRequest()),
            "EtlServiceFake.stream_run_events is not programmed: call .streams(...), "
            ".raises(...) or .calls_through(...) on it first",
        ),
        (
            k.bronze_fakes.BronzeServiceFake(),
            "BronzeService",
            lambda c: c.ingest_records(iter([bronze.IngestRecordsRequest()])),
            "BronzeServiceFake.ingest_records is not programmed: call .returns(...), "
            ".raises(...) or .calls_through(...) on it first",
        ),
    ]
    for fake, client_type, call, hint in cases:
        (seen,) = exchange(k, flavour, fake, client_type, call)
        assert type(seen.error) is k.rt.UnimplementedError
        assert seen.error.message == hint
