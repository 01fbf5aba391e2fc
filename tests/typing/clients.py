"""Uses every public name added for clients in production; must pass
mypy --strict, with the response types intact."""

from __future__ import annotations

import grpc
from typing_extensions import assert_type

from auth.v1 import auth_pb2, auth_platform
from etl.v1 import etl_pb2, etl_platform
from platform_runtime import (
    AsyncRefreshingToken,
    Call,
    Grant,
    PendingCall,
    PlatformError,
    RefreshingToken,
    grant,
    open_async_channel,
    open_channel,
    service_config,
    start,
    with_call,
)


def sync_clients(target: str) -> None:
    channel = open_channel(
        target,
        etl_platform.EtlServiceClient,
        auth_platform.AuthServiceClient,
        insecure=True,
        options=[("grpc.keepalive_time_ms", 30_000)],
        compression=grpc.Compression.Gzip,
    )
    assert_type(channel, grpc.Channel)
    assert_type(service_config(etl_platform.EtlServiceClient), str)
    etl = etl_platform.EtlServiceClient(channel)
    assert_type(etl.channel, grpc.Channel)
    call = with_call(etl.get_pipeline, etl_pb2.GetPipelineRequest(pipeline_id="p"))
    assert_type(call, Call[etl_pb2.GetPipelineResponse])
    assert_type(call.response, etl_pb2.GetPipelineResponse)
    assert_type(call.request_id, str | None)
    run = with_call(etl.trigger_run, etl_pb2.TriggerRunRequest())
    assert_type(run.response, etl_pb2.Run)  # the result oneof's payload
    pending = start(etl.get_pipeline, etl_pb2.GetPipelineRequest())
    assert_type(pending, PendingCall[etl_pb2.GetPipelineResponse])
    assert_type(pending.result(timeout=1.0), etl_pb2.GetPipelineResponse)
    assert_type(pending.cancel(), bool)
    stream = etl.stream_run_events(etl_pb2.StreamRunEventsRequest())
    assert_type(stream.initial_metadata(), tuple[tuple[str, str | bytes], ...])
    pager = etl.list_pipelines(etl_pb2.ListPipelinesRequest())
    assert_type(pager.unreachable, list[str])
    try:
        etl.get_pipeline(etl_pb2.GetPipelineRequest())
    except PlatformError as error:
        assert_type(error.trailing_metadata, tuple[tuple[str, str | bytes], ...])
        assert_type(error.debug_error_string, str | None)
        assert_type(error.allow_retry, bool)
    auth = auth_platform.AuthServiceClient.connect(
        "auth.internal:443", token="t", interceptors=[], allow_plaintext_token=False
    )
    source = auth_platform.AuthServiceTokenSource(
        auth, auth_pb2.IssueTokenRequest(api_key_secret="k"), margin=30.0
    )
    assert_type(source(), str)
    etl_platform.EtlServiceClient.connect(target, token=source)
    own = RefreshingToken(lambda: ("t", None, ""), margin=10.0)
    assert_type(own(), str)
    assert_type(grant(auth_pb2.IssuedToken()), Grant)


async def async_clients(target: str) -> None:
    channel = open_async_channel(
        target, etl_platform.EtlServiceAsyncClient, insecure=True
    )
    assert_type(channel, grpc.aio.Channel)
    etl = etl_platform.EtlServiceAsyncClient(channel)
    assert_type(etl.channel, grpc.aio.Channel | None)
    call = await with_call(etl.get_pipeline, etl_pb2.GetPipelineRequest())
    assert_type(call, Call[etl_pb2.GetPipelineResponse])
    stream = etl.stream_run_events(etl_pb2.StreamRunEventsRequest())
    assert_type(await stream.trailing_metadata(), tuple[tuple[str, str | bytes], ...])
    auth = auth_platform.AuthServiceAsyncClient.connect(target, insecure=True)
    source = auth_platform.AuthServiceAsyncTokenSource(
        auth, auth_pb2.IssueTokenRequest()
    )
    assert_type(await source(), str)

    async def issue() -> Grant:
        return "t", None, ""

    AsyncRefreshingToken(issue)
