"""Uses every public name of the serving runtime; must pass mypy --strict."""

from __future__ import annotations

import asyncio
import logging

import grpc
from typing_extensions import assert_type

from auth.v1 import auth_pb2, auth_platform
from etl.v1 import etl_pb2, etl_platform
from platform_runtime import (
    AsyncContext,
    AsyncHealth,
    Health,
    REQUEST_ID_HEADER,
    AsyncAuthInterceptor,
    AsyncCachingValidator,
    AsyncServer,
    AuthInterceptor,
    CachingValidator,
    NotFoundError,
    PlatformError,
    RequestIdFilter,
    Server,
    Service,
    abort,
    abort_async,
    add_health,
    add_health_async,
    add_reflection,
    current_principal,
    current_request_id,
    serve,
    serve_async,
    time_remaining,
    to_status,
)


class Etl(etl_platform.EtlServiceServicer):
    def get_pipeline(
        self, request: etl_pb2.GetPipelineRequest, context: grpc.ServicerContext
    ) -> etl_pb2.GetPipelineResponse:
        principal = current_principal(auth_pb2.Principal)
        assert_type(principal, auth_pb2.Principal)
        assert_type(current_request_id(), str | None)
        assert_type(time_remaining(), float | None)
        if not request.pipeline_id:
            abort(context, NotFoundError("no id", reason="MISSING"))
        return etl_pb2.GetPipelineResponse()

    def trigger_run(
        self, request: etl_pb2.TriggerRunRequest, context: grpc.ServicerContext
    ) -> etl_pb2.Run:
        raise NotFoundError("paused", reason="PIPELINE_PAUSED", in_band=True)


class AsyncEtl(etl_platform.EtlServiceAsyncServicer):
    async def get_pipeline(
        self,
        request: etl_pb2.GetPipelineRequest,
        context: grpc.aio.ServicerContext[
            etl_pb2.GetPipelineRequest, etl_pb2.GetPipelineResponse
        ],
    ) -> etl_pb2.GetPipelineResponse:
        await abort_async(context, NotFoundError("gone"))


def building_blocks(server: grpc.Server, aio_server: grpc.aio.Server) -> None:
    service: Service = Etl.SERVICE
    assert_type(service.name, str)
    health = add_health(server, [service.name])
    assert_type(health, Health)
    health.enter_graceful_shutdown()
    add_reflection(server, [service.name])
    status: grpc.Status = to_status(NotFoundError("x"))
    assert_type(REQUEST_ID_HEADER, str)
    logging.getLogger().addFilter(RequestIdFilter())
    error: PlatformError = NotFoundError("x")
    assert_type(error.in_band, bool)
    del status


async def async_building_blocks(server: grpc.aio.Server) -> None:
    health = await add_health_async(server, ["platform.etl.v1.EtlService"])
    assert_type(health, AsyncHealth)
    await health.enter_graceful_shutdown()


class ShortSignatures(etl_platform.EtlServiceAsyncServicer):
    async def get_pipeline(
        self, request: etl_pb2.GetPipelineRequest, context: AsyncContext
    ) -> etl_pb2.GetPipelineResponse:
        await abort_async(context, NotFoundError("gone"))


def validators(
    client: auth_platform.AuthServiceClient,
    async_client: auth_platform.AuthServiceAsyncClient,
) -> None:
    stock = auth_platform.AuthServiceTokenValidator(
        client, auth_pb2.ValidateTokenRequest(audience="etl"), max_ttl=60
    )
    assert_type(stock("token"), auth_pb2.Principal)
    astock = auth_platform.AuthServiceAsyncTokenValidator(async_client)
    own = CachingValidator(lambda token: (token.upper(), 60.0))
    assert_type(own("t"), str)

    async def check(token: str) -> tuple[int, float]:
        return len(token), 1.0

    aown = AsyncCachingValidator(check)
    interceptors = [AuthInterceptor(stock, exempt=["platform.auth.v1.AuthService"])]
    grpc.server(None, interceptors=interceptors)  # type: ignore[arg-type]
    AsyncAuthInterceptor(astock)
    AsyncAuthInterceptor(aown)


def serving() -> None:
    with Server([Etl()], address="127.0.0.1:0", auth=lambda t: t) as server:
        assert_type(server.port, int | None)
    serve([Etl()], address="[::]:50051", grace=5.0, health=True, reflection=True)

    async def main() -> None:
        async with AsyncServer([AsyncEtl(), Etl()], address="127.0.0.1:0") as aserver:
            assert_type(await aserver.start(), int)
        await serve_async([AsyncEtl()], grace=1.0)

    asyncio.run(main())
