"""Bearer auth on served calls, live on loopback: the interceptors on all four
RPC kinds, sync and asyncio servers; the principal seen by servicers; exempt
methods; and the generated caching validators over a live AuthService."""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
from concurrent import futures
from pathlib import Path
from types import ModuleType
from typing import Any, AsyncIterator, Iterator

import grpc
import pytest
from google.protobuf import duration_pb2

from auth_live import Modules
from servers import LOOPBACK_OPTIONS, LoopThread, drain_pool, run, sync_server


@pytest.fixture(scope="module")
def echo(corpus_out: Path) -> ModuleType:
    import echo_impl

    return echo_impl


def _validator(echo: ModuleType) -> Any:
    rt = echo.rt

    def validate(token: str) -> str:
        if token == "expired":
            raise rt.UnauthenticatedError("token expired", reason="TOKEN_EXPIRED")
        if token == "forbidden":
            raise rt.PermissionDeniedError("no scope", reason="INSUFFICIENT_SCOPE")
        if token.startswith("user-"):
            return token[len("user-") :]
        raise rt.UnauthenticatedError("unknown token", reason="TOKEN_INVALID")

    return validate


def _principal_servicers(echo: ModuleType) -> tuple[Any, Any]:
    """Echo servicers that answer with the principal they see."""
    rt, platform, Response = echo.rt, echo.echo_platform, echo.Response

    class Sync(platform.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def echo(self, request: Any, context: Any) -> Any:
            return Response(text=rt.current_principal(str))

        def expand(self, request: Any, context: Any) -> Iterator[Any]:
            yield Response(text=rt.current_principal(str))

        def collect(self, requests: Any, context: Any) -> Any:
            return Response(text=rt.current_principal(str) + str(len(list(requests))))

        def chat(self, requests: Any, context: Any) -> Iterator[Any]:
            for _ in requests:
                yield Response(text=rt.current_principal(str))

    class Async(platform.EchoServiceAsyncServicer):  # type: ignore[misc,name-defined]
        async def echo(self, request: Any, context: Any) -> Any:
            return Response(text=rt.current_principal(str))

        async def expand(self, request: Any, context: Any) -> AsyncIterator[Any]:
            yield Response(text=rt.current_principal(str))

        async def collect(self, requests: Any, context: Any) -> Any:
            count = len([r async for r in requests])
            return Response(text=rt.current_principal(str) + str(count))

        async def chat(self, requests: Any, context: Any) -> AsyncIterator[Any]:
            async for _ in requests:
                yield Response(text=rt.current_principal(str))

    return Sync(), Async()


def _all_kinds(echo: ModuleType, client: Any) -> list[str]:
    """One call of each kind; what each answered."""
    request = echo.Request(text="x", count=1)
    return [
        client.echo(request).text,
        [r.text for r in client.expand(request)][0],
        client.collect([request, request]).text,
        [r.text for r in client.chat([request])][0],
    ]


def _serve(echo: ModuleType, flavour: str, exempt: tuple[str, ...] = ()) -> Any:
    """A context manager serving Echo with the auth interceptor; yields the target."""
    import contextlib

    rt, platform = echo.rt, echo.echo_platform
    sync_servicer, async_servicer = _principal_servicers(echo)

    @contextlib.contextmanager
    def serving() -> Iterator[str]:
        if flavour == "sync":
            server = grpc.server(
                futures.ThreadPoolExecutor(8),
                interceptors=[rt.AuthInterceptor(_validator(echo), exempt=exempt)],
                options=LOOPBACK_OPTIONS,
            )
            platform.add_EchoServiceServicer_to_server(sync_servicer, server)
            port = server.add_insecure_port("127.0.0.1:0")
            server.start()
            try:
                yield f"127.0.0.1:{port}"
            finally:
                server.stop(None).wait()
            return
        loop = LoopThread()

        pool = futures.ThreadPoolExecutor(4)

        async def start() -> tuple[Any, int]:
            server = grpc.aio.server(
                interceptors=[rt.AsyncAuthInterceptor(_validator(echo), exempt=exempt)],
                migration_thread_pool=pool,
                options=LOOPBACK_OPTIONS,
            )
            servicer = async_servicer if flavour == "async" else sync_servicer
            platform.add_EchoServiceServicer_to_server(servicer, server)
            port = server.add_insecure_port("127.0.0.1:0")
            await server.start()
            return server, port

        server, port = loop.run(start())
        try:
            yield f"127.0.0.1:{port}"
        finally:
            loop.run(server.stop(None))
            loop.run(drain_pool(pool))
            loop.close()

    return serving()


FLAVOURS = ["sync", "async", "sync servicer on aio"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_kind_sees_the_validated_principal(
    echo: ModuleType, flavour: str
) -> None:
    with _serve(echo, flavour) as target:
        with echo.echo_platform.EchoServiceClient.connect(
            target, insecure=True, token="user-alice"
        ) as client:
            assert _all_kinds(echo, client) == ["alice", "alice", "alice2", "alice"]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "metadata, kind, reason",
    [
        ((), "UnauthenticatedError", "TOKEN_MISSING"),
        (
            (("authorization", "Basic dXNlcg=="),),
            "UnauthenticatedError",
            "TOKEN_MALFORMED",
        ),
        ((("authorization", "Bearer "),), "UnauthenticatedError", "TOKEN_MALFORMED"),
        (
            (("authorization", "Bearer nobody"),),
            "UnauthenticatedError",
            "TOKEN_INVALID",
        ),
        (
            (("authorization", "Bearer expired"),),
            "UnauthenticatedError",
            "TOKEN_EXPIRED",
        ),
        (
            (("authorization", "Bearer forbidden"),),
            "PermissionDeniedError",
            "INSUFFICIENT_SCOPE",
        ),
    ],
)
def test_every_kind_refuses_a_bad_token_with_rich_details(
    echo: ModuleType, flavour: str, metadata: Any, kind: str, reason: str
) -> None:
    request = echo.Request(text="x", count=1)
    with _serve(echo, flavour) as target:
        with echo.echo_platform.EchoServiceClient.connect(
            target, insecure=True
        ) as client:
            calls = [
                lambda: client.echo(request, metadata=metadata),
                lambda: list(client.expand(request, metadata=metadata)),
                lambda: client.collect([request], metadata=metadata),
                lambda: list(client.chat([request], metadata=metadata)),
            ]
            for call in calls:
                with pytest.raises(echo.rt.PlatformError) as info:
                    call()
                assert type(info.value).__name__ == kind
                assert info.value.reason == reason and info.value.request_id


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_exempt_methods_and_services_need_no_token(
    echo: ModuleType, flavour: str
) -> None:
    exempt = ("demo.echo.v1.EchoService/Expand",)
    with _serve(echo, flavour, exempt) as target:
        with echo.echo_platform.EchoServiceClient.connect(
            target, insecure=True
        ) as client:
            with pytest.raises(echo.rt.InternalError):  # no principal: LookupError
                list(client.expand(echo.Request(count=1)))
            with pytest.raises(echo.rt.UnauthenticatedError):
                client.echo(echo.Request())


def test_current_principal_outside_a_call_or_of_another_type(echo: ModuleType) -> None:
    rt = echo.rt
    with pytest.raises(LookupError, match="no authenticated principal"):
        rt.current_principal(str)

    class Typed(echo.echo_platform.EchoServiceServicer):  # type: ignore[misc,name-defined]
        def echo(self, request: Any, context: Any) -> Any:
            try:
                rt.current_principal(int)
            except TypeError as exc:
                return echo.Response(text=str(exc))
            return echo.Response()

    server = grpc.server(
        futures.ThreadPoolExecutor(2),
        interceptors=[rt.AuthInterceptor(_validator(echo))],
        options=LOOPBACK_OPTIONS,
    )
    echo.echo_platform.add_EchoServiceServicer_to_server(Typed(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with echo.echo_platform.EchoServiceClient.connect(
            f"127.0.0.1:{port}", insecure=True, token="user-bob"
        ) as client:
            assert (
                client.echo(echo.Request()).text == "the principal is a str, not a int"
            )
    finally:
        server.stop(None).wait()


# --- the generated caching validators over a live AuthService -----------------


class FakeAuth:
    """An AuthService whose ValidateToken counts its calls and can be slowed."""

    def __init__(self, m: Modules, lifetime: float = 60.0, delay: float = 0.0) -> None:
        self.calls = 0
        self.lock = threading.Lock()
        self.lifetime = lifetime
        self.delay = delay
        outer = self

        class Auth(m.auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
            def validate_token(self, request: Any, context: Any) -> Any:
                with outer.lock:
                    outer.calls += 1
                if outer.delay:
                    time.sleep(outer.delay)
                if request.token != "good":
                    raise m.rt.UnauthenticatedError(
                        "token revoked", reason="TOKEN_REVOKED", in_band=True
                    )
                lifetime = duration_pb2.Duration()
                lifetime.FromTimedelta(datetime.timedelta(seconds=outer.lifetime))
                return m.auth_pb2.ValidatedToken(
                    principal=m.auth_pb2.Principal(principal_id="usr_1"),
                    expires_in=lifetime,
                )

        self.servicer = Auth()


def _auth_server(m: Modules, fake: FakeAuth) -> Any:
    return sync_server(
        lambda s: m.auth.add_AuthServiceServicer_to_server(fake.servicer, s), workers=16
    )


def test_the_validator_checks_each_token_once_and_remembers_refusals(
    m: Modules,
) -> None:
    fake = FakeAuth(m)
    with _auth_server(m, fake) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            validator = m.auth.AuthServiceTokenValidator(client)
            for _ in range(20):
                principal = validator("good")
                assert principal.principal_id == "usr_1"
            assert fake.calls == 1
            for _ in range(3):
                with pytest.raises(m.rt.UnauthenticatedError) as info:
                    validator("bad")
                assert info.value.reason == "TOKEN_REVOKED"
                assert not info.value.remote  # the interceptor sends it on
            assert fake.calls == 2


def test_the_validator_never_outlives_the_token(m: Modules) -> None:
    fake = FakeAuth(m, lifetime=0.3)
    with _auth_server(m, fake) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            validator = m.auth.AuthServiceTokenValidator(client, max_ttl=60)
            validator("good")
            validator("good")
            assert fake.calls == 1
            time.sleep(0.35)
            validator("good")
            assert fake.calls == 2
            short = m.auth.AuthServiceTokenValidator(client, max_ttl=0.0)
            short("good")
            short("good")
            assert fake.calls == 4  # max_ttl=0 remembers nothing


def test_fifty_concurrent_misses_make_one_call(m: Modules) -> None:
    fake = FakeAuth(m, delay=0.3)
    with _auth_server(m, fake) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            validator = m.auth.AuthServiceTokenValidator(client)
            with futures.ThreadPoolExecutor(50) as pool:
                found = list(pool.map(lambda _: validator("good"), range(50)))
        assert fake.calls == 1 and len({p.principal_id for p in found}) == 1

        async def scenario() -> list[Any]:
            async with m.auth.AuthServiceAsyncClient.connect(
                target, insecure=True
            ) as aclient:
                avalidator = m.auth.AuthServiceAsyncTokenValidator(aclient)
                return await asyncio.gather(*(avalidator("good") for _ in range(50)))

        found = run(scenario())  # type: ignore[assignment]
        assert fake.calls == 2 and len(found) == 50


def test_the_validator_fails_closed_when_auth_is_down(m: Modules) -> None:
    with m.auth.AuthServiceClient.connect("127.0.0.1:1", insecure=True) as client:
        validator = m.auth.AuthServiceTokenValidator(client)
        for _ in range(2):  # nothing is remembered of a failure to check
            with pytest.raises(m.rt.UnavailableError) as info:
                validator("good")
            assert not info.value.remote
            assert "127.0.0.1" not in str(info.value)

    async def scenario() -> Any:
        async with m.auth.AuthServiceAsyncClient.connect(
            "127.0.0.1:1", insecure=True
        ) as aclient:
            try:
                await m.auth.AuthServiceAsyncTokenValidator(aclient)("good")
            except m.rt.PlatformError as error:
                return error
        return None

    assert type(run(scenario())) is m.rt.UnavailableError


def test_an_etl_service_behind_the_stock_validator(m: Modules) -> None:
    """Client -> ETL (auth interceptor, stock validator) -> Auth, end to end."""
    fake = FakeAuth(m)
    seen: list[str] = []

    class Etl(m.etl.EtlServiceServicer):  # type: ignore[misc,name-defined]
        def get_pipeline(self, request: Any, context: Any) -> Any:
            seen.append(m.rt.current_principal(m.auth_pb2.Principal).principal_id)
            return m.etl_pb2.GetPipelineResponse()

    with _auth_server(m, fake) as auth_target:
        auth_client = m.auth.AuthServiceClient.connect(auth_target, insecure=True)
        validator = m.auth.AuthServiceTokenValidator(auth_client)
        server = grpc.server(
            futures.ThreadPoolExecutor(4),
            interceptors=[m.rt.AuthInterceptor(validator)],
            options=LOOPBACK_OPTIONS,
        )
        m.etl.add_EtlServiceServicer_to_server(Etl(), server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        try:
            target = f"127.0.0.1:{port}"
            with m.etl.EtlServiceClient.connect(
                target, insecure=True, token="good"
            ) as c:
                for _ in range(5):
                    c.get_pipeline(m.etl_pb2.GetPipelineRequest())
            with m.etl.EtlServiceClient.connect(
                target, insecure=True, token="bad"
            ) as c:
                with pytest.raises(m.rt.UnauthenticatedError) as info:
                    c.get_pipeline(m.etl_pb2.GetPipelineRequest())
        finally:
            server.stop(None).wait()
            auth_client.close()
    assert seen == ["usr_1"] * 5 and fake.calls == 2
    assert info.value.reason == "TOKEN_REVOKED" and not info.value.in_band
