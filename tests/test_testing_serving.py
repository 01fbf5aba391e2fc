"""The test kit's servers: stopped on exit (failures included), serving with a
fixed principal or a test validator, carrying the services' retry policies;
its error builder; its opt-in pytest fixtures; and a fake for every service
of proto/."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gc
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

import grpc
import pytest

from kit import Kit
from support import platform_modules


@pytest.fixture(scope="module")
def k(sdk_out: Path) -> Kit:
    return Kit()


def listening_ports() -> set[int]:
    """The TCP ports this process listens on (its sockets in /proc/net)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def threads() -> set[threading.Thread]:
    """This process's threads. grpc's asyncio poller thread lives as long as
    any asyncio grpc object, so garbage (a traceback's frames) is collected
    first."""
    gc.collect()
    return set(threading.enumerate())


def settled(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Whether ``check`` holds within ``seconds`` (threads end asynchronously)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Boom(Exception):
    """The test body's own failure."""


@pytest.mark.parametrize("body_raises", [False, True])
def test_serving_stops_everything_on_exit(k: Kit, body_raises: bool) -> None:
    pb = k.auth_pb2
    ports_before, threads_before = listening_ports(), threads()
    fake = k.auth_fakes.AuthServiceFake()
    fake.revoke_token.returns(pb.RevokeTokenResponse())
    with pytest.raises(Boom) if body_raises else contextlib.nullcontext():
        with k.testing.serving(fake) as channel:
            (port,) = listening_ports() - ports_before
            k.auth.AuthServiceClient(channel).revoke_token(pb.RevokeTokenRequest())
            if body_raises:
                raise Boom()
    assert listening_ports() == ports_before
    assert refused(port)
    assert settled(lambda: threads() <= threads_before), threads() - threads_before


@pytest.mark.parametrize("body_raises", [False, True])
def test_serving_async_stops_everything_on_exit(k: Kit, body_raises: bool) -> None:
    pb = k.auth_pb2
    ports_before, threads_before = listening_ports(), threads()
    fake = k.auth_fakes.AuthServiceFake()
    fake.revoke_token.returns(pb.RevokeTokenResponse())

    async def main() -> None:
        port = 0
        with pytest.raises(Boom) if body_raises else contextlib.nullcontext():
            async with k.testing.serving_async(fake) as channel:
                (port,) = listening_ports() - ports_before
                client = k.auth.AuthServiceAsyncClient(channel)
                await client.revoke_token(pb.RevokeTokenRequest())
                if body_raises:
                    raise Boom()
        # Checked while the loop still runs: closing it would stop the server.
        assert listening_ports() == ports_before
        assert refused(port)

    asyncio.run(main())
    assert settled(lambda: threads() <= threads_before), threads() - threads_before


def test_the_channel_carries_every_served_services_retry_policy(k: Kit) -> None:
    auth_fake = k.auth_fakes.AuthServiceFake()
    etl_fake = k.etl_fakes.EtlServiceFake()
    unavailable = k.testing.error(grpc.StatusCode.UNAVAILABLE, "warming up")
    auth_fake.revoke_token.raises(unavailable).returns(k.auth_pb2.RevokeTokenResponse())
    etl_fake.get_pipeline.raises(unavailable).returns(k.etl_pb2.GetPipelineResponse())
    with k.testing.serving(auth_fake, etl_fake) as channel:
        k.auth.AuthServiceClient(channel).revoke_token(k.auth_pb2.RevokeTokenRequest())
        k.etl.EtlServiceClient(channel).get_pipeline(k.etl_pb2.GetPipelineRequest())
    assert len(auth_fake.revoke_token.calls) == 2
    assert len(etl_fake.get_pipeline.calls) == 2


# -- serving with test-side auth ---------------------------------------------


def _principal_reader(k: Kit) -> Any:
    """A real EtlService servicer whose GetPipeline names its caller."""

    class Etl(k.etl.EtlServiceServicer):  # type: ignore[misc,name-defined]
        def get_pipeline(self, request: Any, context: Any) -> Any:
            principal = k.rt.current_principal(k.auth_pb2.Principal)
            return k.etl_pb2.GetPipelineResponse(
                pipeline={"display_name": principal.principal_id}
            )

    return Etl()


def _get_pipeline(k: Kit, channel: Any, token: str | None) -> Any:
    client = k.etl.EtlServiceClient(channel, token=token)
    try:
        return client.get_pipeline(k.etl_pb2.GetPipelineRequest(pipeline_id="p"))
    except k.rt.PlatformError as error:
        return error


def test_serving_with_a_fixed_principal(k: Kit) -> None:
    someone = k.auth_pb2.Principal(principal_id="svc-reports")
    with k.testing.serving(_principal_reader(k), principal=someone) as channel:
        answered = _get_pipeline(k, channel, "any-token")
        refused_call = _get_pipeline(k, channel, None)
    assert answered.pipeline.display_name == "svc-reports"
    assert type(refused_call) is k.rt.UnauthenticatedError
    assert refused_call.reason == "TOKEN_MISSING"


def test_serving_async_with_a_validator(k: Kit) -> None:
    def validate(token: str) -> Any:
        if token != "good":
            raise k.rt.UnauthenticatedError("bad token", reason="TOKEN_INVALID")
        return k.auth_pb2.Principal(principal_id="svc-good")

    async def main() -> tuple[Any, Any]:
        async with k.testing.serving_async(_principal_reader(k), auth=validate) as ch:
            client = k.etl.EtlServiceAsyncClient(ch, token="good")
            request = k.etl_pb2.GetPipelineRequest(pipeline_id="p")
            answered = await client.get_pipeline(request)
            try:
                await client.get_pipeline(
                    request, metadata=[("authorization", "Bearer x")]
                )
            except k.rt.UnauthenticatedError as error:
                return answered, error
        raise AssertionError("a bad token was let through")

    answered, refused_call = asyncio.run(main())
    assert answered.pipeline.display_name == "svc-good"
    assert refused_call.reason == "TOKEN_INVALID"


def test_an_asyncio_servicer_is_pointed_to_serving_async(k: Kit) -> None:
    class Etl(k.etl.EtlServiceAsyncServicer):  # type: ignore[misc,name-defined]
        pass

    with pytest.raises(TypeError, match="Etl is an asyncio servicer: serve it with "):
        with k.testing.serving(Etl()):
            pass


def test_a_principal_and_a_validator_together_are_refused(k: Kit) -> None:
    with pytest.raises(ValueError, match="not both"):
        with k.testing.serving(_principal_reader(k), principal=1, auth=lambda t: 1):
            pass


# -- the error builder -------------------------------------------------------


def test_error_builds_every_detail_from_a_class_or_a_code(k: Kit) -> None:
    built = k.testing.error(
        k.rt.ResourceExhaustedError,
        "slow down",
        reason="QUOTA",
        domain="auth.platform",
        metadata={"limit": "10"},
        violations=[("a", "x"), ("b", "y")],
        retry_after=datetime.timedelta(milliseconds=1500),
        in_band=True,
    )
    assert type(built) is k.rt.ResourceExhaustedError
    assert (built.reason, built.domain, built.metadata) == (
        "QUOTA",
        "auth.platform",
        {"limit": "10"},
    )
    assert built.field_violations == [("a", "x"), ("b", "y")]
    assert built.retry_delay == datetime.timedelta(seconds=1.5)
    assert built.in_band
    from_code = k.testing.error(grpc.StatusCode.NOT_FOUND, "gone", retry_after=2)
    assert type(from_code) is k.rt.NotFoundError
    assert from_code.retry_delay == datetime.timedelta(seconds=2)
    assert not from_code.in_band


def test_an_unprogrammed_fake_is_unimplemented_on_the_wire(k: Kit) -> None:
    """The hint reaches a raw grpc caller too, as UNIMPLEMENTED."""
    with k.testing.serving(k.auth_fakes.AuthServiceFake()) as channel:
        raw = channel.unary_unary(
            "/platform.auth.v1.AuthService/GetApiKey",
            request_serializer=k.auth_pb2.GetApiKeyRequest.SerializeToString,
            response_deserializer=k.auth_pb2.GetApiKeyResponse.FromString,
        )
        with pytest.raises(grpc.RpcError) as caught:
            raw(k.auth_pb2.GetApiKeyRequest())
    assert caught.value.code() is grpc.StatusCode.UNIMPLEMENTED
    assert "get_api_key is not programmed" in caught.value.details()


# -- every service has a fake ------------------------------------------------


def test_every_service_of_proto_has_a_fake_with_a_method_per_rpc(
    k: Kit, sdk_out: Path
) -> None:
    testing = k.testing
    kinds = {
        "unary_unary": testing.FakeUnary,
        "stream_unary": testing.FakeClientStream,
        "unary_stream": testing.FakeStream,
        "stream_stream": testing.FakeBidiStream,
    }
    generated = platform_modules(sdk_out)
    fakes = sorted(
        p.relative_to(sdk_out).as_posix() for p in sdk_out.rglob("*_testing.py")
    )
    assert fakes == sorted(
        name.replace(".", "/").replace("_platform", "_testing") + ".py"
        for name in generated
    )
    services = 0
    for name in generated:
        platform = importlib.import_module(name)
        fakes_module = importlib.import_module(name.replace("_platform", "_testing"))
        for fake_name in fakes_module.__all__:
            fake = getattr(fakes_module, fake_name)()
            servicer = getattr(platform, fake_name.replace("Fake", "Servicer"))
            assert isinstance(fake, servicer.__mro__[1])  # a runtime Servicer
            assert type(fake).SERVICE is servicer.SERVICE
            for rpc, attribute in servicer.SERVICE.methods:
                method = getattr(fake, attribute)
                expected = kinds[rpc.kind]
                if rpc.pages is not None:
                    expected = testing.FakePager
                assert type(method) is expected, (fake_name, attribute)
            services += 1
    assert services == 13


# -- the pytest fixtures -----------------------------------------------------

_FIXTURE_TESTS = """
import pytest

from auth.v1 import auth_pb2
from auth.v1.auth_platform import AuthServiceAsyncClient, AuthServiceClient
from auth.v1.auth_testing import AuthServiceFake

{plugins}


def test_sync(platform_serving):
    fake = AuthServiceFake()
    fake.revoke_token.returns(auth_pb2.RevokeTokenResponse())
    client = AuthServiceClient(platform_serving(fake))
    client.revoke_token(auth_pb2.RevokeTokenRequest(token_id="t"))
    assert len(fake.revoke_token.calls) == 1


@pytest.mark.asyncio
async def test_async(platform_serving_async):
    fake = AuthServiceFake()
    fake.revoke_token.returns(auth_pb2.RevokeTokenResponse())
    client = AuthServiceAsyncClient(await platform_serving_async(fake))
    await client.revoke_token(auth_pb2.RevokeTokenRequest(token_id="t"))
    assert fake.revoke_token.calls[0].request.token_id == "t"
"""


def _run_pytest(
    folder: Path, sdk_out: Path, plugins: str
) -> subprocess.CompletedProcess[str]:
    (folder / "test_with_fixtures.py").write_text(
        _FIXTURE_TESTS.format(plugins=plugins)
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", folder.name],
        cwd=folder.parent,
        env={**os.environ, "PYTHONPATH": str(sdk_out)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_pytest_fixtures_are_opt_in(tmp_path: Path, sdk_out: Path) -> None:
    opted = tmp_path / "opted_in"
    opted.mkdir()
    plugins = 'pytest_plugins = ["platform_runtime.testing.pytest"]'
    result = _run_pytest(opted, sdk_out, plugins)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    not_opted = tmp_path / "not_opted_in"
    not_opted.mkdir()
    result = _run_pytest(not_opted, sdk_out, "")
    assert result.returncode != 0
    assert "fixture 'platform_serving' not found" in result.stdout
