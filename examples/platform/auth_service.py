"""A toy AuthService on the SDK: it issues tokens to one service account and
validates them. Run it with ``python auth_service.py [ADDRESS]``."""

from __future__ import annotations

import logging
import secrets
import sys
import threading
import time

import grpc

from platform_proto.auth.v1 import (
    AuthServiceServicer,
    IssuedToken,
    IssueTokenRequest,
    IssueTokenResponse,
    Principal,
    PrincipalType,
    ValidatedToken,
    ValidateTokenRequest,
)
from platform_proto.platform_runtime import (
    RequestIdFilter,
    UnauthenticatedError,
    serve,
)

CLIENT_ID = "etl-demo"
CLIENT_SECRET = "demo-secret"
LIFETIME = 3600.0


class Auth(AuthServiceServicer):
    """Tokens live in memory: a token is valid for an hour."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def issue_token(
        self, request: IssueTokenRequest, context: grpc.ServicerContext
    ) -> IssueTokenResponse:
        credentials = request.client_credentials
        if (credentials.client_id, credentials.client_secret) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            raise UnauthenticatedError(
                "unknown client credentials",
                reason="BAD_CREDENTIALS",
                domain="auth.demo",
            )
        principal = Principal(
            principal_id="sa_etl_demo",
            type=PrincipalType.PRINCIPAL_TYPE_SERVICE_ACCOUNT,
            org_id=request.org_id or 1,
            display_name=CLIENT_ID,
        )
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (principal, time.monotonic() + LIFETIME)
        return IssueTokenResponse(
            token=IssuedToken(access_token=token, principal=principal)
        )

    def validate_token(
        self, request: ValidateTokenRequest, context: grpc.ServicerContext
    ) -> ValidatedToken:
        with self._lock:
            principal, expires = self._tokens.get(request.token, (None, 0.0))
        left = expires - time.monotonic()
        if principal is None or left <= 0:
            raise UnauthenticatedError(  # a verdict on the token: in-band
                "the token is unknown or expired",
                reason="TOKEN_INVALID",
                domain="auth.demo",
                in_band=True,
            )
        validated = ValidatedToken(principal=principal)
        validated.expires_in.FromMilliseconds(int(left * 1000))
        return validated


def main() -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("auth %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"
    # Callers need no token to get one or to have one checked.
    serve([Auth()], address=address, grace=5.0)


if __name__ == "__main__":
    main()
