"""The error model end to end, live on loopback: typed exceptions, rich status
details, result-oneof unwrapping, streams failing midway, and no leaks."""

from __future__ import annotations

import asyncio
import datetime
import importlib
import importlib.util
import json
import logging
import re
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, AsyncIterator, Iterator

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auth_live import Modules, call_failing
from servers import aio_server, sync_server
from support import protoc

CODES = [code for code in grpc.StatusCode if code is not grpc.StatusCode.OK]


def _fields(error: Any) -> tuple[Any, ...]:
    return (
        type(error).__name__,
        error.code,
        error.message,
        error.reason,
        error.domain,
        error.metadata,
        error.field_violations,
        error.retry_delay,
        error.request_id,
    )


# --- the exception classes ----------------------------------------------------------


def test_every_code_maps_to_its_class_and_back(m: Modules) -> None:
    names = set()
    for code in CODES:
        error = m.rt.PlatformError.from_code(code, "boom")
        expected = "".join(part.capitalize() for part in code.name.split("_")) + "Error"
        assert type(error).__name__ == expected
        assert isinstance(error, m.rt.PlatformError)
        assert type(error).code is code and error.code is code
        assert getattr(m.rt, expected) is type(error)
        names.add(expected)
    assert len(names) == 16
    with pytest.raises(ValueError, match="not an error code"):
        m.rt.PlatformError.from_code(grpc.StatusCode.OK, "fine")


def test_str_is_one_line_with_code_reason_and_message(m: Modules) -> None:
    error = m.rt.NotFoundError("pipeline p-1\nis gone", reason="PIPELINE_NOT_FOUND")
    assert str(error) == "NOT_FOUND (PIPELINE_NOT_FOUND): pipeline p-1 is gone"
    assert str(m.rt.InternalError("x")) == "INTERNAL: x"


def test_constructor_takes_the_documented_keywords(m: Modules) -> None:
    error = m.rt.InvalidArgumentError(
        "bad request",
        reason="FIELD_INVALID",
        domain="etl.platform",
        metadata={"k": "v"},
        field_violations=[("pipeline.name", "must not be empty")],
        retry_delay=datetime.timedelta(seconds=1.5),
    )
    assert error.field_violations == [("pipeline.name", "must not be empty")]
    assert error.retry_delay == datetime.timedelta(seconds=1.5)
    assert error.details == [] and error.remote is False
    # .error is the same error as a platform.common.Error message
    assert error.error.reason == "FIELD_INVALID"
    assert error.error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert error.error.retry_delay.ToTimedelta() == datetime.timedelta(seconds=1.5)


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
some_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
)
errors = st.builds(
    lambda code, message, reason, domain, metadata, violations, delay, request_id: (
        code,
        message,
        dict(
            reason=reason,
            domain=domain,
            metadata=metadata,
            field_violations=violations,
            retry_delay=delay,
            request_id=request_id,
        ),
    ),
    st.sampled_from(CODES),
    text,
    st.none() | st.from_regex(r"[A-Z][A-Z0-9_]{0,30}", fullmatch=True),
    st.none() | some_text,
    st.dictionaries(some_text, text, max_size=3),
    st.lists(st.tuples(text, text), max_size=3),
    st.none()
    | st.timedeltas(
        min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=2)
    ),
    st.none() | some_text,
)


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("path", ["status", "result"])
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=errors)
def test_errors_round_trip_losslessly(
    m: Modules, live: dict[str, Any], flavour: str, path: str, spec: Any
) -> None:
    code, message, fields = spec
    in_band = path == "result"
    raised = m.rt.PlatformError.from_code(code, message, in_band=in_band, **fields)
    live["raiser"].error = raised
    received = call_failing(live, m, flavour, path)
    assert _fields(received)[:-1] == _fields(raised)[:-1]
    # The request ID is the servicer's, else the one of the call being served.
    assert received.request_id == (fields["request_id"] or received.request_id)
    assert re.fullmatch(r"[0-9a-f]{32}", received.request_id) or fields["request_id"]
    assert raised.request_id == fields["request_id"]  # the raised error is untouched
    assert received.in_band is in_band and received.remote
    assert received.error is not None
    assert received.error.reason == (fields["reason"] or "")
    assert received.error.code == code.value[0]
    if path == "status":
        # Each piece travels once, in the standard detail that holds it.
        kinds = [type(d).__name__ for d in received.details]
        assert len(kinds) == len(set(kinds)) and "Error" not in kinds
        assert "RequestInfo" in kinds
        assert ("ErrorInfo" in kinds) == bool(
            fields["reason"] or fields["domain"] or fields["metadata"]
        )
        assert ("BadRequest" in kinds) == bool(fields["field_violations"])
        assert ("RetryInfo" in kinds) == (fields["retry_delay"] is not None)


def test_a_standard_client_reads_the_status_and_error_info(
    m: Modules, live: dict[str, Any], tmp_path: Path
) -> None:
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    stubs = _standard_stubs(tmp_path)
    live["raiser"].error = m.rt.PermissionDeniedError(
        "no",
        reason="SCOPE_MISSING",
        domain="auth.platform",
        metadata={"scope": "etl.write"},
    )
    with grpc.insecure_channel(live["target"]) as channel:
        with pytest.raises(grpc.RpcError) as info:
            stubs.AuthServiceStub(channel).RevokeToken(m.auth_pb2.RevokeTokenRequest())
    call: Any = info.value
    assert call.code() is grpc.StatusCode.PERMISSION_DENIED
    status = rpc_status.from_call(call)
    infos = [d for d in status.details if d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)]
    decoded = error_details_pb2.ErrorInfo()
    infos[0].Unpack(decoded)
    assert (decoded.reason, decoded.domain, dict(decoded.metadata)) == (
        "SCOPE_MISSING",
        "auth.platform",
        {"scope": "etl.write"},
    )


def _standard_stubs(tmp_path: Path) -> ModuleType:
    out = tmp_path / "std"
    protoc(out, ["auth/v1/auth.proto"], outputs=("grpc_python",))
    spec = importlib.util.spec_from_file_location(
        "auth_pb2_grpc", out / "auth/v1/auth_pb2_grpc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_response_with_neither_branch_is_an_internal_error(
    m: Modules, tmp_path: Path
) -> None:
    stubs = _standard_stubs(tmp_path)

    class Empty(stubs.AuthServiceServicer):  # type: ignore[misc,name-defined]
        def ValidateToken(self, request: Any, context: Any) -> Any:
            return m.auth_pb2.ValidateTokenResponse()

    with sync_server(
        lambda s: stubs.add_AuthServiceServicer_to_server(Empty(), s)
    ) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(m.rt.InternalError) as info:
                client.validate_token(m.auth_pb2.ValidateTokenRequest())
    assert "neither branch of oneof result" in info.value.message
    assert "platform.auth.v1.ValidateTokenResponse" in info.value.message


# --- streams and unexpected exceptions ----------------------------------------------


def _config_servicers(m: Modules, failure: Exception) -> tuple[Any, Any]:
    def event(revision: int) -> Any:
        return m.config_pb2.WatchConfigResponse(
            event=m.config_pb2.ConfigChangeEvent(revision=revision)
        )

    class SyncConfig(m.config.ConfigServiceServicer):  # type: ignore[misc,name-defined]
        def watch_config(self, request: Any, context: Any) -> Iterator[Any]:
            yield event(1)
            yield event(2)
            raise failure

        def get_config(self, request: Any, context: Any) -> Any:
            raise failure

    class AsyncConfig(m.config.ConfigServiceAsyncServicer):  # type: ignore[misc,name-defined]
        async def watch_config(self, request: Any, context: Any) -> AsyncIterator[Any]:
            yield event(1)
            yield event(2)
            raise failure

        async def get_config(self, request: Any, context: Any) -> Any:
            raise failure

    return SyncConfig(), AsyncConfig()


def test_an_error_midway_through_a_stream_arrives_typed_after_the_items(
    m: Modules,
) -> None:
    failure = m.rt.NotFoundError("namespace vanished", reason="NAMESPACE_NOT_FOUND")
    sync_servicer, async_servicer = _config_servicers(m, failure)
    received: list[int] = []
    with sync_server(
        lambda s: m.config.add_ConfigServiceServicer_to_server(sync_servicer, s)
    ) as target:
        with m.config.ConfigServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(m.rt.NotFoundError) as info:
                for response in client.watch_config(m.config_pb2.WatchConfigRequest()):
                    received.append(response.event.revision)
    assert received == [1, 2]
    assert info.value.reason == "NAMESPACE_NOT_FOUND"

    async def scenario() -> tuple[list[int], Any]:
        seen: list[int] = []
        register = lambda s: m.config.add_ConfigServiceServicer_to_server(
            async_servicer, s
        )  # noqa: E731
        async with aio_server(register) as target:
            async with m.config.ConfigServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                try:
                    async for response in client.watch_config(
                        m.config_pb2.WatchConfigRequest()
                    ):
                        seen.append(response.event.revision)
                except m.rt.PlatformError as error:
                    return seen, error
        raise AssertionError("the stream did not fail")

    seen, error = asyncio.run(scenario())
    assert seen == [1, 2]
    assert (
        type(error).__name__ == "NotFoundError"
        and error.reason == "NAMESPACE_NOT_FOUND"
    )


def test_an_unexpected_exception_leaks_nothing(
    m: Modules, caplog: pytest.LogCaptureFixture
) -> None:
    failure = ValueError("password=hunter2 at db.internal:5432")
    sync_servicer, async_servicer = _config_servicers(m, failure)
    caplog.set_level(logging.ERROR)
    failures: list[Any] = []
    with sync_server(
        lambda s: m.config.add_ConfigServiceServicer_to_server(sync_servicer, s)
    ) as target:
        with m.config.ConfigServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(m.rt.InternalError) as unary:
                client.get_config(m.config_pb2.GetConfigRequest())
            failures.append(unary.value)
            with pytest.raises(m.rt.InternalError) as streamed:
                list(client.watch_config(m.config_pb2.WatchConfigRequest()))
            failures.append(streamed.value)

    async def scenario() -> Any:
        register = lambda s: m.config.add_ConfigServiceServicer_to_server(
            async_servicer, s
        )  # noqa: E731
        async with aio_server(register) as target:
            async with m.config.ConfigServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                try:
                    await client.get_config(m.config_pb2.GetConfigRequest())
                except m.rt.InternalError as error:
                    return error
        raise AssertionError("the call did not fail")

    failures.append(asyncio.run(scenario()))
    for error in failures:
        assert error.message == "internal error"
        assert "hunter2" not in repr(vars(error)) and "ValueError" not in str(error)
        assert [type(d).__name__ for d in error.details] == ["RequestInfo"]
    logged = [r for r in caplog.records if "unexpected exception" in r.getMessage()]
    assert len(logged) == 3
    assert all(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in logged)


def test_contracts_without_the_error_type_still_get_typed_exceptions(
    corpus_out: Path,
) -> None:
    """A third party's contracts (no platform.common.Error) in a clean process."""
    script = """
import datetime, json
from concurrent import futures
import grpc
import platform_runtime as rt
from demo.echo.v1 import echo_pb2, echo_platform

class Echo(echo_platform.EchoServiceServicer):
    def echo(self, request, context):
        raise rt.ResourceExhaustedError(
            "slow down", reason="QUOTA", field_violations=[("text", "too long")],
            retry_delay=datetime.timedelta(seconds=2))

server = grpc.server(futures.ThreadPoolExecutor(2), options=[("grpc.so_reuseport", 0)])
echo_platform.add_EchoServiceServicer_to_server(Echo(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
try:
    with echo_platform.EchoServiceClient.connect(f"127.0.0.1:{port}", insecure=True) as client:
        client.echo(echo_pb2.EchoRequest())
except rt.PlatformError as e:
    print(json.dumps([type(e).__name__, e.reason, e.field_violations,
                      e.retry_delay.total_seconds(), e.error is None]))
finally:
    server.stop(None)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(corpus_out)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "ResourceExhaustedError",
        "QUOTA",
        [["text", "too long"]],
        2.0,
        True,
    ]


def test_error_as_gives_the_contracts_error_message_typed(m: Modules) -> None:
    error = m.rt.NotFoundError(
        "no such token", reason="TOKEN_NOT_FOUND", field_violations=[("id", "bad")]
    )
    typed = error.error_as(m.errors_pb2.Error)
    assert type(typed) is m.errors_pb2.Error
    assert (typed.reason, typed.message) == ("TOKEN_NOT_FOUND", "no such token")
    assert typed.code == grpc.StatusCode.NOT_FOUND.value[0]
    assert [v.field for v in typed.field_violations] == ["id"]
    assert error.error == typed
    assert m.rt.PlatformError("x").details == []
    with pytest.raises(TypeError, match="platform.common.Error message class"):
        error.error_as(m.auth_pb2.ValidatedToken)
