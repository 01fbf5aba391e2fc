"""Misuse that mypy --strict must reject: each ``# expect: CODE`` line is an error.

tests/test_typing.py checks that mypy reports exactly these errors.
"""

from __future__ import annotations

import grpc

from auth.v1 import auth_pb2, auth_platform
from config.v1 import config_pb2, config_platform


def wrong_request(channel: grpc.Channel) -> None:
    client = auth_platform.AuthServiceClient(channel)
    client.validate_token(config_pb2.GetConfigRequest())  # expect: arg-type
    request = auth_pb2.ValidateTokenRequest()
    client.validate_token(request, timeout="soon")  # expect: arg-type
    response: config_pb2.GetConfigResponse = client.revoke_token(  # expect: assignment
        auth_pb2.RevokeTokenRequest()
    )
    validated = client.validate_token(auth_pb2.ValidateTokenRequest())
    wrapper: auth_pb2.ValidateTokenResponse = validated  # expect: assignment


async def wrong_async_request(channel: grpc.aio.Channel) -> None:
    client = config_platform.ConfigServiceAsyncClient(channel)
    await client.get_config(auth_pb2.ValidateTokenRequest())  # expect: arg-type


class WrongReturn(auth_platform.AuthServiceServicer):
    def validate_token(
        self, request: auth_pb2.ValidateTokenRequest, context: grpc.ServicerContext
    ) -> auth_pb2.ValidatedToken:
        return auth_pb2.ValidateTokenResponse()  # expect: return-value


class WrongSignature(auth_platform.AuthServiceServicer):
    def revoke_token(  # expect: override
        self, request: auth_pb2.RevokeTokenRequest, context: grpc.ServicerContext
    ) -> auth_pb2.IssueTokenResponse:
        return auth_pb2.IssueTokenResponse()
