"""The call being served, live on loopback: request IDs (honoured, minted,
echoed, in errors and logs, sent on across two hops), deadlines carried into
the calls a servicer makes, in-band errors only when marked, trailers kept
beside error details, quiet cancellation, and the public abort helpers."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from typing import Any, Iterator

import grpc
import pytest

from auth_live import Modules
from servers import LoopThread, aio_server, sync_server

HEX32 = re.compile(r"[0-9a-f]{32}")


class Seen:
    """What the servicers saw, per call."""

    def __init__(self) -> None:
        self.request_ids: list[str | None] = []
        self.headers: list[list[str]] = []
        self.remaining: list[float | None] = []
        self.inner: list[Any] = []
        self.done = threading.Event()


def _fail_validation(m: Modules, request: Any, context: Any) -> None:
    """How the test's ValidateToken fails, by the token it is given."""
    if request.token == "in-band":
        raise m.rt.UnauthenticatedError("expired", reason="TOKEN_EXPIRED", in_band=True)
    if request.token == "trailers":
        context.set_trailing_metadata((("x-trace", "kept"),))
        raise m.rt.PermissionDeniedError("no", reason="SCOPE")
    raise m.rt.UnavailableError("warming up")


def _auth(m: Modules, seen: Seen) -> Any:
    class Auth(m.auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
        attempts = 0

        def revoke_token(self, request: Any, context: Any) -> Any:
            seen.request_ids.append(m.rt.current_request_id())
            seen.headers.append(
                [v for k, v in context.invocation_metadata() if k == "x-request-id"]
            )
            seen.remaining.append(context.time_remaining())
            if request.token_id == "fail":
                raise m.rt.NotFoundError("no such token")
            return m.auth_pb2.RevokeTokenResponse()

        def validate_token(self, request: Any, context: Any) -> Any:
            type(self).attempts += 1
            _fail_validation(m, request, context)

    return Auth()


def _etl(m: Modules, auth_target: str, seen: Seen) -> Any:
    class Etl(m.etl.EtlServiceServicer):  # type: ignore[misc,name-defined]
        def get_pipeline(self, request: Any, context: Any) -> Any:
            seen.request_ids.append(m.rt.current_request_id())
            seen.remaining.append(m.rt.time_remaining())
            revoke = m.auth_pb2.RevokeTokenRequest(token_id=request.pipeline_id)
            with m.auth.AuthServiceClient.connect(auth_target, insecure=True) as auth:
                if request.pipeline_id == "late":
                    time.sleep(0.7)  # past the caller's deadline
                    try:
                        auth.revoke_token(revoke)
                    except Exception as exc:
                        seen.inner.append(exc)
                    seen.done.set()
                else:
                    try:
                        auth.revoke_token(revoke)
                    except m.rt.NotFoundError as error:
                        raise m.rt.FailedPreconditionError("token gone") from error
            return m.etl_pb2.GetPipelineResponse()

    return Etl()


@pytest.fixture
def hops(m: Modules) -> Iterator[tuple[str, Seen]]:
    """Client -> ETL -> Auth, all sync servers."""
    seen = Seen()
    with sync_server(
        lambda s: m.auth.add_AuthServiceServicer_to_server(_auth(m, seen), s)
    ) as auth_target:
        with sync_server(
            lambda s: m.etl.add_EtlServiceServicer_to_server(
                _etl(m, auth_target, seen), s
            )
        ) as target:
            yield target, seen


def _get(m: Modules, target: str, pipeline_id: str = "p", **call: Any) -> Any:
    """Call GetPipeline raw: its headers, its trailers, and the call (or its
    error)."""
    with grpc.insecure_channel(target) as channel:
        raw = channel.unary_unary(
            "/platform.etl.v1.EtlService/GetPipeline",
            request_serializer=m.etl_pb2.GetPipelineRequest.SerializeToString,
            response_deserializer=m.etl_pb2.GetPipelineResponse.FromString,
        )
        request = m.etl_pb2.GetPipelineRequest(pipeline_id=pipeline_id)
        try:
            _, outcome = raw.with_call(request, **call)
        except grpc.RpcError as error:
            outcome = error
        return (
            dict(outcome.initial_metadata()),
            dict(outcome.trailing_metadata()),
            outcome,
        )


def test_a_minted_request_id_is_echoed_and_sent_on_to_the_next_hop(
    m: Modules, hops: tuple[str, Seen]
) -> None:
    target, seen = hops
    headers, trailers, _ = _get(m, target)
    etl_id, auth_id = seen.request_ids
    assert HEX32.fullmatch(etl_id or "") and auth_id == etl_id
    assert headers["x-request-id"] == etl_id
    assert seen.headers == [[etl_id]] and "x-request-id" not in trailers
    headers, _, _ = _get(m, target)
    assert headers["x-request-id"] not in (etl_id, None)  # a new one per call


def test_the_callers_request_id_is_honoured_and_carried_by_errors(
    m: Modules, hops: tuple[str, Seen]
) -> None:
    target, seen = hops
    headers, trailers, error = _get(
        m, target, "fail", metadata=(("x-request-id", "req-42"),)
    )
    # A failure before any headers: the trailers carry it (headers would have
    # committed the call, and grpc never retries a committed call).
    assert trailers["x-request-id"] == "req-42" and "x-request-id" not in headers
    assert seen.request_ids == ["req-42", "req-42"]
    assert error.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert m.rt.from_rpc_error(error).request_id == "req-42"
    bad = "x" * 200  # not a usable ID: a new one is minted
    headers, _, _ = _get(m, target, metadata=(("x-request-id", bad),))
    assert HEX32.fullmatch(headers["x-request-id"])


def test_the_deadline_is_carried_into_the_calls_a_servicer_makes(
    m: Modules, hops: tuple[str, Seen]
) -> None:
    target, seen = hops
    _get(m, target, timeout=5.0)
    outer, inner = seen.remaining
    assert outer is not None and inner is not None
    assert outer <= 5.1 and inner <= outer + 0.05  # about 5 s, not the default 30
    seen.remaining.clear()
    _get(m, target)  # no deadline: None, not grpc's "in 292 billion years"
    outer, inner = seen.remaining
    assert outer is None
    assert inner is not None and 25 < inner <= 30.1  # the client's default
    seen.remaining.clear()
    _, _, error = _get(m, target, "late", timeout=0.5)
    assert error.code() is grpc.StatusCode.DEADLINE_EXCEEDED
    assert seen.done.wait(10)
    (inner_error,) = seen.inner
    assert type(inner_error) is m.rt.DeadlineExceededError


def test_request_ids_reach_log_records_and_internal_errors(
    m: Modules, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("test.served")

    class Config(m.config.ConfigServiceServicer):  # type: ignore[misc,name-defined]
        def get_config(self, request: Any, context: Any) -> Any:
            logger.warning("serving")
            raise ValueError("a bug")

    handler = logging.StreamHandler()
    handler.addFilter(m.rt.RequestIdFilter())
    records: list[logging.LogRecord] = []
    handler.emit = records.append  # type: ignore[method-assign]
    for name in ("test.served", "platform_runtime.server"):
        logging.getLogger(name).addHandler(handler)
    try:
        with sync_server(
            lambda s: m.config.add_ConfigServiceServicer_to_server(Config(), s)
        ) as target:
            with m.config.ConfigServiceClient.connect(target, insecure=True) as client:
                with pytest.raises(m.rt.InternalError) as info:
                    client.get_config(m.config_pb2.GetConfigRequest())
    finally:
        for name in ("test.served", "platform_runtime.server"):
            logging.getLogger(name).removeHandler(handler)
    request_id = info.value.request_id
    assert HEX32.fullmatch(request_id or "")
    assert [r.request_id for r in records] == [request_id] * 2  # type: ignore[attr-defined]
    assert request_id in records[1].getMessage()
    plain = logging.LogRecord("x", logging.INFO, "f", 1, "outside", None, None)
    m.rt.RequestIdFilter().filter(plain)
    assert plain.request_id == "-"  # type: ignore[attr-defined]


def test_a_servicers_own_headers_keep_the_request_id(m: Modules) -> None:
    class Config(m.config.ConfigServiceServicer):  # type: ignore[misc,name-defined]
        def get_config(self, request: Any, context: Any) -> Any:
            context.send_initial_metadata((("x-own", "1"),))
            return m.config_pb2.GetConfigResponse()

    with sync_server(
        lambda s: m.config.add_ConfigServiceServicer_to_server(Config(), s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            call = channel.unary_unary("/platform.config.v1.ConfigService/GetConfig")
            _, outcome = call.with_call(b"")
    headers = dict(outcome.initial_metadata())
    assert headers["x-own"] == "1" and HEX32.fullmatch(headers["x-request-id"])


# --- result oneofs: in-band only when marked ------------------------------------


@pytest.fixture
def auth_servers(m: Modules) -> Iterator[tuple[str, str, Any, Any]]:
    """A sync and an asyncio Auth server, and their servicers."""
    sync_servicer = _auth(m, Seen())

    class AsyncAuth(m.auth.AuthServiceAsyncServicer):  # type: ignore[misc,name-defined]
        attempts = 0

        async def validate_token(self, request: Any, context: Any) -> Any:
            type(self).attempts += 1
            _fail_validation(m, request, context)

    async_servicer = AsyncAuth()
    loop = LoopThread()
    context = aio_server(
        lambda s: m.auth.add_AuthServiceServicer_to_server(async_servicer, s)
    )
    aio_target = loop.run(context.__aenter__())
    try:
        with sync_server(
            lambda s: m.auth.add_AuthServiceServicer_to_server(sync_servicer, s)
        ) as target:
            yield target, aio_target, sync_servicer, async_servicer
    finally:
        loop.run(context.__aexit__(None, None, None))
        loop.close()


@pytest.mark.parametrize("server", ["sync", "async"])
def test_result_oneof_errors_are_statuses_unless_marked_in_band(
    m: Modules, auth_servers: tuple[str, str, Any, Any], server: str
) -> None:
    sync_target, aio_target, sync_servicer, async_servicer = auth_servers
    target = sync_target if server == "sync" else aio_target
    servicer = sync_servicer if server == "sync" else async_servicer
    with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
        with pytest.raises(m.rt.UnauthenticatedError) as in_band:
            client.validate_token(m.auth_pb2.ValidateTokenRequest(token="in-band"))
        assert in_band.value.in_band and in_band.value.reason == "TOKEN_EXPIRED"
        type(servicer).attempts = 0
        with pytest.raises(m.rt.UnavailableError) as status:
            client.validate_token(m.auth_pb2.ValidateTokenRequest(token="x"))
        assert not status.value.in_band
        # ValidateToken is NO_SIDE_EFFECTS: grpc's policy retried the status.
        assert type(servicer).attempts == 4
        with pytest.raises(m.rt.PermissionDeniedError) as kept:
            client.validate_token(m.auth_pb2.ValidateTokenRequest(token="trailers"))
    trailers = dict(kept.value.__cause__.trailing_metadata())
    assert trailers["x-trace"] == "kept" and kept.value.reason == "SCOPE"


# --- quiet cancellation, and the public helpers ---------------------------------


def test_a_sync_streaming_servicer_whose_client_cancels_logs_nothing(
    m: Modules, caplog: pytest.LogCaptureFixture
) -> None:
    started = threading.Event()
    ended = threading.Event()

    class Bronze(m.bronze.BronzeServiceServicer):  # type: ignore[misc,name-defined]
        def ingest_records(self, request_iterator: Any, context: Any) -> Any:
            try:
                for _ in request_iterator:
                    started.set()
            finally:
                ended.set()
            return m.bronze_pb2.IngestRecordsResponse()

    caplog.set_level(logging.DEBUG)
    gate = threading.Event()

    def requests() -> Iterator[Any]:
        yield m.bronze_pb2.IngestRecordsRequest()
        gate.wait(10)

    with sync_server(
        lambda s: m.bronze.add_BronzeServiceServicer_to_server(Bronze(), s)
    ) as target:
        with grpc.insecure_channel(target) as channel:
            ingest = channel.stream_unary(
                "/platform.data.v1.BronzeService/IngestRecords",
                request_serializer=m.bronze_pb2.IngestRecordsRequest.SerializeToString,
            )
            future = ingest.future(requests(), timeout=30)
            assert started.wait(5)
            future.cancel()
            gate.set()
            assert ended.wait(5)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def test_hand_written_handlers_abort_with_the_public_helpers(m: Modules) -> None:
    error = m.rt.NotFoundError("gone", reason="GONE", metadata={"id": "7"})
    assert m.rt.to_status(error).code is grpc.StatusCode.NOT_FOUND

    def sync_behaviour(request: bytes, context: grpc.ServicerContext) -> bytes:
        context.set_trailing_metadata((("x-own", "1"),))
        m.rt.abort(context, error)

    async def async_behaviour(request: bytes, context: Any) -> bytes:
        await m.rt.abort_async(context, error)

    def handlers(behaviour: Any) -> Any:
        return grpc.method_handlers_generic_handler(
            "platform.auth.v1.AuthService",
            {"RevokeToken": grpc.unary_unary_rpc_method_handler(behaviour)},
        )

    caught = []
    with sync_server(
        lambda s: s.add_generic_rpc_handlers((handlers(sync_behaviour),))
    ) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(m.rt.NotFoundError) as info:
                client.revoke_token(m.auth_pb2.RevokeTokenRequest())
            caught.append(info.value)
    assert dict(caught[0].__cause__.trailing_metadata())["x-own"] == "1"

    async def scenario() -> Any:
        async with aio_server(
            lambda s: s.add_generic_rpc_handlers((handlers(async_behaviour),))
        ) as target:
            async with m.auth.AuthServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                try:
                    await client.revoke_token(m.auth_pb2.RevokeTokenRequest())
                except m.rt.NotFoundError as exc:
                    return exc
        return None

    caught.append(asyncio.run(scenario()))
    for received in caught:
        assert (received.reason, received.metadata) == ("GONE", {"id": "7"})


def test_a_hand_written_stream_ends_with_the_public_helper(m: Modules) -> None:
    error = m.rt.UnavailableError("reset", reason="RESET", metadata={"at": "2"})
    events = [
        m.etl_pb2.StreamRunEventsResponse(event=m.etl_pb2.RunEvent(sequence=n))
        for n in (1, 2)
    ]

    def behaviour(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        context.set_trailing_metadata((("x-own", "1"),))
        for event in events:
            yield event.SerializeToString()
        m.rt.end_stream(context, error)

    def register(server: Any) -> None:
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    "platform.etl.v1.EtlService",
                    {
                        "StreamRunEvents": grpc.unary_stream_rpc_method_handler(
                            behaviour
                        )
                    },
                ),
            )
        )

    request = m.etl_pb2.StreamRunEventsRequest(run_id="r")
    with sync_server(register) as target:
        with m.etl.EtlServiceClient.connect(target, insecure=True) as client:
            received = []
            with pytest.raises(m.rt.UnavailableError) as info:
                for response in client.stream_run_events(request):
                    received.append(response)
    assert received == events
    assert (info.value.reason, info.value.metadata) == ("RESET", {"at": "2"})
    assert dict(info.value.__cause__.trailing_metadata())["x-own"] == "1"

    async def scenario() -> tuple[list[Any], Any]:
        # A synchronous handler on an asyncio server runs in grpc's threads.
        async with aio_server(register, migration_threads=2) as target:
            async with m.etl.EtlServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                seen = []
                try:
                    async for response in client.stream_run_events(request):
                        seen.append(response)
                except m.rt.UnavailableError as exc:
                    return seen, exc
        return seen, None

    seen, caught = asyncio.run(scenario())
    assert seen == events
    assert caught is not None and caught.reason == "RESET"
