"""Whatever a server sends, the client's error is typed and keeps its code:
garbage status details (a proxy, a non-platform server), corrupt payloads,
absurd retry delays, unknown codes, in-band errors no timedelta can hold. A
raw grpc server, no generated servicer, sends them; sync and asyncio clients."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Iterator

import grpc
import pytest
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth_live import Modules
from servers import LoopThread, sync_server

CODES = [code for code in grpc.StatusCode if code is not grpc.StatusCode.OK]
SERVICE = "platform.auth.v1.AuthService"


class Faulty:
    """What the raw server answers next: a code, a message, the raw bytes of
    grpc-status-details-bin (or None), and for ValidateToken a response body."""

    def __init__(self) -> None:
        self.code = grpc.StatusCode.NOT_FOUND
        self.message = "gone"
        self.details: bytes | None = None
        self.body: bytes | None = None

    def answer(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        if self.body is not None:
            return self.body
        if self.details is not None:
            context.set_trailing_metadata((("grpc-status-details-bin", self.details),))
        context.abort(self.code, self.message)

    def stream(self, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        yield b""  # one (empty) response, then the failure midway
        self.answer(request, context)


@pytest.fixture(scope="module")
def raw(sdk_out: Path) -> Iterator[tuple[Modules, Faulty, str, LoopThread]]:
    """A raw grpc server standing in for AuthService and ConfigService."""
    faulty = Faulty()

    def register(server: grpc.Server) -> None:
        unary = grpc.unary_unary_rpc_method_handler(faulty.answer)
        streamed = grpc.unary_stream_rpc_method_handler(faulty.stream)
        server.add_generic_rpc_handlers(
            (
                grpc.method_handlers_generic_handler(
                    SERVICE, {"RevokeToken": unary, "ValidateToken": unary}
                ),
                grpc.method_handlers_generic_handler(
                    "platform.config.v1.ConfigService", {"WatchConfig": streamed}
                ),
            )
        )

    loop = LoopThread()
    with sync_server(register) as target:
        yield Modules(), faulty, target, loop
    loop.close()


def _failures(mods: Modules, target: str, loop: LoopThread, rpc: str) -> list[Any]:
    """The error of one call on a sync and on an asyncio client."""
    auth, config = mods.auth, mods.config
    caught: list[Any] = []
    if rpc == "stream":
        with config.ConfigServiceClient.connect(target, insecure=True) as client:
            stream = client.watch_config(mods.config_pb2.WatchConfigRequest())
            caught.append(_raised(lambda: list(stream)))

        async def async_stream() -> Any:
            async with config.ConfigServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                try:
                    async for _ in client.watch_config(
                        mods.config_pb2.WatchConfigRequest()
                    ):
                        pass
                except Exception as exc:
                    return exc
            return None

        caught.append(loop.run(async_stream()))
        return caught
    name = "validate_token" if rpc == "result" else "revoke_token"
    request = (
        mods.auth_pb2.ValidateTokenRequest()
        if rpc == "result"
        else mods.auth_pb2.RevokeTokenRequest()
    )
    with auth.AuthServiceClient.connect(target, insecure=True) as client:
        caught.append(_raised(lambda: getattr(client, name)(request)))

    async def async_call() -> Any:
        async with auth.AuthServiceAsyncClient.connect(target, insecure=True) as client:
            try:
                await getattr(client, name)(request)
            except Exception as exc:
                return exc
        return None

    caught.append(loop.run(async_call()))
    return caught


def _raised(call: Any) -> Any:
    try:
        call()
    except Exception as exc:
        return exc
    return None


def _status(code: grpc.StatusCode, message: str, *details: Any) -> bytes:
    status = status_pb2.Status(code=code.value[0], message=message)
    for detail in details:
        packed = status.details.add()
        if isinstance(detail, any_pb2.Any):
            packed.CopyFrom(detail)
        else:
            packed.Pack(detail)
    return status.SerializeToString()


@pytest.mark.parametrize("rpc", ["unary", "stream"])
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(code=st.sampled_from(CODES), garbage=st.binary(max_size=2048))
def test_random_bytes_as_status_details_still_give_the_typed_code(
    raw: tuple[Modules, Faulty, str, LoopThread],
    rpc: str,
    code: grpc.StatusCode,
    garbage: bytes,
) -> None:
    mods, faulty, target, loop = raw
    faulty.code, faulty.message, faulty.details, faulty.body = code, "m", garbage, None
    for error in _failures(mods, target, loop, rpc):
        assert isinstance(error, mods.rt.PlatformError), repr(error)
        assert error.code is code and error.message == "m"


def _corrupt(type_name: str, value: bytes) -> any_pb2.Any:
    return any_pb2.Any(type_url=f"type.googleapis.com/{type_name}", value=value)


FAULTS = {
    "corrupt ErrorInfo": lambda c: _status(
        c, "m", _corrupt("google.rpc.ErrorInfo", b"\xff\xff\xff")
    ),
    "corrupt BadRequest beside a good ErrorInfo": lambda c: _status(
        c,
        "m",
        _corrupt("google.rpc.BadRequest", b"\x0a\x05ab"),
        error_details_pb2.ErrorInfo(reason="KEPT"),
    ),
    "RetryInfo of 2**62 seconds": lambda c: _status(
        c,
        "m",
        error_details_pb2.RetryInfo(retry_delay={"seconds": 2**62}),
        error_details_pb2.ErrorInfo(reason="KEPT"),
    ),
    "corrupt platform Error": lambda c: _status(
        c, "m", _corrupt("platform.common.Error", b"\x08")
    ),
    "unknown detail type": lambda c: _status(
        c, "m", _corrupt("example.Unknown", b"\x01\x02")
    ),
    "status code disagreeing": lambda c: _status(grpc.StatusCode.OK, "other"),
    "a detail that is not a message": lambda c: b"\x1a\x03abc",
}


@pytest.mark.parametrize("rpc", ["unary", "stream"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_undecodable_details_are_dropped_or_kept_raw(
    raw: tuple[Modules, Faulty, str, LoopThread], rpc: str, fault: str
) -> None:
    mods, faulty, target, loop = raw
    code = grpc.StatusCode.FAILED_PRECONDITION
    faulty.code, faulty.message, faulty.body = code, "m", None
    faulty.details = FAULTS[fault](code)
    for error in _failures(mods, target, loop, rpc):
        assert type(error) is mods.rt.FailedPreconditionError, repr(error)
        assert error.remote and error.message == "m"
        if "KEPT" in fault or "beside" in fault or "2**62" in fault:
            assert error.reason == "KEPT"
        if fault == "RetryInfo of 2**62 seconds":
            assert error.retry_delay is None
        if fault.startswith("corrupt"):
            assert any(isinstance(d, any_pb2.Any) for d in error.details)


@pytest.mark.parametrize(
    "error_fields, expected_type, delay",
    [
        ({"code": 5, "retry_delay": {"seconds": 2**62}}, "NotFoundError", None),
        ({"code": 99, "message": "from the future"}, "UnknownError", None),
        ({"code": 0}, "UnknownError", None),
        (
            {"code": 14, "retry_delay": {"seconds": 3}},
            "UnavailableError",
            datetime.timedelta(seconds=3),
        ),
    ],
)
def test_in_band_errors_with_absurd_fields_keep_their_code(
    raw: tuple[Modules, Faulty, str, LoopThread],
    error_fields: dict[str, Any],
    expected_type: str,
    delay: Any,
) -> None:
    mods, faulty, target, loop = raw
    error = mods.errors_pb2.Error(**error_fields)
    faulty.body = mods.auth_pb2.ValidateTokenResponse(error=error).SerializeToString()
    try:
        for received in _failures(mods, target, loop, "result"):
            assert type(received).__name__ == expected_type, repr(received)
            assert received.remote and received.retry_delay == delay
    finally:
        faulty.body = None


def test_a_bare_rpc_error_is_unknown(
    raw: tuple[Modules, Faulty, str, LoopThread],
) -> None:
    mods = raw[0]
    error = mods.rt.from_rpc_error(grpc.RpcError("no call behind it"))
    assert type(error) is mods.rt.UnknownError and error.remote
    assert error.message == "no call behind it"
