"""A toy EtlService on the SDK: every call needs a bearer token, which the
AuthService checks. Run it with ``python etl_service.py ADDRESS AUTH_ADDRESS``."""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import time
from typing import Iterator

import grpc

from platform_proto.auth.v1 import (
    AuthServiceClient,
    AuthServiceTokenValidator,
    Principal,
)
from platform_proto.etl.v1 import (
    CreatePipelineRequest,
    CreatePipelineResponse,
    EtlServiceServicer,
    GetPipelineRequest,
    GetPipelineResponse,
    ListPipelinesRequest,
    ListPipelinesResponse,
    Pipeline,
    RunEvent,
    RunProgress,
    StreamRunEventsRequest,
    StreamRunEventsResponse,
)
from platform_proto.platform_runtime import (
    NotFoundError,
    Paginator,
    RequestIdFilter,
    current_principal,
    serve,
)

log = logging.getLogger("etl")


class Etl(EtlServiceServicer):
    """Pipelines live in memory; runs are simulated."""

    def __init__(self, paging_key: bytes) -> None:
        self._pipelines: dict[str, Pipeline] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._paginator = Paginator(paging_key, default_page_size=2)

    def create_pipeline(
        self, request: CreatePipelineRequest, context: grpc.ServicerContext
    ) -> CreatePipelineResponse:
        caller = current_principal(Principal)
        pipeline = Pipeline()
        pipeline.CopyFrom(request.pipeline)
        with self._lock:
            pipeline.pipeline_id = f"pl_{next(self._ids)}"
            self._pipelines[pipeline.pipeline_id] = pipeline
        log.info("%s created %s", caller.principal_id, pipeline.pipeline_id)
        return CreatePipelineResponse(pipeline=pipeline)

    def get_pipeline(
        self, request: GetPipelineRequest, context: grpc.ServicerContext
    ) -> GetPipelineResponse:
        found = self._pipelines.get(request.pipeline_id)
        if found is None:
            raise NotFoundError(
                f"pipeline {request.pipeline_id} does not exist",
                reason="PIPELINE_NOT_FOUND",
                domain="etl.demo",
                metadata={"pipeline_id": request.pipeline_id},
            )
        return GetPipelineResponse(pipeline=found)

    def list_pipelines(
        self, request: ListPipelinesRequest, context: grpc.ServicerContext
    ) -> ListPipelinesResponse:
        everything = sorted(self._pipelines.values(), key=lambda p: p.display_name)
        page = self._paginator.page(request, everything)
        return self.list_pipelines_response(page)  # typed: a page of Pipelines

    def stream_run_events(
        self, request: StreamRunEventsRequest, context: grpc.ServicerContext
    ) -> Iterator[StreamRunEventsResponse]:
        for sequence in range(1, 6):  # five progress events, 0.3 s apart
            time.sleep(0.3)
            progress = RunProgress(records_read=sequence * 100, steps_total=5)
            yield StreamRunEventsResponse(
                event=RunEvent(sequence=sequence, progress=progress)
            )


def main() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("etl %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    address, auth_address = sys.argv[1], sys.argv[2]
    paging_key = os.environ.get("ETL_PAGING_KEY", "demo-paging-key-0123456789").encode()
    with AuthServiceClient.connect(auth_address, insecure=True) as auth:
        serve(
            [Etl(paging_key)],
            address=address,
            auth=AuthServiceTokenValidator(auth),
            grace=5.0,
        )


if __name__ == "__main__":
    main()
