"""A servicer that calls another service, live on loopback: a downstream error
it lets escape is never forwarded verbatim (AIP-193); ``forward()`` sends one on
deliberately. Client -> EtlService (sync or asyncio) -> AuthService."""

from __future__ import annotations

import logging
from typing import Any, Iterator

import grpc
import pytest

from auth_live import Modules
from servers import LoopThread, aio_server, sync_server

DOWN = "127.0.0.1:1"  # nothing listens there: connections are refused
LEAKS = ("svc-a@prod", "TOKEN_EXPIRED", "127.0.0.1:1", "Connection refused")


@pytest.fixture(scope="module")
def mods(m: Modules) -> Modules:
    return m


def _expired(mods: Modules) -> Any:
    return mods.rt.UnauthenticatedError(
        "token of svc-a@prod expired",
        reason="TOKEN_EXPIRED",
        domain="auth.platform",
        metadata={"principal": "svc-a@prod"},
    )


def _auth_servicer(mods: Modules) -> Any:
    class Auth(mods.auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
        def revoke_token(self, request: Any, context: Any) -> Any:
            raise _expired(mods)  # a status error

        def validate_token(self, request: Any, context: Any) -> Any:
            raise _expired(mods)  # an in-band error (result oneof)

    return Auth()


def _etl_servicers(mods: Modules, auth_target: str) -> tuple[Any, Any]:
    """ETL servicers whose methods call Auth and let its failures escape,
    except update_pipeline, which forwards deliberately."""
    revoke = mods.auth_pb2.RevokeTokenRequest()
    validate = mods.auth_pb2.ValidateTokenRequest()

    class SyncEtl(mods.etl.EtlServiceServicer):  # type: ignore[misc,name-defined]
        calls = 0

        def get_pipeline(self, request: Any, context: Any) -> Any:
            with mods.auth.AuthServiceClient.connect(auth_target, insecure=True) as a:
                a.revoke_token(revoke)
            return mods.etl_pb2.GetPipelineResponse()

        def trigger_run(self, request: Any, context: Any) -> Any:
            with mods.auth.AuthServiceClient.connect(auth_target, insecure=True) as a:
                a.validate_token(validate)
            return mods.etl_pb2.Run()

        def delete_pipeline(self, request: Any, context: Any) -> Any:
            type(self).calls += 1
            with mods.auth.AuthServiceClient.connect(DOWN, insecure=True) as a:
                a.revoke_token(revoke, timeout=5)
            return mods.etl_pb2.DeletePipelineResponse()

        def update_pipeline(self, request: Any, context: Any) -> Any:
            with mods.auth.AuthServiceClient.connect(auth_target, insecure=True) as a:
                try:
                    a.revoke_token(revoke)
                except mods.rt.UnauthenticatedError as error:
                    raise error.forward()
            return mods.etl_pb2.UpdatePipelineResponse()

    class AsyncEtl(mods.etl.EtlServiceAsyncServicer):  # type: ignore[misc,name-defined]
        calls = 0

        def __init__(self) -> None:
            self.auth = mods.auth.AuthServiceAsyncClient.connect(
                auth_target, insecure=True
            )
            self.down = mods.auth.AuthServiceAsyncClient.connect(DOWN, insecure=True)

        async def get_pipeline(self, request: Any, context: Any) -> Any:
            await self.auth.revoke_token(revoke)
            return mods.etl_pb2.GetPipelineResponse()

        async def trigger_run(self, request: Any, context: Any) -> Any:
            await self.auth.validate_token(validate)
            return mods.etl_pb2.Run()

        async def delete_pipeline(self, request: Any, context: Any) -> Any:
            type(self).calls += 1
            await self.down.revoke_token(revoke, timeout=5)
            return mods.etl_pb2.DeletePipelineResponse()

        async def update_pipeline(self, request: Any, context: Any) -> Any:
            try:
                await self.auth.revoke_token(revoke)
            except mods.rt.UnauthenticatedError as error:
                raise error.forward()
            return mods.etl_pb2.UpdatePipelineResponse()

    return SyncEtl(), AsyncEtl()


@pytest.fixture(scope="module", params=["sync", "async"])
def etl_target(
    mods: Modules, request: pytest.FixtureRequest
) -> Iterator[tuple[str, Any]]:
    """An ETL server of the given flavour, in front of a live Auth server."""
    with sync_server(
        lambda s: mods.auth.add_AuthServiceServicer_to_server(_auth_servicer(mods), s)
    ) as auth_target:
        if request.param == "sync":
            servicer = _etl_servicers(mods, auth_target)[0]
            with sync_server(
                lambda s: mods.etl.add_EtlServiceServicer_to_server(servicer, s)
            ) as target:
                yield target, servicer
            return
        loop = LoopThread()

        async def make() -> Any:
            return _etl_servicers(mods, auth_target)[1]

        servicer = loop.run(make())
        context = aio_server(
            lambda s: mods.etl.add_EtlServiceServicer_to_server(servicer, s)
        )
        try:
            yield loop.run(context.__aenter__()), servicer
        finally:
            loop.run(servicer.auth.close())
            loop.run(servicer.down.close())
            loop.run(context.__aexit__(None, None, None))
            loop.close()


def _outer_failure(mods: Modules, target: str, method: str, request: Any) -> Any:
    with mods.etl.EtlServiceClient.connect(target, insecure=True) as client:
        with pytest.raises(mods.rt.PlatformError) as info:
            getattr(client, method)(request)
    return info.value


def _assert_nothing_of_it(mods: Modules, error: Any) -> None:
    assert type(error) is mods.rt.UnknownError
    assert error.message == "a dependency of this service failed"
    assert (error.reason, error.domain, error.metadata) == (None, None, {})
    assert [type(d).__name__ for d in error.details] == ["RequestInfo"]
    text = repr(vars(error)) + str(error)
    assert not [leak for leak in LEAKS if leak in text]


@pytest.mark.parametrize(
    "method, request_type",
    [
        ("get_pipeline", "GetPipelineRequest"),  # downstream status error
        ("trigger_run", "TriggerRunRequest"),  # downstream in-band error
    ],
)
def test_a_downstream_error_left_uncaught_is_not_forwarded(
    mods: Modules,
    etl_target: tuple[str, Any],
    method: str,
    request_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="platform_runtime.server")
    request = getattr(mods.etl_pb2, request_type)()
    error = _outer_failure(mods, etl_target[0], method, request)
    _assert_nothing_of_it(mods, error)
    # trigger_run has a result oneof: the failure is a status, not in-band.
    assert error.error.code == grpc.StatusCode.UNKNOWN.value[0]
    logged = [r for r in caplog.records if r.name == "platform_runtime.server"]
    assert len(logged) == 1
    text = logged[0].getMessage()
    assert "remote error" in text and "forward()" in text
    assert "TOKEN_EXPIRED" in text and "svc-a@prod" in text
    assert logged[0].exc_info is not None


def test_an_unreachable_dependency_is_neither_leaked_nor_retried(
    mods: Modules, etl_target: tuple[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """DeletePipeline is IDEMPOTENT, so its client retries UNAVAILABLE: passing
    the dependency's UNAVAILABLE on would multiply the calls at every hop."""
    caplog.set_level(logging.ERROR, logger="platform_runtime.server")
    target, servicer = etl_target
    type(servicer).calls = 0
    error = _outer_failure(
        mods, target, "delete_pipeline", mods.etl_pb2.DeletePipelineRequest()
    )
    _assert_nothing_of_it(mods, error)
    assert type(servicer).calls == 1
    (record,) = [r for r in caplog.records if r.name == "platform_runtime.server"]
    assert "UNAVAILABLE" in record.getMessage() and DOWN in record.getMessage()


def test_forward_sends_a_downstream_error_on_deliberately(
    mods: Modules, etl_target: tuple[str, Any]
) -> None:
    error = _outer_failure(
        mods, etl_target[0], "update_pipeline", mods.etl_pb2.UpdatePipelineRequest()
    )
    assert type(error) is mods.rt.UnauthenticatedError
    assert (error.reason, error.metadata) == (
        "TOKEN_EXPIRED",
        {"principal": "svc-a@prod"},
    )


def test_errors_from_calls_are_marked_remote_and_fresh_ones_are_not(
    mods: Modules,
) -> None:
    fresh = _expired(mods)
    assert fresh.remote is False
    with sync_server(
        lambda s: mods.auth.add_AuthServiceServicer_to_server(_auth_servicer(mods), s)
    ) as target:
        with mods.auth.AuthServiceClient.connect(target, insecure=True) as client:
            for call, request in (
                (client.revoke_token, mods.auth_pb2.RevokeTokenRequest()),
                (client.validate_token, mods.auth_pb2.ValidateTokenRequest()),
            ):
                with pytest.raises(mods.rt.UnauthenticatedError) as info:
                    call(request)
                assert info.value.remote is True
                forwarded = info.value.forward()
                assert forwarded.remote is False and forwarded.__cause__ is info.value
                assert (forwarded.message, forwarded.metadata) == (
                    info.value.message,
                    info.value.metadata,
                )
