"""Uses the test kit as a test would; must pass mypy --strict."""

from __future__ import annotations

import datetime
from typing import Iterator

import grpc
from typing_extensions import assert_type

from auth.v1 import auth_pb2, auth_platform
from auth.v1.auth_testing import AuthServiceFake
from data.v1 import bronze_pb2
from data.v1.bronze_testing import BronzeServiceFake
from etl.v1 import etl_pb2, etl_platform
from etl.v1.etl_testing import EtlServiceFake
from intelligence.v1 import calculation_pb2
from intelligence.v1.calculation_testing import CalculationServiceFake
from platform_runtime import NotFoundError, PlatformError, UnavailableError
from platform_runtime.testing import (
    FakeBidiStream,
    FakePager,
    FakeUnary,
    RecordedCall,
    error,
    serving,
    serving_async,
)


def programmed() -> AuthServiceFake:
    fake = AuthServiceFake()
    fake.validate_token.returns(auth_pb2.ValidatedToken())
    fake.revoke_token.raises(error(UnavailableError, "warming up")).returns(
        auth_pb2.RevokeTokenResponse()
    )
    fake.get_api_key.calls_through(
        lambda request, context: auth_pb2.GetApiKeyResponse(
            api_key=auth_pb2.ApiKey(api_key_id=request.api_key_id)
        )
    )
    chained = fake.list_api_keys.returns_items([auth_pb2.ApiKey()]).raises(
        error(NotFoundError, "gone", retry_after=datetime.timedelta(seconds=1))
    )
    assert_type(
        chained,
        FakePager[
            auth_pb2.ListApiKeysRequest, auth_pb2.ListApiKeysResponse, auth_pb2.ApiKey
        ],
    )
    assert_type(
        fake.revoke_token,
        FakeUnary[auth_pb2.RevokeTokenRequest, auth_pb2.RevokeTokenResponse],
    )
    assert_type(error(NotFoundError, "gone"), NotFoundError)
    assert_type(error(grpc.StatusCode.NOT_FOUND, "gone"), PlatformError)
    return fake


def streams() -> None:
    etl = EtlServiceFake()
    etl.stream_run_events.streams(
        [etl_pb2.StreamRunEventsResponse()], then=error(UnavailableError, "lost")
    )

    def events(
        request: etl_pb2.StreamRunEventsRequest, context: grpc.ServicerContext
    ) -> Iterator[etl_pb2.StreamRunEventsResponse]:
        yield etl_pb2.StreamRunEventsResponse(
            event=etl_pb2.RunEvent(sequence=request.after_sequence + 1)
        )

    etl.stream_run_events.calls_through(events)
    bronze = BronzeServiceFake()
    bronze.ingest_records.calls_through(
        lambda requests, context: bronze_pb2.IngestRecordsResponse(
            accepted_count=len(requests)
        )
    )
    calculation = CalculationServiceFake()
    calculation.evaluate_stream.streams([calculation_pb2.EvaluateStreamResponse()])
    assert_type(
        calculation.evaluate_stream,
        FakeBidiStream[
            calculation_pb2.EvaluateStreamRequest,
            calculation_pb2.EvaluateStreamResponse,
        ],
    )
    for call in bronze.ingest_records.calls:
        assert_type(call.request, list[bronze_pb2.IngestRecordsRequest])


def recorded(fake: AuthServiceFake) -> str:
    call = fake.validate_token.calls[0]
    assert_type(call, RecordedCall[auth_pb2.ValidateTokenRequest])
    assert_type(call.token, "str | None")
    assert_type(call.request_id, "str | None")
    assert_type(call.time_remaining, "float | None")
    return call.request.token


def served(fake: AuthServiceFake, principal: auth_pb2.Principal) -> None:
    with serving(fake, principal=principal) as channel:
        assert_type(channel, grpc.Channel)
        client = auth_platform.AuthServiceClient(channel, token="t")
        client.validate_token(auth_pb2.ValidateTokenRequest(token="t"))


async def served_async(fake: EtlServiceFake) -> None:
    async with serving_async(fake) as channel:
        assert_type(channel, grpc.aio.Channel)
        client = etl_platform.EtlServiceAsyncClient(channel)
        await client.get_pipeline(etl_pb2.GetPipelineRequest())
