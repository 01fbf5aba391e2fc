"""Misuse that mypy --strict and basedpyright --strict must reject: each
``# expect: MYPY_CODE, PYRIGHT_RULE`` line is an error.

tests/test_typing.py checks that each checker reports exactly these errors.
"""

# Each "# expect" must stay on the line it names:
# fmt: off
from __future__ import annotations

import grpc

from auth.v1 import auth_pb2, auth_platform
from config.v1 import config_pb2, config_platform
from etl.v1 import etl_pb2, etl_platform
from platform_runtime import Paginator

PAGINATOR = Paginator(b"sixteen-byte-key")


def wrong_request(channel: grpc.Channel) -> None:
    client = auth_platform.AuthServiceClient(channel)
    client.validate_token(config_pb2.GetConfigRequest())  # expect: arg-type, reportArgumentType
    request = auth_pb2.ValidateTokenRequest()
    client.validate_token(request, timeout="soon")  # expect: arg-type, reportArgumentType
    _response: config_pb2.GetConfigResponse = client.revoke_token(  # expect: assignment, reportAssignmentType
        auth_pb2.RevokeTokenRequest()
    )
    validated = client.validate_token(auth_pb2.ValidateTokenRequest())
    _wrapper: auth_pb2.ValidateTokenResponse = validated  # expect: assignment, reportAssignmentType


def typo_on_a_page(channel: grpc.Channel) -> None:
    pager = etl_platform.EtlServiceClient(channel).list_pipelines(etl_pb2.ListPipelinesRequest())
    for page in pager.pages:
        page.pipelinez  # expect: attr-defined, reportAttributeAccessIssue
    pager.first_page.next_page_tokn  # expect: attr-defined, reportAttributeAccessIssue


async def wrong_async_request(channel: grpc.aio.Channel) -> None:
    client = config_platform.ConfigServiceAsyncClient(channel)
    await client.get_config(auth_pb2.ValidateTokenRequest())  # expect: arg-type, reportArgumentType


async def missing_await(channel: grpc.aio.Channel) -> None:
    auth = auth_platform.AuthServiceAsyncClient(channel)
    _token: auth_pb2.ValidatedToken = auth.validate_token(auth_pb2.ValidateTokenRequest())  # expect: assignment, reportAssignmentType


class WrongReturn(auth_platform.AuthServiceServicer):
    def validate_token(
        self, request: auth_pb2.ValidateTokenRequest, context: grpc.ServicerContext
    ) -> auth_pb2.ValidatedToken:
        return auth_pb2.ValidateTokenResponse()  # expect: return-value, reportReturnType


class WrongSignature(auth_platform.AuthServiceServicer):
    def revoke_token(  # expect: override, reportIncompatibleMethodOverride
        self, request: auth_pb2.RevokeTokenRequest, context: grpc.ServicerContext
    ) -> auth_pb2.IssueTokenResponse:
        return auth_pb2.IssueTokenResponse()


class WrongItems(etl_platform.EtlServiceServicer):
    def list_pipelines(
        self, request: etl_pb2.ListPipelinesRequest, context: grpc.ServicerContext
    ) -> etl_pb2.ListPipelinesResponse:
        page = PAGINATOR.page(request, ["not", "pipelines"])
        return self.list_pipelines_response(page)  # expect: arg-type, reportArgumentType
