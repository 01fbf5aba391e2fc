"""Several replicas behind one target: grpc's round_robin spreads the calls,
its retry policy moves idempotent calls off a replica that dies, the serving
runtime's max_connection_age lets a replica that joins later get traffic, and
its keepalive enforcement accepts the clients' keepalive.

Every replica is the serving runtime's Server with its defaults (unless a test
says otherwise), on 127.0.0.1 with a port the system picks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent import futures
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import grpc
import pytest

import keepalive_probe
from servers import run
from support import REPO

CALLS = 300
SHARE = 0.2  # every replica serves at least 20% of the calls


@pytest.fixture(scope="module")
def m(corpus_out: Path) -> ModuleType:
    import replicas

    return replicas


@pytest.fixture(scope="module")
def three(m: ModuleType) -> Iterator[str]:
    """Three replicas; the target naming all three addresses."""
    with contextlib.ExitStack() as stack:
        ports = [stack.enter_context(m.replica(f"r{i}")) for i in (1, 2, 3)]
        yield "ipv4:" + ",".join(f"127.0.0.1:{port}" for port in ports)


def _spread(counts: Counter[str]) -> None:
    assert sum(counts.values()) == CALLS
    assert set(counts) == {"r1", "r2", "r3"}, counts
    assert min(counts.values()) >= SHARE * CALLS, counts


# --- spread ------------------------------------------------------------------


def test_the_service_config_spreads_calls_over_every_address(
    m: ModuleType, three: str
) -> None:
    """A channel of one's own with the generated SERVICE_CONFIG."""
    client_class = m.echo_platform.EchoServiceClient
    options = [("grpc.service_config", client_class.SERVICE_CONFIG)]
    with grpc.insecure_channel(three, options=options) as channel:
        _spread(m.served_by(client_class(channel), CALLS))


def test_connect_spreads_calls_by_default(m: ModuleType, three: str) -> None:
    with m.echo_platform.EchoServiceClient.connect(three, insecure=True) as client:
        _spread(m.served_by(client, CALLS))


def test_connect_spreads_asyncio_calls_by_default(m: ModuleType, three: str) -> None:
    async def scenario() -> Counter[str]:
        client_class = m.echo_platform.EchoServiceAsyncClient
        async with client_class.connect(three, insecure=True) as client:
            request = m.echo_pb2.EchoRequest()
            return Counter([(await client.echo(request)).text for _ in range(CALLS)])

    _spread(run(scenario()))  # type: ignore[arg-type]


def test_a_shared_channel_keeps_one_policy_and_spreads(
    m: ModuleType, three: str
) -> None:
    platform, rt = m.echo_platform, m.rt
    clients = (platform.EchoServiceClient, platform.LegacyEchoServiceClient)
    merged = json.loads(rt.service_config(*clients))
    assert merged["loadBalancingConfig"] == [{"round_robin": {}}]
    with rt.open_channel(three, *clients, insecure=True) as channel:
        _spread(m.served_by(platform.EchoServiceClient(channel), CALLS))


def test_pick_first_on_request_sends_every_call_to_one_replica(
    m: ModuleType, three: str
) -> None:
    client_class = m.echo_platform.EchoServiceClient
    with client_class.connect(three, insecure=True, load_balancing="pick_first") as c:
        counts = m.served_by(c, CALLS)
    assert len(counts) == 1 and sum(counts.values()) == CALLS, counts
    config = json.loads(m.rt.service_config(client_class, load_balancing="pick_first"))
    assert config["loadBalancingConfig"] == [{"pick_first": {}}]


def test_the_callers_service_config_replaces_the_policy(
    m: ModuleType, three: str
) -> None:
    """A grpc.service_config of one's own replaces ours whole: without a
    policy in it, grpc's default (pick_first) applies."""
    own = [("grpc.service_config", json.dumps({"methodConfig": []}))]
    client_class = m.echo_platform.EchoServiceClient
    with client_class.connect(three, insecure=True, options=own) as client:
        counts = m.served_by(client, 30)
    assert len(counts) == 1, counts


def test_an_unknown_policy_is_refused_before_connecting(m: ModuleType) -> None:
    client_class = m.echo_platform.EchoServiceClient
    with pytest.raises(ValueError, match="load_balancing='ring_hash': expected one"):
        client_class.connect("127.0.0.1:1", insecure=True, load_balancing="ring_hash")
    with pytest.raises(ValueError, match="keepalive=0: expected a positive"):
        m.echo_platform.EchoServiceAsyncClient.connect(
            "127.0.0.1:1", insecure=True, keepalive=0
        )
    with pytest.raises(ValueError, match="max_connection_age=-1"):
        m.rt.Server([m.Replica("r")], max_connection_age=-1)


def test_the_callers_options_replace_ours_key_by_key(m: ModuleType) -> None:
    from platform_runtime._client.channels import _options
    from platform_runtime._server.serving import server_options

    client = _options("{}", [("grpc.keepalive_time_ms", 60_000)])
    assert [v for k, v in client if k == "grpc.keepalive_time_ms"] == [60_000]
    assert ("grpc.keepalive_permit_without_calls", 1) in client
    assert not [k for k, _ in _options("{}", [], None) if "keepalive" in k]
    server = server_options(options=[("grpc.max_connection_age_ms", 5)])
    assert [v for k, v in server if k == "grpc.max_connection_age_ms"] == [5]
    assert not [k for k, _ in server_options(max_connection_age=None) if "age_ms" in k]


# --- failover ----------------------------------------------------------------


class _Replicas:
    """Replica subprocesses, killed on exit."""

    def __init__(self, corpus_out: Path) -> None:
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(corpus_out), str(REPO / "tests")]),
        }
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.held: dict[str, list[str]] = {}

    def start(self, *names: str) -> list[int]:
        for name in names:
            self.processes[name] = subprocess.Popen(
                [sys.executable, str(REPO / "tests" / "replicas.py"), name],
                stdout=subprocess.PIPE,
                text=True,
                env=self.env,
            )
        return [self._port(name) for name in names]

    def _port(self, name: str) -> int:
        stdout = self.processes[name].stdout
        assert stdout is not None
        line = stdout.readline().strip()
        assert line.isdigit(), f"replica {name} did not start"
        held = self.held.setdefault(name, [])
        threading.Thread(target=lambda: held.extend(stdout), daemon=True).start()
        return int(line)

    def kill(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(10)

    def close(self) -> None:
        for process in self.processes.values():
            process.kill()
            process.wait(10)


@pytest.fixture
def subprocesses(corpus_out: Path) -> Iterator[_Replicas]:
    started = _Replicas(corpus_out)
    try:
        yield started
    finally:
        started.close()


def test_failover_when_a_replica_is_killed(
    m: ModuleType, subprocesses: _Replicas
) -> None:
    """SIGKILL one of three replicas while 300 idempotent calls run: none
    fails. Calls held on the killed replica move to another (Echo, retried
    by grpc) or fail at once with UnavailableError (Append), never hang."""
    ports = subprocesses.start("r1", "r2", "r3")
    target = "ipv4:" + ",".join(f"127.0.0.1:{port}" for port in ports)
    timeout = 10.0
    client = m.echo_platform.EchoServiceClient.connect(
        target, insecure=True, timeout=timeout
    )
    pool = futures.ThreadPoolExecutor(max_workers=16)
    try:
        deadline = time.monotonic() + 10
        while set(m.served_by(client, 6)) != {"r1", "r2", "r3"}:
            assert time.monotonic() < deadline, "not every replica was reached"
        # One Echo and one Append held on r1: round_robin sends one call in
        # three to it; the others answer at once.
        held: dict[str, futures.Future[Any]] = {}
        answered: list[futures.Future[Any]] = []
        for method in ("echo", "append"):
            for _ in range(6):
                call = pool.submit(
                    timed,
                    getattr(client, method),
                    m.echo_pb2.EchoRequest(text="hold:r1"),
                )
                wait_until(lambda: call.done() or _held(subprocesses, "r1", method))
                if call.done():
                    answered.append(call)
                else:
                    held[method] = call
                    break
        assert set(held) == {"echo", "append"}, "no call was held on r1"

        done = threading.Semaphore(0)

        def echo_once(i: int) -> tuple[float, float, Any]:
            try:
                return timed(client.echo, m.echo_pb2.EchoRequest(text=str(i)))
            finally:
                done.release()

        def append_until(stop: threading.Event) -> list[tuple[float, float, Any]]:
            outcomes = []
            while not stop.is_set():
                outcomes.append(timed(client.append, m.echo_pb2.EchoRequest()))
            return outcomes

        stop = threading.Event()
        appenders = [pool.submit(append_until, stop) for _ in range(2)]
        echoes = [pool.submit(echo_once, i) for i in range(CALLS)]
        for _ in range(CALLS // 3):
            assert done.acquire(timeout=timeout)
        killed_at = time.monotonic()
        subprocesses.kill("r1")
        reaped_at = time.monotonic()
        results = [f.result(timeout=2 * timeout) for f in echoes]
        stop.set()
        appended = [o for f in appenders for o in f.result(timeout=2 * timeout)]
        echo_held = held["echo"].result(timeout=2 * timeout)
        append_held = held["append"].result(timeout=2 * timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()

    # No idempotent call failed; r1 served until it died.
    outcomes = [outcome for _, _, outcome in results]
    assert all(isinstance(o, str) for o in outcomes), [
        (repr(o), o.debug_error_string) for o in outcomes if not isinstance(o, str)
    ]
    assert {"r1", "r2", "r3"} <= set(outcomes)
    # The Echo held on r1 was retried onto another replica.
    assert echo_held[2] in {"r2", "r3"}, echo_held
    # The Append held on r1 failed fast, typed.
    assert isinstance(append_held[2], m.rt.UnavailableError), append_held
    assert append_held[1] - reaped_at < 2.0
    # Other Appends failed only if in flight when r1 died, as UnavailableError.
    for started, ended, outcome in appended + [c.result() for c in answered]:
        if not isinstance(outcome, str):
            assert isinstance(outcome, m.rt.UnavailableError), outcome
            assert started <= reaped_at and ended >= killed_at
    # Nothing hung past its deadline.
    for started, ended, _ in results + appended + [echo_held, append_held]:
        assert ended - started < timeout


def test_a_callers_request_id_comes_back_with_the_response(m: ModuleType) -> None:
    """The request ID a caller sent is echoed in the trailers of a unary
    response, which travel with it: headers sent apart would commit the call
    before it ends, and a replica dying in between would fail a call that
    grpc could retry elsewhere. A minted ID still comes in the headers."""
    import echo_impl

    def outcome(target: str, metadata: Any) -> tuple[dict[str, Any], ...]:
        with grpc.insecure_channel(target) as channel:
            echo = channel.unary_unary(
                "/demo.echo.v1.EchoService/Echo",
                request_serializer=m.echo_pb2.EchoRequest.SerializeToString,
                response_deserializer=m.echo_pb2.EchoResponse.FromString,
            )
            _, call = echo.with_call(m.echo_pb2.EchoRequest(), metadata=metadata)
            return dict(call.initial_metadata()), dict(call.trailing_metadata())

    given = (("x-request-id", "req-1"),)
    with m.replica("r1") as port:
        headers, trailers = outcome(f"127.0.0.1:{port}", given)
        assert trailers["x-request-id"] == "req-1" and "x-request-id" not in headers
        headers, trailers = outcome(f"127.0.0.1:{port}", ())
        assert "x-request-id" in headers and "x-request-id" not in trailers

    async def served_async() -> tuple[dict[str, Any], ...]:
        async with m.rt.AsyncServer(
            [echo_impl.AsyncEcho()], address="127.0.0.1:0"
        ) as server:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                None, outcome, f"127.0.0.1:{server.port}", given
            )

    headers, trailers = run(served_async())  # type: ignore[misc]
    assert trailers["x-request-id"] == "req-1" and "x-request-id" not in headers


def timed(method: Any, request: Any) -> tuple[float, float, Any]:
    """(start, end, the answering replica or the error) of one call."""
    started = time.monotonic()
    try:
        outcome: Any = method(request).text
    except Exception as exc:  # the outcome under test
        outcome = exc
    return started, time.monotonic(), outcome


def _held(replicas: _Replicas, name: str, method: str) -> bool:
    return f"held {method}\n" in replicas.held[name]


def wait_until(condition: Any, seconds: float = 10.0) -> None:
    """Poll ``condition`` until it holds; AssertionError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# --- rebalancing -------------------------------------------------------------


def test_a_replica_that_joins_later_gets_calls(m: ModuleType) -> None:
    """Three replicas with a short max_connection_age; a fourth joins behind
    r1's address (a shared port, as behind a Service's virtual IP) after the
    client connected. Connections are renewed, so it soon gets calls, and no
    call fails meanwhile."""
    age = {
        "max_connection_age": 0.5,
        "max_connection_age_grace": 1.0,
        "options": [("grpc.so_reuseport", 1)],
    }
    with contextlib.ExitStack() as stack:
        ports = [stack.enter_context(m.replica(f"r{i}", **age)) for i in (1, 2, 3)]
        target = "ipv4:" + ",".join(f"127.0.0.1:{port}" for port in ports)
        client = stack.enter_context(
            m.echo_platform.EchoServiceClient.connect(target, insecure=True)
        )
        assert set(m.served_by(client, 30)) == {"r1", "r2", "r3"}
        stack.enter_context(
            m.replica("r4", **{**age, "address": f"127.0.0.1:{ports[0]}"})
        )
        counts: Counter[str] = Counter()
        deadline = time.monotonic() + 20
        while counts["r4"] < 10:
            assert time.monotonic() < deadline, f"r4 got no calls: {counts}"
            counts += m.served_by(client, 10)
            counts[client.append(m.echo_pb2.EchoRequest()).text] += 1
            time.sleep(0.01)
    assert {"r2", "r3"} <= set(counts)


# --- xDS ---------------------------------------------------------------------

XDS_CLIENT = """
import json, sys
import platform_runtime as rt
from demo.echo.v1 import echo_pb2, echo_platform
options = [("grpc.service_config", sys.argv[1])] if len(sys.argv) > 1 else []
client = echo_platform.EchoServiceClient.connect(
    "xds:///echo.platform", insecure=True, timeout=5, options=options
)
try:
    client.echo(echo_pb2.EchoRequest())
except rt.PlatformError as error:
    print(json.dumps([error.code.name, error.message]))
"""


def test_an_xds_target_is_accepted(corpus_out: Path, tmp_path: Path) -> None:
    """With a bootstrap naming an xDS server (none listens), connect() takes
    an ``xds:///`` target and grpc's xDS resolver asks that server for the
    listener: our service config does not stand in the way, where a policy
    grpc cannot use would fail the channel at once."""
    bootstrap = tmp_path / "bootstrap.json"
    bootstrap.write_text(
        json.dumps(
            {
                "xds_servers": [
                    {
                        "server_uri": "127.0.0.1:1",
                        "channel_creds": [{"type": "insecure"}],
                        "server_features": ["xds_v3"],
                    }
                ],
                "node": {"id": "test"},
            }
        )
    )
    env = {
        **os.environ,
        "GRPC_XDS_BOOTSTRAP": str(bootstrap),
        "PYTHONPATH": str(corpus_out),
    }

    def call(*args: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", XDS_CLIENT, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        outcome: list[str] = json.loads(result.stdout)
        return outcome

    code, message = call()
    assert code == "UNAVAILABLE" and "LDS resource echo.platform" in message
    bogus = json.dumps({"loadBalancingConfig": [{"no_such_policy": {}}]})
    code, message = call(bogus)
    assert code == "INVALID_ARGUMENT" and "no_such_policy" in message


# --- keepalive ---------------------------------------------------------------


def test_an_idle_client_keeps_its_connection() -> None:
    """A client with connect()'s keepalive, idle for over three ping
    intervals, against the serving runtime's defaults: no GOAWAY, and the
    next call succeeds. Against grpc's own server defaults, the same client
    is sent away with too_many_pings (the probe sees a GOAWAY when there is
    one). The probe starts with the session (tests/keepalive_probe.py)."""
    report = keepalive_probe.result()
    ours, plain = report["ours"], report["plain"]
    assert ours["call"] == "ok" and ours["lost"] == [], report
    assert ours["port"] not in report["too_many_pings"], report
    assert ours["idle_seconds"] >= 3 * report["keepalive"]
    assert plain["lost"] and plain["port"] in report["too_many_pings"], report


def test_a_stream_outliving_the_connection_age_ends_unavailable(
    m: ModuleType,
) -> None:
    """max_connection_age_grace bounds a stream: then it ends UNAVAILABLE."""
    import echo_impl

    platform = m.echo_platform
    with m.rt.Server(
        [echo_impl.SyncEcho()],
        address="127.0.0.1:0",
        max_connection_age=0.5,
        max_connection_age_grace=0.5,
    ) as server:
        with platform.EchoServiceClient.connect(
            f"127.0.0.1:{server.port}", insecure=True, timeout=20
        ) as client:
            started = time.monotonic()
            stream = client.expand(m.echo_pb2.EchoRequest(count=-1))
            with pytest.raises(m.rt.UnavailableError):
                for _ in stream:
                    pass
            assert time.monotonic() - started < 5


# --- the README --------------------------------------------------------------


def _readme_block(name: str) -> str:
    readme = (REPO / "README.md").read_text()
    found = re.search(
        rf"<!-- replicas: {name} -->\n(```\w*\n.*?```|.*?\n\n)", readme, re.DOTALL
    )
    assert found, f"README.md has no '<!-- replicas: {name} -->' block"
    return found.group(1)


def test_the_readme_shows_the_configuration_tested(m: ModuleType) -> None:
    """The README's table of options is what connect() and Server set (the
    defaults the tests above run with), and its Kubernetes example and code
    agree on the port."""
    from platform_runtime._client.channels import keepalive_options
    from platform_runtime._server.serving import server_options

    rows = re.findall(
        r"^\| (.+?) \| `(.+?)` \| (\d+) \|$", _readme_block("options"), re.M
    )
    client = [(key, int(value)) for who, key, value in rows if "connect()" in who]
    server = [(key, int(value)) for who, key, value in rows if "serve()" in who]
    assert client == keepalive_options(m.rt.CLIENT_KEEPALIVE)
    assert sorted(server) == sorted(
        o for o in server_options() if o[0] != "grpc.so_reuseport"
    )
    kubernetes, python = _readme_block("kubernetes"), _readme_block("python")
    assert "clusterIP: None" in kubernetes  # headless
    assert kubernetes.count("port: 50051") == 3  # the service and both probes
    assert 'address="[::]:50051"' in python
    assert 'connect("dns:///etl.platform.svc.cluster.local:50051")' in python
    assert "{name: etl, namespace: platform}" in kubernetes
