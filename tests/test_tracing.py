"""OpenTelemetry through its own grpc instrumentation, in a clean process: one
client span and one server span per call, in one trace, with the status code
and (on the server span) the request ID."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.instrumentation.grpc import GrpcInstrumentorClient, GrpcInstrumentorServer

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
GrpcInstrumentorClient().instrument()  # the two lines that turn tracing on
GrpcInstrumentorServer().instrument()

import platform_runtime as rt
from etl.v1 import etl_pb2, etl_platform

class Etl(etl_platform.EtlServiceServicer):
    def get_pipeline(self, request, context):
        if request.pipeline_id == "missing":
            raise rt.NotFoundError("no such pipeline")
        return etl_pb2.GetPipelineResponse()

with rt.Server([Etl()], address="127.0.0.1:0", health=False, reflection=False) as server:
    with etl_platform.EtlServiceClient.connect(f"127.0.0.1:{server.port}", insecure=True) as client:
        client.get_pipeline(etl_pb2.GetPipelineRequest(pipeline_id="p1"),
                            metadata=[("x-request-id", "req-1")])
        try:
            client.get_pipeline(etl_pb2.GetPipelineRequest(pipeline_id="missing"),
                                metadata=[("x-request-id", "req-2")])
        except rt.NotFoundError:
            pass
print(json.dumps([
    {
        "name": span.name,
        "kind": span.kind.name,
        "trace": span.context.trace_id,
        "span": span.context.span_id,
        "parent": span.parent.span_id if span.parent else None,
        "attributes": {k: v for k, v in span.attributes.items()},
    }
    for span in exporter.get_finished_spans()
]))
"""


def test_spans_for_client_and_server_in_one_trace(sdk_out: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(sdk_out)},
    )
    assert result.returncode == 0, result.stderr
    spans = json.loads(result.stdout.strip().splitlines()[-1])
    clients = [s for s in spans if s["kind"] == "CLIENT"]
    servers = [s for s in spans if s["kind"] == "SERVER"]
    assert len(clients) == 2 and len(servers) == 2
    for client, server, request_id, code in zip(
        clients, servers, ["req-1", "req-2"], [0, 5]
    ):
        assert (
            client["name"]
            == server["name"]
            == "/platform.etl.v1.EtlService/GetPipeline"
        )
        assert server["trace"] == client["trace"] and server["parent"] == client["span"]
        assert client["attributes"]["rpc.grpc.status_code"] == code
        assert server["attributes"]["rpc.grpc.status_code"] == code
        assert server["attributes"]["rpc.request_id"] == request_id
    assert clients[0]["trace"] != clients[1]["trace"]
