"""What each checker infers for the SDK's public surface: each revealed
expression marked ``# reveal: TYPE`` must reveal TYPE (names unqualified)
under mypy --strict and basedpyright --strict (tests/test_typing.py)."""

# Each "# reveal" must stay on the line it names:
# fmt: off
from __future__ import annotations

import grpc

from auth.v1 import auth_pb2, auth_platform
from common import errors_pb2
from config.v1 import config_pb2, config_platform
from data.v1 import bronze_pb2, bronze_platform
from etl.v1 import etl_pb2, etl_platform
from intelligence.v1 import calculation_pb2, calculation_platform
from platform_runtime import Paginator, PlatformError

PAGINATOR = Paginator(b"sixteen-byte-key")


def clients(channel: grpc.Channel) -> None:
    auth = auth_platform.AuthServiceClient(channel)
    reveal_type(auth.validate_token(auth_pb2.ValidateTokenRequest()))  # reveal: ValidatedToken
    reveal_type(auth.revoke_token(auth_pb2.RevokeTokenRequest()))  # reveal: RevokeTokenResponse
    etl = etl_platform.EtlServiceClient(channel)
    pager = etl.list_pipelines(etl_pb2.ListPipelinesRequest())
    reveal_type(pager)  # reveal: Pager[Pipeline, ListPipelinesResponse]
    for pipeline in pager:
        reveal_type(pipeline)  # reveal: Pipeline
    for page in pager.pages:
        reveal_type(page)  # reveal: ListPipelinesResponse
    reveal_type(pager.first_page)  # reveal: ListPipelinesResponse
    reveal_type(pager.next_page_token)  # reveal: str | None
    reveal_type(pager.total_size)  # reveal: int | None
    events = config_platform.ConfigServiceClient(channel).watch_config(config_pb2.WatchConfigRequest())
    for event in events:
        reveal_type(event)  # reveal: WatchConfigResponse
    bronze = bronze_platform.BronzeServiceClient(channel)
    reveal_type(bronze.ingest_records([bronze_pb2.IngestRecordsRequest()]))  # reveal: IngestRecordsResponse
    calculation = calculation_platform.CalculationServiceClient(channel)
    for result in calculation.evaluate_stream([calculation_pb2.EvaluateStreamRequest()]):
        reveal_type(result)  # reveal: EvaluateStreamResponse


async def async_clients(channel: grpc.aio.Channel) -> None:
    auth = auth_platform.AuthServiceAsyncClient(channel)
    reveal_type(await auth.validate_token(auth_pb2.ValidateTokenRequest()))  # reveal: ValidatedToken
    etl = etl_platform.EtlServiceAsyncClient(channel)
    pager = await etl.list_pipelines(etl_pb2.ListPipelinesRequest())
    reveal_type(pager)  # reveal: AsyncPager[Pipeline, ListPipelinesResponse]
    async for page in pager.pages:
        reveal_type(page)  # reveal: ListPipelinesResponse
    reveal_type(pager.first_page)  # reveal: ListPipelinesResponse
    async for event in etl.stream_run_events(etl_pb2.StreamRunEventsRequest()):
        reveal_type(event)  # reveal: StreamRunEventsResponse


def errors(error: PlatformError) -> None:
    reveal_type(error.error)  # reveal: Message | None
    reveal_type(error.error_as(errors_pb2.Error))  # reveal: Error
    reveal_type(error.error_as(errors_pb2.Error).reason)  # reveal: str
    reveal_type(error.details)  # reveal: list[Message]
    reveal_type(error.field_violations)  # reveal: list[tuple[str, str]]


def serving(request: etl_pb2.ListPipelinesRequest, items: list[etl_pb2.Pipeline]) -> None:
    page = PAGINATOR.page(request, items)
    reveal_type(page)  # reveal: Page[Pipeline]
    reveal_type(page.write_to(etl_pb2.ListPipelinesResponse()))  # reveal: ListPipelinesResponse
    reveal_type(etl_platform.EtlServiceServicer.list_pipelines_response(page))  # reveal: ListPipelinesResponse
