"""An idle client, left alone for over three keepalive intervals, in a
subprocess that starts with the test session (conftest.py starts it when
test_replicas' keepalive test is selected), so its minute of waiting overlaps
the other tests.

Run as a script, it generates the echo SDK, serves it twice (the serving
runtime's Server with its defaults, and grpc's own server with grpc's
defaults), connects one client to each with connect()'s defaults, makes a
call, leaves both idle for 3.5 keepalive intervals, makes a call again, and
prints a JSON report: for each, whether the connection was lost meanwhile
(connectivity left READY) and how the call went; the ports that grpc logged a
GOAWAY ``too_many_pings`` for; the interval.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures
from pathlib import Path
from typing import IO, Any

TESTS = Path(__file__).resolve().parent
_probe: subprocess.Popen[str] | None = None
_stderr: IO[str] | None = None
TEST = "test_replicas.py::test_an_idle_client_keeps_its_connection"


def start() -> None:
    """Start the probe (once)."""
    global _probe, _stderr
    if _probe is not None:
        return
    _stderr = tempfile.TemporaryFile("w+")
    _probe = subprocess.Popen(
        [sys.executable, str(Path(__file__))],
        stdout=subprocess.PIPE,
        stderr=_stderr,
        text=True,
        env={**os.environ, "GRPC_VERBOSITY": "ERROR"},
    )


def result() -> dict[str, Any]:
    """The probe's report (starting it now if the session did not)."""
    start()
    assert _probe is not None and _stderr is not None
    stdout, _ = _probe.communicate(timeout=300)
    _stderr.seek(0)
    logged = _stderr.read()
    assert _probe.returncode == 0, logged[-3000:]
    report: dict[str, Any] = json.loads(stdout)
    report["too_many_pings"] = [
        int(port)
        for port in re.findall(r"127\.0\.0\.1:(\d+).*GOAWAY.*too_many_pings", logged)
    ]
    return report


def stop() -> None:
    """Stop the probe if it still runs."""
    if _probe is not None and _probe.poll() is None:
        _probe.kill()
        _probe.wait(10)


def _probe_main() -> None:
    sys.path.insert(0, str(TESTS))
    from support import protoc, proto_files

    with tempfile.TemporaryDirectory(prefix="keepalive-probe-") as out:
        protoc(Path(out), proto_files(TESTS / "protos"), include=TESTS / "protos")
        sys.path.insert(0, out)
        _idle_clients()


def _idle_clients() -> None:
    """Serve twice, connect a client to each, leave both idle, call again,
    and print the report (the module's docstring says what is in it)."""
    import grpc

    import platform_runtime as rt
    from demo.echo.v1 import echo_pb2, echo_platform
    from replicas import Replica
    from servers import LOOPBACK_OPTIONS

    ours = rt.Server([Replica("ours")], address="127.0.0.1:0")
    ours_port = ours.start()
    plain = grpc.server(futures.ThreadPoolExecutor(4), options=LOOPBACK_OPTIONS)
    echo_platform.add_EchoServiceServicer_to_server(Replica("plain"), plain)
    plain_port = plain.add_insecure_port("127.0.0.1:0")
    plain.start()
    watched = {}
    for name, port in (("ours", ours_port), ("plain", plain_port)):
        client = echo_platform.EchoServiceClient.connect(
            f"127.0.0.1:{port}", insecure=True
        )
        client.echo(echo_pb2.EchoRequest())
        lost: list[str] = []
        ready = threading.Event()

        def seen(
            state: grpc.ChannelConnectivity,
            lost: list[str] = lost,
            ready: threading.Event = ready,
        ) -> None:
            if state is grpc.ChannelConnectivity.READY:
                ready.set()
            elif ready.is_set():
                lost.append(state.name)

        client.channel.subscribe(seen)
        watched[name] = (client, lost, port)
    started = time.monotonic()
    time.sleep(3.5 * rt.CLIENT_KEEPALIVE)
    idle = time.monotonic() - started
    # grpc's server sends its GOAWAY on the third early ping, about three
    # intervals in; on a loaded machine the client's connectivity callback
    # can come seconds after it. Wait for it (ten seconds at most),
    # so that a late callback is not taken for a connection kept.
    plain_lost = watched["plain"][1]
    deadline = time.monotonic() + 10
    while not plain_lost and time.monotonic() < deadline:
        time.sleep(0.1)
    report: dict[str, Any] = {"keepalive": rt.CLIENT_KEEPALIVE}
    for name, (client, lost, port) in watched.items():
        lost_then = list(lost)
        try:
            client.echo(echo_pb2.EchoRequest(), timeout=10)
            call = "ok"
        except rt.PlatformError as error:
            call = str(error)
        report[name] = {
            "port": port,
            "lost": lost_then,
            "call": call,
            "idle_seconds": idle,
        }
        client.close()
    ours.stop(None)
    plain.stop(None)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    _probe_main()
