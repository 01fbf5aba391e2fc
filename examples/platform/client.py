"""A client of the two toy services: it gets a token from AuthService, then
uses EtlService. Run it with ``python client.py ETL_ADDRESS AUTH_ADDRESS``."""

from __future__ import annotations

import sys

from platform_proto.auth.v1 import (
    AuthServiceClient,
    ClientCredentials,
    IssueTokenRequest,
)
from platform_proto.etl.v1 import (
    CreatePipelineRequest,
    EtlServiceClient,
    GetPipelineRequest,
    ListPipelinesRequest,
    Pipeline,
    StreamRunEventsRequest,
)
from platform_proto.platform_runtime import NotFoundError, UnauthenticatedError


def main() -> None:
    etl_address, auth_address = sys.argv[1], sys.argv[2]
    with AuthServiceClient.connect(auth_address, insecure=True) as auth:
        issued = auth.issue_token(
            IssueTokenRequest(
                org_id=1,
                client_credentials=ClientCredentials(
                    client_id="etl-demo", client_secret="demo-secret"
                ),
            )
        )
    token = issued.token.access_token
    print(f"token issued to {issued.token.principal.principal_id}")

    with EtlServiceClient.connect(etl_address, insecure=True, token=token) as etl:
        for name in ("orders", "customers", "invoices"):
            created = etl.create_pipeline(
                CreatePipelineRequest(org_id=1, pipeline=Pipeline(display_name=name))
            )
            print(f"created {created.pipeline.pipeline_id} ({name})")
        names = [
            p.display_name for p in etl.list_pipelines(ListPipelinesRequest(org_id=1))
        ]
        print(f"listed, in pages of 2: {', '.join(names)}")
        try:
            etl.get_pipeline(GetPipelineRequest(pipeline_id="pl_404"))
        except NotFoundError as error:
            print(
                f"typed error: {error} (reason {error.reason}, request {error.request_id})"
            )
        for response in etl.stream_run_events(StreamRunEventsRequest(run_id="run_1")):
            event = response.event
            print(f"event {event.sequence}: {event.progress.records_read} records read")

    with EtlServiceClient.connect(etl_address, insecure=True) as anonymous:
        try:
            anonymous.get_pipeline(GetPipelineRequest(pipeline_id="pl_1"))
        except UnauthenticatedError as error:
            print(f"without a token: {error}")


if __name__ == "__main__":
    main()
