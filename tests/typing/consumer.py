"""A consumer of the SDK generated from proto/: type-checked, never run.

It uses every kind of method on both clients and both servicers, and
``assert_type`` pins what mypy must infer. tests/test_typing.py runs
``mypy --strict`` on it against the generated output.
"""

from __future__ import annotations

from typing import AsyncIterator, Iterator

import grpc
from typing_extensions import assert_type

from auth.v1 import auth_pb2, auth_platform
from config.v1 import config_pb2, config_platform
from data.v1 import bronze_pb2, bronze_platform
from etl.v1 import etl_pb2, etl_platform
from intelligence.v1 import calculation_pb2, calculation_platform
from platform_runtime import (
    AsyncPager,
    AsyncResponseStream,
    Pager,
    Paginator,
    PlatformError,
    ResponseStream,
    UnauthenticatedError,
)


def sync_calls(channel: grpc.Channel) -> None:
    auth = auth_platform.AuthServiceClient(channel, token=lambda: "t", timeout=None)
    request = auth_pb2.ValidateTokenRequest(token="x")
    validated = auth.validate_token(request, timeout=1.5)
    assert_type(validated, auth_pb2.ValidatedToken)
    revoked = auth.revoke_token(auth_pb2.RevokeTokenRequest())
    assert_type(revoked, auth_pb2.RevokeTokenResponse)

    config = config_platform.ConfigServiceClient(channel, metadata=[("k", "v")])
    events = config.watch_config(
        config_pb2.WatchConfigRequest(), metadata=[("a", b"b")]
    )
    assert_type(events, ResponseStream[config_pb2.WatchConfigResponse])
    for event in events:
        assert_type(event, config_pb2.WatchConfigResponse)
    events.cancel()

    bronze = bronze_platform.BronzeServiceClient(channel, token="static")
    summary = bronze.ingest_records(iter([bronze_pb2.IngestRecordsRequest(org_id=1)]))
    assert_type(summary, bronze_pb2.IngestRecordsResponse)

    calc = calculation_platform.CalculationServiceClient(channel)
    for result in calc.evaluate_stream([calculation_pb2.EvaluateStreamRequest()]):
        assert_type(result, calculation_pb2.EvaluateStreamResponse)

    try:
        auth.revoke_token(auth_pb2.RevokeTokenRequest())
    except PlatformError as error:
        assert_type(error.code, grpc.StatusCode)
        assert_type(error.field_violations, list[tuple[str, str]])
        assert_type(error.remote, bool)
        assert_type(error.forward(), PlatformError)

    etl = etl_platform.EtlServiceClient(channel)
    pager = etl.list_pipelines(etl_pb2.ListPipelinesRequest(), page_size=7, max_items=9)
    assert_type(pager, Pager[etl_pb2.Pipeline, etl_pb2.ListPipelinesResponse])
    for pipeline in pager:
        assert_type(pipeline, etl_pb2.Pipeline)
    for page in pager.pages:
        assert_type(page, etl_pb2.ListPipelinesResponse)
    assert_type(pager.first_page, etl_pb2.ListPipelinesResponse)
    assert_type(pager.next_page_token, str | None)
    assert_type(pager.total_size, int | None)

    with auth_platform.AuthServiceClient.connect("localhost:1", insecure=True) as owned:
        assert_type(owned, auth_platform.AuthServiceClient)
    assert_type(auth_platform.AuthServiceClient.SERVICE_CONFIG, str)


async def async_calls(channel: grpc.aio.Channel) -> None:
    async def token() -> str:
        return "t"

    auth = auth_platform.AuthServiceAsyncClient(channel, token=token)
    validated = await auth.validate_token(auth_pb2.ValidateTokenRequest())
    assert_type(validated, auth_pb2.ValidatedToken)

    config = config_platform.ConfigServiceAsyncClient(channel)
    events = config.watch_config(config_pb2.WatchConfigRequest())
    assert_type(events, AsyncResponseStream[config_pb2.WatchConfigResponse])
    async for event in events:
        assert_type(event, config_pb2.WatchConfigResponse)

    async def records() -> AsyncIterator[bronze_pb2.IngestRecordsRequest]:
        yield bronze_pb2.IngestRecordsRequest()

    bronze = bronze_platform.BronzeServiceAsyncClient(channel)
    assert_type(
        await bronze.ingest_records(records()), bronze_pb2.IngestRecordsResponse
    )
    assert_type(await bronze.ingest_records([]), bronze_pb2.IngestRecordsResponse)

    calc = calculation_platform.CalculationServiceAsyncClient(channel)
    async for result in calc.evaluate_stream([calculation_pb2.EvaluateStreamRequest()]):
        assert_type(result, calculation_pb2.EvaluateStreamResponse)

    etl = etl_platform.EtlServiceAsyncClient(channel)
    pager = await etl.list_pipelines(etl_pb2.ListPipelinesRequest())
    assert_type(pager, AsyncPager[etl_pb2.Pipeline, etl_pb2.ListPipelinesResponse])
    async for pipeline in pager:
        assert_type(pipeline, etl_pb2.Pipeline)
    async for page in pager.pages:
        assert_type(page, etl_pb2.ListPipelinesResponse)
    assert_type(pager.first_page, etl_pb2.ListPipelinesResponse)

    async with auth_platform.AuthServiceAsyncClient.connect("localhost:1") as owned:
        assert_type(owned, auth_platform.AuthServiceAsyncClient)


def forwarding(error: UnauthenticatedError) -> None:
    assert_type(error.forward(), UnauthenticatedError)


class Auth(auth_platform.AuthServiceServicer):
    def validate_token(
        self, request: auth_pb2.ValidateTokenRequest, context: grpc.ServicerContext
    ) -> auth_pb2.ValidatedToken:
        if not request.token:
            raise UnauthenticatedError("no token", reason="TOKEN_MISSING")
        return auth_pb2.ValidatedToken()


class Config(config_platform.ConfigServiceServicer):
    def watch_config(
        self, request: config_pb2.WatchConfigRequest, context: grpc.ServicerContext
    ) -> Iterator[config_pb2.WatchConfigResponse]:
        yield config_pb2.WatchConfigResponse()


class Bronze(bronze_platform.BronzeServiceServicer):
    def ingest_records(
        self,
        request_iterator: Iterator[bronze_pb2.IngestRecordsRequest],
        context: grpc.ServicerContext,
    ) -> bronze_pb2.IngestRecordsResponse:
        return bronze_pb2.IngestRecordsResponse(
            accepted_count=len(list(request_iterator))
        )


class AsyncCalc(calculation_platform.CalculationServiceAsyncServicer):
    async def evaluate_stream(
        self,
        request_iterator: AsyncIterator[calculation_pb2.EvaluateStreamRequest],
        context: grpc.aio.ServicerContext[
            calculation_pb2.EvaluateStreamRequest,
            calculation_pb2.EvaluateStreamResponse,
        ],
    ) -> AsyncIterator[calculation_pb2.EvaluateStreamResponse]:
        async for _ in request_iterator:
            yield calculation_pb2.EvaluateStreamResponse()


class AsyncConfig(config_platform.ConfigServiceAsyncServicer):
    async def get_config(
        self,
        request: config_pb2.GetConfigRequest,
        context: grpc.aio.ServicerContext[
            config_pb2.GetConfigRequest, config_pb2.GetConfigResponse
        ],
    ) -> config_pb2.GetConfigResponse:
        return config_pb2.GetConfigResponse()


class Etl(etl_platform.EtlServiceServicer):
    paginator = Paginator(b"sixteen-byte-key")

    def list_pipelines(
        self, request: etl_pb2.ListPipelinesRequest, context: grpc.ServicerContext
    ) -> etl_pb2.ListPipelinesResponse:
        page = self.paginator.page(request, [etl_pb2.Pipeline()])
        response = etl_pb2.ListPipelinesResponse()
        page.write_to(response)
        return response


def register(server: grpc.Server, aio_server: grpc.aio.Server) -> None:
    auth_platform.add_AuthServiceServicer_to_server(Auth(), server)
    config_platform.add_ConfigServiceServicer_to_server(Config(), server)
    bronze_platform.add_BronzeServiceServicer_to_server(Bronze(), aio_server)
    calculation_platform.add_CalculationServiceServicer_to_server(
        AsyncCalc(), aio_server
    )
    config_platform.add_ConfigServiceServicer_to_server(AsyncConfig(), aio_server)
