"""Token sources, live on loopback: the generated AuthService token sources
(issue, refresh before expiry, one renewal under concurrency, sync and
asyncio), and one retry with a fresh token after UNAUTHENTICATED."""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
from concurrent import futures
from typing import Any, Iterator

import pytest

from auth_live import Modules
from servers import run, sync_server


class TokenAuth:
    """An AuthService that issues tokens numbered by how many it has made,
    each living ``lifetime`` seconds, with refresh tokens; it counts its
    calls."""

    def __init__(
        self, m: Modules, lifetime: float = 3600.0, delay: float = 0.0
    ) -> None:
        self.issued = 0
        self.refreshed = 0
        self.lock = threading.Lock()
        outer = self

        def grant(kind: str) -> Any:
            with outer.lock:
                number = outer.issued + outer.refreshed
            token = m.auth_pb2.IssuedToken(
                access_token=f"{kind}-{number}", refresh_token=f"refresh-{number}"
            )
            token.access_token_expire_time.FromDatetime(
                datetime.datetime.now(datetime.timezone.utc)
                + datetime.timedelta(seconds=lifetime)
            )
            return token

        class Auth(m.auth.AuthServiceServicer):  # type: ignore[misc,name-defined]
            def issue_token(self, request: Any, context: Any) -> Any:
                time.sleep(delay)
                if request.client_credentials.client_secret != "right":
                    raise m.rt.UnauthenticatedError("bad credentials")
                with outer.lock:
                    outer.issued += 1
                return m.auth_pb2.IssueTokenResponse(token=grant("issued"))

            def refresh_token(self, request: Any, context: Any) -> Any:
                if not request.refresh_token.startswith("refresh-"):
                    raise m.rt.UnauthenticatedError("bad refresh token")
                with outer.lock:
                    outer.refreshed += 1
                return m.auth_pb2.RefreshTokenResponse(token=grant("refreshed"))

        self.servicer = Auth()


@pytest.fixture
def credentials(m: Modules) -> Any:
    return m.auth_pb2.IssueTokenRequest(
        client_credentials=m.auth_pb2.ClientCredentials(
            client_id="c", client_secret="right"
        )
    )


def _serve(m: Modules, auth: TokenAuth) -> Any:
    return sync_server(
        lambda s: m.auth.add_AuthServiceServicer_to_server(auth.servicer, s), workers=16
    )


def test_the_token_source_issues_once_and_refreshes_before_expiry(
    m: Modules, credentials: Any
) -> None:
    auth = TokenAuth(m, lifetime=2.0)
    with _serve(m, auth) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            source = m.auth.AuthServiceTokenSource(client, credentials, margin=1.5)
            assert source() == "issued-1" and source() == "issued-1"
            assert (auth.issued, auth.refreshed) == (1, 0)
            time.sleep(0.6)  # within margin of expiry: renewed with RefreshToken
            assert source() == "refreshed-2"
            assert (auth.issued, auth.refreshed) == (1, 1)
            source.invalidate()
            assert source() == "refreshed-3"  # a dropped token is renewed too


def test_fifty_concurrent_callers_make_one_issue_call(
    m: Modules, credentials: Any
) -> None:
    auth = TokenAuth(m, delay=0.2)
    with _serve(m, auth) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            source = m.auth.AuthServiceTokenSource(client, credentials)
            with futures.ThreadPoolExecutor(50) as pool:
                tokens = set(pool.map(lambda _: source(), range(50)))
        assert tokens == {"issued-1"} and auth.issued == 1

        async def scenario() -> set[str]:
            async with m.auth.AuthServiceAsyncClient.connect(
                target, insecure=True
            ) as aclient:
                asource = m.auth.AuthServiceAsyncTokenSource(aclient, credentials)
                return set(await asyncio.gather(*(asource() for _ in range(50))))

        assert run(scenario()) == {"issued-2"} and auth.issued == 2


def test_bad_credentials_are_a_typed_error(m: Modules) -> None:
    auth = TokenAuth(m)
    wrong = m.auth_pb2.IssueTokenRequest(
        client_credentials=m.auth_pb2.ClientCredentials(
            client_id="c", client_secret="no"
        )
    )
    with _serve(m, auth) as target:
        with m.auth.AuthServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(m.rt.UnauthenticatedError):
                m.auth.AuthServiceTokenSource(client, wrong)()


@pytest.fixture
def guarded(m: Modules) -> Iterator[tuple[str, list[str]]]:
    """An ETL server that accepts only the token "fresh"; records what it got."""
    seen: list[str] = []

    class Etl(m.etl.EtlServiceServicer):  # type: ignore[misc,name-defined]
        def get_pipeline(self, request: Any, context: Any) -> Any:
            token = dict(context.invocation_metadata()).get("authorization", "")
            seen.append(token)
            if token != "Bearer fresh":
                raise m.rt.UnauthenticatedError("token expired", reason="TOKEN_EXPIRED")
            return m.etl_pb2.GetPipelineResponse()

    with sync_server(
        lambda s: m.etl.add_EtlServiceServicer_to_server(Etl(), s)
    ) as target:
        yield target, seen


def test_unauthenticated_is_retried_once_with_a_fresh_token(
    m: Modules, guarded: tuple[str, list[str]]
) -> None:
    target, seen = guarded

    class Source:
        def __init__(self) -> None:
            self.tokens = iter(["stale", "fresh", "fresh"])
            self.invalidated = 0

        def __call__(self) -> str:
            return next(self.tokens)

        def invalidate(self) -> None:
            self.invalidated += 1

    source = Source()
    with m.etl.EtlServiceClient.connect(target, insecure=True, token=source) as client:
        client.get_pipeline(m.etl_pb2.GetPipelineRequest())
    assert seen == ["Bearer stale", "Bearer fresh"] and source.invalidated == 1
    seen.clear()
    with m.etl.EtlServiceClient.connect(target, insecure=True, token="stale") as fixed:
        with pytest.raises(m.rt.UnauthenticatedError):
            fixed.get_pipeline(m.etl_pb2.GetPipelineRequest())
    assert seen == ["Bearer stale"]  # a fixed token is not retried
    seen.clear()
    always_stale = iter(["stale", "stale"])
    with m.etl.EtlServiceClient.connect(
        target, insecure=True, token=lambda: next(always_stale)
    ) as once:
        with pytest.raises(m.rt.UnauthenticatedError):
            once.get_pipeline(m.etl_pb2.GetPipelineRequest())
    assert seen == ["Bearer stale", "Bearer stale"]  # once, not more

    async def scenario() -> None:
        tokens = iter(["stale", "fresh"])

        async def token() -> str:
            return next(tokens)

        async with m.etl.EtlServiceAsyncClient.connect(
            target, insecure=True, token=token
        ) as aclient:
            await aclient.get_pipeline(m.etl_pb2.GetPipelineRequest())

    seen.clear()
    run(scenario())
    assert seen == ["Bearer stale", "Bearer fresh"]
