"""Runtime cost of the generated SDK, side by side with raw grpc, on loopback.

Measures, against a server in another process:

* unary latency and throughput through the generated sync and async clients,
  against the channel's raw multicallable;
* iterating a pager over 10,000 items, against a hand-written loop of raw
  calls that follows the page tokens;
* the cost of a failed call raised as a typed error, against catching
  grpc's RpcError;
* a token check of the serving runtime's auth interceptor when the caching
  validator knows the token, against the ValidateToken call it saves;
* ``with_call()``, which also returns the response's metadata, against the
  raw multicallable's ``with_call``; and what every call pays for its
  ``x-request-id`` and the call-log check (logger off), against a raw call;
* the import time of a generated ``_platform`` module, against the matching
  ``_pb2_grpc`` module of grpc's own plugin;
* starting and stopping the test kit's ``serving()`` with one fake, against
  a bare grpc server and channel (target: under 20 ms);
* and the size of the test kit: the lines each service's ``_testing`` module
  adds to its ``_platform`` module (target: at most 25%).

Writes ``results/runtime.md``. Run it with ``make bench`` (or
``.venv/bin/python benchmarks/runtime.py``).
"""

from __future__ import annotations

import argparse
import compileall
import asyncio
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from _common import RESULTS, alternate, markdown_table, median, verdict
from support import proto_files, protoc

SERVER = textwrap.dedent("""
    import sys
    from concurrent import futures
    import grpc
    import platform_runtime as rt
    from auth.v1 import auth_pb2, auth_platform
    from etl.v1 import etl_pb2, etl_platform

    ITEMS = [etl_pb2.Pipeline(pipeline_id=f"p{i:05d}") for i in range(10_000)]
    PAGINATOR = rt.Paginator(b"bench-paging-key", default_page_size=100, max_page_size=1000)

    class Etl(etl_platform.EtlServiceServicer):
        def get_pipeline(self, request, context):
            return etl_pb2.GetPipelineResponse(pipeline=ITEMS[0])

        def list_pipelines(self, request, context):
            return PAGINATOR.page(request, ITEMS).write_to(etl_pb2.ListPipelinesResponse())

    class Auth(auth_platform.AuthServiceServicer):
        def validate_token(self, request, context):
            validated = auth_pb2.ValidatedToken(
                principal=auth_pb2.Principal(principal_id="usr_1"))
            validated.expires_in.FromSeconds(3600)
            return validated

        def revoke_token(self, request, context):
            raise rt.NotFoundError("no such token", reason="TOKEN_NOT_FOUND",
                                   domain="auth.platform", metadata={"id": "t1"})

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    etl_platform.add_EtlServiceServicer_to_server(Etl(), server)
    auth_platform.add_AuthServiceServicer_to_server(Auth(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(None)
    """)

GET = "/platform.etl.v1.EtlService/GetPipeline"
LIST = "/platform.etl.v1.EtlService/ListPipelines"
REVOKE = "/platform.auth.v1.AuthService/RevokeToken"


def generate(out: Path) -> None:
    """The SDK for proto/, with grpc's own stubs beside it for comparison."""
    protoc(out, proto_files(), outputs=("python", "grpc_python", "platform"))


def start_server(sdk: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(sdk)}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    return process, f"127.0.0.1:{port}"


def unary(target: str, calls: int, rounds: int) -> dict[str, list[float]]:
    import grpc
    from etl.v1 import etl_pb2, etl_platform

    channel = grpc.insecure_channel(target)
    client = etl_platform.EtlServiceClient(channel)
    raw = channel.unary_unary(
        GET,
        request_serializer=etl_pb2.GetPipelineRequest.SerializeToString,
        response_deserializer=etl_pb2.GetPipelineResponse.FromString,
    )
    request = etl_pb2.GetPipelineRequest(pipeline_id="p1")

    def ours() -> None:
        for _ in range(calls):
            client.get_pipeline(request)

    def theirs() -> None:
        for _ in range(calls):
            raw(request, timeout=30.0)

    try:
        return alternate(
            {"generated sync client": ours, "raw multicallable": theirs}, rounds
        )
    finally:
        channel.close()


def with_call_sync(target: str, calls: int, rounds: int) -> dict[str, list[float]]:
    import grpc
    import platform_runtime as rt
    from etl.v1 import etl_pb2, etl_platform

    channel = grpc.insecure_channel(target)
    client = etl_platform.EtlServiceClient(channel)
    raw = channel.unary_unary(
        GET,
        request_serializer=etl_pb2.GetPipelineRequest.SerializeToString,
        response_deserializer=etl_pb2.GetPipelineResponse.FromString,
    )
    request = etl_pb2.GetPipelineRequest(pipeline_id="p1")

    def ours() -> None:
        for _ in range(calls):
            rt.with_call(client.get_pipeline, request)

    def theirs() -> None:
        for _ in range(calls):
            raw.with_call(request, timeout=30.0)

    try:
        return alternate(
            {"with_call()": ours, "raw multicallable with_call": theirs}, rounds
        )
    finally:
        channel.close()


def per_call_extras(target: str, calls: int, rounds: int) -> dict[str, list[float]]:
    """What every call pays for its x-request-id and the call-log check (with
    the logger off), against the whole of a raw call."""
    import uuid

    import grpc
    from etl.v1 import etl_pb2
    from platform_runtime._client.calllog import start_log

    channel = grpc.insecure_channel(target)
    raw = channel.unary_unary(
        GET,
        request_serializer=etl_pb2.GetPipelineRequest.SerializeToString,
        response_deserializer=etl_pb2.GetPipelineResponse.FromString,
    )
    request = etl_pb2.GetPipelineRequest(pipeline_id="p1")

    def ours() -> None:
        for _ in range(calls):
            start_log(GET, (("x-request-id", uuid.uuid4().hex),))

    def theirs() -> None:
        for _ in range(calls):
            raw(request, timeout=30.0)

    try:
        return alternate(
            {"request ID + call-log check": ours, "a raw call": theirs}, rounds
        )
    finally:
        channel.close()


def unary_async(target: str, calls: int, rounds: int) -> dict[str, list[float]]:
    import grpc
    from etl.v1 import etl_pb2, etl_platform

    async def scenario() -> dict[str, list[float]]:
        channel = grpc.aio.insecure_channel(target)
        client = etl_platform.EtlServiceAsyncClient(channel)
        raw = channel.unary_unary(
            GET,
            request_serializer=etl_pb2.GetPipelineRequest.SerializeToString,
            response_deserializer=etl_pb2.GetPipelineResponse.FromString,
        )
        request = etl_pb2.GetPipelineRequest(pipeline_id="p1")
        timings: dict[str, list[float]] = {
            "generated async client": [],
            "raw aio multicallable": [],
        }
        loop = asyncio.get_running_loop()

        async def ours() -> None:
            for _ in range(calls):
                await client.get_pipeline(request)

        async def theirs() -> None:
            for _ in range(calls):
                await raw(request, timeout=30.0)

        contenders = [
            ("generated async client", ours),
            ("raw aio multicallable", theirs),
        ]
        for round_number in range(rounds + 1):
            for name, run in contenders if round_number % 2 == 0 else contenders[::-1]:
                start = loop.time()
                await run()
                timings[name].append(loop.time() - start)
        await channel.close()
        return {
            name: values[1:] for name, values in timings.items()
        }  # first is warm-up

    return asyncio.run(scenario())


def pager(target: str, rounds: int) -> dict[str, list[float]]:
    import grpc
    from etl.v1 import etl_pb2, etl_platform

    channel = grpc.insecure_channel(target)
    client = etl_platform.EtlServiceClient(channel)
    raw = channel.unary_unary(
        LIST,
        request_serializer=etl_pb2.ListPipelinesRequest.SerializeToString,
        response_deserializer=etl_pb2.ListPipelinesResponse.FromString,
    )

    def ours() -> None:
        count = sum(
            1
            for _ in client.list_pipelines(
                etl_pb2.ListPipelinesRequest(), page_size=100
            )
        )
        assert count == 10_000

    def theirs() -> None:
        request = etl_pb2.ListPipelinesRequest()
        request.pagination.page_size = 100
        count = 0
        while True:
            response = raw(request, timeout=30.0)
            for _ in response.pipelines:
                count += 1
            if not response.pagination.next_page_token:
                break
            request.pagination.page_token = response.pagination.next_page_token
        assert count == 10_000

    try:
        return alternate({"Pager": ours, "hand-written loop": theirs}, rounds)
    finally:
        channel.close()


def errors(target: str, calls: int, rounds: int) -> dict[str, list[float]]:
    import grpc
    import platform_runtime as rt
    from auth.v1 import auth_pb2, auth_platform

    channel = grpc.insecure_channel(target)
    client = auth_platform.AuthServiceClient(channel)
    raw = channel.unary_unary(
        REVOKE,
        request_serializer=auth_pb2.RevokeTokenRequest.SerializeToString,
        response_deserializer=auth_pb2.RevokeTokenResponse.FromString,
    )
    request = auth_pb2.RevokeTokenRequest()

    def ours() -> None:
        for _ in range(calls):
            try:
                client.revoke_token(request)
            except rt.NotFoundError as error:
                assert error.reason == "TOKEN_NOT_FOUND"

    def theirs() -> None:
        for _ in range(calls):
            try:
                raw(request, timeout=30.0)
            except grpc.RpcError as error:
                assert error.code() is grpc.StatusCode.NOT_FOUND  # type: ignore[attr-defined]

    try:
        return alternate(
            {"typed error (decoded details)": ours, "raw RpcError": theirs}, rounds
        )
    finally:
        channel.close()


def token_checks(target: str, calls: int, rounds: int) -> dict[str, list[float]]:
    from auth.v1 import auth_pb2, auth_platform

    client = auth_platform.AuthServiceClient.connect(target, insecure=True)
    validator = auth_platform.AuthServiceTokenValidator(client)
    request = auth_pb2.ValidateTokenRequest(token="t")

    def ours() -> None:
        for _ in range(calls):
            validator("t")

    def theirs() -> None:
        for _ in range(calls):
            client.validate_token(request)

    try:
        return alternate(
            {"cached (AuthServiceTokenValidator)": ours, "ValidateToken call": theirs},
            rounds,
        )
    finally:
        client.close()


def serving_start_stop(rounds: int, times: int = 10) -> dict[str, list[float]]:
    """``with serving(fake): ...`` against a bare grpc server (the fake
    registered, a port from :0) and an insecure channel, ``times`` a round."""
    from concurrent import futures

    import grpc
    from auth.v1 import auth_pb2, auth_platform
    from auth.v1.auth_testing import AuthServiceFake
    from platform_runtime.testing import serving

    fake = AuthServiceFake()
    fake.validate_token.returns(auth_pb2.ValidatedToken())

    def ours() -> None:
        for _ in range(times):
            with serving(fake):
                pass

    def theirs() -> None:
        for _ in range(times):
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
            auth_platform.add_AuthServiceServicer_to_server(fake, server)
            port = server.add_insecure_port("127.0.0.1:0")
            server.start()
            with grpc.insecure_channel(f"127.0.0.1:{port}"):
                pass
            server.stop(None)

    return alternate({"serving(fake)": ours, "bare grpc server": theirs}, rounds)


def kit_growth(sdk: Path) -> tuple[list[list[str]], float]:
    """Rows of the test kit's size per generated module, and the largest
    growth it makes, as a fraction of the ``_platform`` module's lines."""
    rows, worst = [], 0.0
    for platform in sorted(sdk.rglob("*_platform.py")):
        testing = platform.with_name(platform.name.replace("_platform", "_testing"))
        ours = len(platform.read_text().splitlines())
        kit = len(testing.read_text().splitlines())
        worst = max(worst, kit / ours)
        name = platform.relative_to(sdk).as_posix()
        rows.append([name, f"{ours:,}", f"{kit:,}", f"{kit / ours:.1%}"])
    return rows, worst


TOTAL_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
ADDED_PROBE = (
    "import time, grpc, google.protobuf, etl.v1.etl_pb2; t = time.perf_counter(); "
    "import {module}; print(time.perf_counter() - t)"
)


def import_times(sdk: Path, rounds: int, probe: str) -> dict[str, list[float]]:
    """Seconds to import each module in a fresh interpreter.

    The SDK is byte-compiled first, as pip does when it installs a wheel.
    """
    compileall.compile_dir(str(sdk), quiet=1)
    env = {**os.environ, "PYTHONPATH": str(sdk)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def run(module: str) -> float:
        code = probe.format(module=module)
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return float(out.stdout)

    times: dict[str, list[float]] = {"etl_platform": [], "etl_pb2_grpc": []}
    run("etl.v1.etl_platform")  # warm the file cache
    for _ in range(rounds):
        times["etl_platform"].append(run("etl.v1.etl_platform"))
        times["etl_pb2_grpc"].append(run("etl.v1.etl_pb2_grpc"))
    return times


class Absolute:
    """A target on our median time itself, not on a ratio."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--calls", type=int, default=500, help="calls per round")
    parser.add_argument(
        "--only", default="", help="measure only the rows whose title has this"
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sdk = Path(tmp)
        print("generating the SDK ...", file=sys.stderr)
        generate(sdk)
        sys.path.insert(0, str(sdk))
        growth_rows, worst = kit_growth(sdk)
        server, target = start_server(sdk)
        try:
            for title, target_ratio, run in [
                ("unary, sync", 1.05, lambda: unary(target, args.calls, args.rounds)),
                (
                    "with_call, sync",
                    1.10,
                    lambda: with_call_sync(target, args.calls, args.rounds),
                ),
                (
                    "per-call request ID and logging hook (off)",
                    0.03,
                    lambda: per_call_extras(target, args.calls, args.rounds),
                ),
                (
                    "unary, async",
                    1.05,
                    lambda: unary_async(target, args.calls, args.rounds),
                ),
                (
                    "pager, 10,000 items in pages of 100",
                    1.05,
                    lambda: pager(target, args.rounds),
                ),
                ("failed call", None, lambda: errors(target, args.calls, args.rounds)),
                (
                    "serving() start and stop, one fake",
                    Absolute(0.020),
                    lambda: serving_start_stop(args.rounds),
                ),
                (
                    "token check of the auth interceptor",
                    None,
                    lambda: token_checks(target, args.calls, args.rounds),
                ),
                (
                    "import time, fresh interpreter",
                    1.5,
                    lambda: import_times(sdk, args.rounds, TOTAL_PROBE),
                ),
                (
                    "import time added to grpc and etl_pb2",
                    None,
                    lambda: import_times(sdk, args.rounds, ADDED_PROBE),
                ),
            ]:
                if args.only not in title:
                    continue
                print(f"measuring {title} ...", file=sys.stderr)
                timings = run()
                (ours, ours_t), (theirs, theirs_t) = timings.items()
                # Rounds are paired (interleaved): the median of the per-round
                # ratios resists this machine's drifting noise better than a
                # ratio of medians.
                ratio = median([a / b for a, b in zip(ours_t, theirs_t)])
                per = (
                    args.calls
                    if title.startswith(
                        ("unary", "failed", "token", "with_call", "per-call")
                    )
                    else 10 if title.startswith("serving") else 1
                )
                if isinstance(target_ratio, Absolute):
                    seconds = median(ours_t) / per
                    target_text = (
                        f"< {target_ratio.seconds * 1e3:.0f} ms "
                        f"{verdict(seconds, target_ratio.seconds)}"
                    )
                elif target_ratio is None:
                    target_text = "(reported)"
                else:
                    target_text = f"≤ {target_ratio} {verdict(ratio, target_ratio)}"
                rows.append(
                    [
                        title,
                        f"{ours}: {median(ours_t) / per * 1e6:,.1f} µs",
                        f"{theirs}: {median(theirs_t) / per * 1e6:,.1f} µs",
                        f"{ratio:.3f}",
                        target_text,
                    ]
                )
                if title.startswith("unary"):
                    rows[-1][1] += f" ({per / median(ours_t):,.0f} calls/s)"
                    rows[-1][2] += f" ({per / median(theirs_t):,.0f} calls/s)"
        finally:
            assert server.stdin is not None
            server.stdin.close()
            server.wait(10)
    table = markdown_table(
        ["what", "ours (median)", "baseline (median)", "ratio", "target"], rows
    )
    report = (
        "# Runtime benchmarks\n\n"
        f"Medians of {args.rounds} interleaved rounds on this machine; the ratio is "
        "the median of the per-round ratios "
        f"({os.cpu_count()} cores), server in a separate process on 127.0.0.1. "
        "Times are per call, or per full iteration for the pager, or per import.\n\n"
        + table
    )
    if not args.only:
        report += (
            "\n## The test kit's size\n\n"
            "Lines of each file's ``_testing`` module (its fakes) against its "
            "``_platform`` module: the growth the test kit makes, per service file "
            "(its servicers also gained one line each, their ``SERVICE_CONFIG``). "
            f"Largest: {worst:.1%}, target ≤ 25% {verdict(worst, 0.25)}.\n\n"
            + markdown_table(
                ["module", "_platform lines", "_testing lines", "growth"], growth_rows
            )
        )
    (RESULTS / "runtime.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
