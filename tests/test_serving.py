"""Serving generated servicers, live on loopback: health checks (grpc's own
stub), reflection (buf curl, no schema), ports, options, graceful shutdown on
SIGTERM, and the worked example of examples/platform/ run as the README runs
it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from auth_live import Modules
from support import REPO, tool

EXAMPLE = REPO / "examples" / "platform"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def _servicers(m: Modules) -> tuple[Any, Any]:
    class Auth(m.auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
        def validate_token(self, request: Any, context: Any) -> Any:
            return m.auth_pb2.ValidatedToken(
                principal=m.auth_pb2.Principal(principal_id=request.token)
            )

    class Etl(m.etl.EtlServiceServicer):  # type: ignore[misc,name-defined]
        def get_pipeline(self, request: Any, context: Any) -> Any:
            time.sleep(float(request.pipeline_id or 0))
            return m.etl_pb2.GetPipelineResponse()

    return Auth(), Etl()


def _check(target: str, service: str) -> Any:
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            return stub.Check(health_pb2.HealthCheckRequest(service=service)).status
        except grpc.RpcError as error:
            return error.code()


def test_health_reports_each_service_and_turns_not_serving_before_the_drain(
    m: Modules,
) -> None:
    server = m.rt.Server(_servicers(m), address="127.0.0.1:0")
    port = server.start()
    target = f"127.0.0.1:{port}"
    try:
        assert port == server.port and port > 0
        assert _check(target, "") == SERVING
        assert _check(target, "platform.auth.v1.AuthService") == SERVING
        assert _check(target, "platform.etl.v1.EtlService") == SERVING
        assert _check(target, "no.such.Service") == grpc.StatusCode.NOT_FOUND
        channel = grpc.insecure_channel(target)
        watch = health_pb2_grpc.HealthStub(channel).Watch(
            health_pb2.HealthCheckRequest(service="platform.etl.v1.EtlService")
        )
        assert next(watch).status == SERVING
        # A call in flight, then the stop: health first, then the drain.
        with m.etl.EtlServiceClient.connect(target, insecure=True) as client:
            slow = threading.Thread(
                target=client.get_pipeline,
                args=(m.etl_pb2.GetPipelineRequest(pipeline_id="0.6"),),
            )
            slow.start()
            time.sleep(0.2)
            stopper = threading.Thread(target=server.stop, args=(3.0,))
            stopper.start()
            assert next(watch).status == NOT_SERVING
            slow.join(5)
            stopper.join(10)
        channel.close()
    finally:
        server.stop(None)


def test_the_asyncio_server_serves_health_and_drains_too(m: Modules) -> None:
    class AsyncEtl(m.etl.EtlServiceAsyncServicer):  # type: ignore[misc,name-defined]
        async def get_pipeline(self, request: Any, context: Any) -> Any:
            await asyncio.sleep(float(request.pipeline_id or 0))
            return m.etl_pb2.GetPipelineResponse()

    async def scenario() -> list[Any]:
        server = m.rt.AsyncServer([AsyncEtl()], address="127.0.0.1:0")
        target = f"127.0.0.1:{await server.start()}"
        seen = []
        async with grpc.aio.insecure_channel(target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            check = await stub.Check(
                health_pb2.HealthCheckRequest(service="platform.etl.v1.EtlService")
            )
            seen.append(check.status)
            watch = stub.Watch(health_pb2.HealthCheckRequest(service=""))
            seen.append((await watch.read()).status)
            async with m.etl.EtlServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                slow = asyncio.ensure_future(
                    client.get_pipeline(m.etl_pb2.GetPipelineRequest(pipeline_id="0.5"))
                )
                await asyncio.sleep(0.1)
                stopping = asyncio.ensure_future(server.stop(3.0))
                seen.append((await watch.read()).status)
                await slow  # the call in flight finished inside the grace period
                await stopping
        return seen

    assert asyncio.run(scenario()) == [SERVING, SERVING, NOT_SERVING]


def test_buf_curl_lists_the_services_and_calls_one_through_reflection(
    m: Modules, tmp_path: Path
) -> None:
    def refuse(token: str) -> str:
        raise m.rt.UnauthenticatedError("no", reason="NO")

    with m.rt.Server(
        _servicers(m),
        address="127.0.0.1:0",
        auth=refuse,  # reflection needs no token; AuthService is exempt
        exempt=["platform.auth.v1.AuthService"],
    ) as server:
        url = f"http://127.0.0.1:{server.port}"
        curl = [tool("buf"), "curl", "--protocol", "grpc", "--http2-prior-knowledge"]
        listed = subprocess.run(
            [*curl, "--list-services", url],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        called = subprocess.run(
            [
                *curl,
                "-d",
                '{"token": "usr_7"}',
                f"{url}/platform.auth.v1.AuthService/ValidateToken",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {
        "platform.auth.v1.AuthService",
        "platform.etl.v1.EtlService",
        "grpc.health.v1.Health",
    }
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout) == {
        "success": {"principal": {"principalId": "usr_7"}}
    }


def _busy_port() -> tuple[socket.socket, int]:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder, holder.getsockname()[1]


def test_a_port_in_use_is_one_line_not_a_traceback(
    m: Modules, platform_sdk: Path
) -> None:
    holder, port = _busy_port()
    try:
        with pytest.raises(
            OSError, match=f"cannot listen on 127.0.0.1:{port}: the port is in use"
        ):
            m.rt.Server(_servicers(m), address=f"127.0.0.1:{port}").start()
        script = (
            "from platform_proto.etl.v1 import EtlServiceServicer\n"
            "from platform_proto.platform_runtime import serve\n"
            f"serve([EtlServiceServicer()], address='127.0.0.1:{port}')\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(platform_sdk)},
        )
    finally:
        holder.close()
    assert result.returncode == 1
    assert (
        result.stderr
        == f"serve: cannot listen on 127.0.0.1:{port}: the port is in use\n"
    )


def test_a_missing_server_extra_is_one_line(platform_sdk: Path) -> None:
    script = (
        "import sys\n"
        "sys.modules['grpc_health'] = None  # as if grpcio-health-checking were absent\n"
        "from platform_proto.etl.v1 import EtlServiceServicer\n"
        "from platform_proto.platform_runtime import serve\n"
        "serve([EtlServiceServicer()], address='127.0.0.1:0')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(platform_sdk)},
    )
    assert result.returncode == 1
    assert result.stderr == (
        "serve: health needs the grpcio-health-checking package: install the "
        "SDK's [server] extra\n"
    )


def test_server_options_reach_grpc(m: Modules) -> None:
    with m.rt.Server(
        _servicers(m),
        address="127.0.0.1:0",
        max_message_bytes=1024,
        keepalive=30.0,
        compression=grpc.Compression.Gzip,
        health=False,
        reflection=False,
    ) as server:
        target = f"127.0.0.1:{server.port}"
        assert _check(target, "") == grpc.StatusCode.UNIMPLEMENTED  # no health
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            assert (
                client.validate_token(
                    m.auth_pb2.ValidateTokenRequest(token="x" * 100)
                ).principal.principal_id
                == "x" * 100
            )
            with pytest.raises(m.rt.ResourceExhaustedError):
                client.validate_token(m.auth_pb2.ValidateTokenRequest(token="x" * 2000))
    with pytest.raises(TypeError, match="not a synchronous servicer"):
        m.rt.Server([m.etl.EtlServiceAsyncServicer()])
    with pytest.raises(ValueError, match="nothing to serve"):
        m.rt.Server([])


def test_serve_with_auth_exempts_health_and_named_services(m: Modules) -> None:
    def validator(token: str) -> str:
        raise m.rt.UnauthenticatedError("no", reason="NO")

    with m.rt.Server(
        _servicers(m),
        address="127.0.0.1:0",
        auth=validator,
        exempt=["platform.auth.v1.AuthService"],
    ) as server:
        target = f"127.0.0.1:{server.port}"
        assert _check(target, "") == SERVING
        with m.auth.AuthServiceClient.connect(target, insecure=True) as auth:
            auth.validate_token(m.auth_pb2.ValidateTokenRequest(token="a"))
        with m.etl.EtlServiceClient.connect(target, insecure=True, token="t") as etl:
            with pytest.raises(m.rt.UnauthenticatedError):
                etl.get_pipeline(m.etl_pb2.GetPipelineRequest())


# --- the worked example, as processes --------------------------------------------


@pytest.fixture
def example(platform_sdk: Path) -> Iterator[Any]:
    """The example's runner module, with the SDK importable by its services."""
    sys.path.insert(0, str(EXAMPLE))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(platform_sdk)
    try:
        import run as runner

        yield runner
    finally:
        sys.path.remove(str(EXAMPLE))
        sys.modules.pop("run", None)
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old


def test_the_example_runs_as_the_readme_says(platform_sdk: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE / "run.py")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(platform_sdk)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "token issued to sa_etl_demo" in out
    assert "listed, in pages of 2: customers, invoices, orders" in out
    assert "typed error: NOT_FOUND (PIPELINE_NOT_FOUND)" in out
    assert "event 5: 500 records read" in out
    assert "without a token: UNAUTHENTICATED (TOKEN_MISSING)" in out
    assert out.rstrip().endswith("client exited 0; services exited 0 and 0")
    # The services' logs carry each call's request ID.
    assert "] etl: sa_etl_demo created pl_1" in result.stderr


def test_sigterm_lets_the_stream_in_flight_finish_and_sigint_stops_too(
    example: Any, platform_sdk: Path
) -> None:
    sys.path.insert(0, str(platform_sdk))
    try:
        from platform_proto.auth.v1 import (
            AuthServiceClient,
            ClientCredentials,
            IssueTokenRequest,
        )
        from platform_proto.etl.v1 import (
            EtlServiceClient,
            GetPipelineRequest,
            StreamRunEventsRequest,
        )
        from platform_proto.platform_runtime import UnavailableError
    finally:
        sys.path.remove(str(platform_sdk))
    auth = example.Service("auth_service.py")
    etl = example.Service("etl_service.py", auth.address)
    try:
        with AuthServiceClient.connect(auth.address, insecure=True) as client:
            token = client.issue_token(
                IssueTokenRequest(
                    client_credentials=ClientCredentials(
                        client_id="etl-demo", client_secret="demo-secret"
                    )
                )
            ).token.access_token
        with EtlServiceClient.connect(
            etl.address, insecure=True, token=token
        ) as client:
            stream = client.stream_run_events(StreamRunEventsRequest(run_id="r"))
            assert next(stream).event.sequence == 1  # mid-flight
            etl.process.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            with pytest.raises(UnavailableError):  # new calls are refused
                client.get_pipeline(GetPipelineRequest(pipeline_id="pl_1"), timeout=2)
            rest = [response.event.sequence for response in stream]
        assert rest == [2, 3, 4, 5]  # the call in flight finished
        assert etl.process.wait(timeout=10) == 0
    finally:
        if etl.process.poll() is None:
            etl.process.kill()
        auth.process.send_signal(signal.SIGINT)  # Ctrl-C stops it just as well
        assert auth.process.wait(timeout=30) == 0


def test_tls_credentials_serve_over_tls(m: Modules, tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    credentials = grpc.ssl_server_credentials([(key.read_bytes(), cert.read_bytes())])
    with m.rt.Server(
        _servicers(m), address="127.0.0.1:0", credentials=credentials
    ) as server:
        target = f"127.0.0.1:{server.port}"
        trusted = grpc.secure_channel(
            target,
            grpc.ssl_channel_credentials(cert.read_bytes()),
            options=[("grpc.ssl_target_name_override", "localhost")],
        )
        with trusted:
            client = m.auth.AuthServiceClient(trusted)
            validated = client.validate_token(
                m.auth_pb2.ValidateTokenRequest(token="t")
            )
            assert validated.principal.principal_id == "t"
        with m.auth.AuthServiceClient.connect(
            target, insecure=True, timeout=3
        ) as plain:
            with pytest.raises(m.rt.UnavailableError):  # plaintext is refused
                plain.validate_token(m.auth_pb2.ValidateTokenRequest(token="t"))
