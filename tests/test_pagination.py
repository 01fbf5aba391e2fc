"""Pagination, live on loopback: pagers over every item of every page, sync and
async, both conventions, and the server-side Paginator with signed tokens."""

from __future__ import annotations

import asyncio
import base64
import importlib
from pathlib import Path
from typing import Any, Iterator

import pytest

from protoc_gen_platform.patterns import pagination
from servers import aio_server, sync_server
from test_model import MODEL

KEY = b"test-signing-key"


class Etl:
    """The EtlService modules and a servicer that pages with Paginator."""

    def __init__(self) -> None:
        self.rt = importlib.import_module("platform_runtime")
        self.pb2 = importlib.import_module("etl.v1.etl_pb2")
        self.platform = importlib.import_module("etl.v1.etl_platform")


@pytest.fixture(scope="module")
def etl(sdk_out: Path) -> Etl:
    return Etl()


_PIPELINES: dict[tuple[int, str], list[Any]] = {}


def _pipelines(etl: Etl, request: Any) -> list[Any]:
    """The full result for a request: ``org_id`` pipelines, filtered (cached)."""
    key = (request.org_id, request.connector_id)
    if key not in _PIPELINES:
        items = [
            etl.pb2.Pipeline(pipeline_id=f"p{i:05d}") for i in range(request.org_id)
        ]
        _PIPELINES[key] = items[::2] if request.connector_id == "even" else items
    return _PIPELINES[key]


def _servicer(etl: Etl) -> Any:
    normal = etl.rt.Paginator(KEY, default_page_size=25, max_page_size=1000)
    small = etl.rt.Paginator(KEY, default_page_size=3, max_page_size=3)

    class Service(etl.platform.EtlServiceServicer):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self.requests: list[Any] = []
            self.metadata: list[dict[str, Any]] = []

        def list_pipelines(self, request: Any, context: Any) -> Any:
            self.requests.append(request)
            self.metadata.append(dict(context.invocation_metadata()))
            paginator = small if request.connector_id == "small" else normal
            page = paginator.page(request, _pipelines(etl, request))
            return page.write_to(etl.pb2.ListPipelinesResponse())

        def list_runs(self, request: Any, context: Any) -> Any:
            runs = [f"r{i:04d}" for i in range(25)]

            def fetch(after: str | None, limit: int) -> list[Any]:
                start = [r for r in runs if after is None or r > after][:limit]
                return [etl.pb2.Run(run_id=r) for r in start]

            page = normal.page_by_key(request, fetch, key=lambda run: run.run_id)
            return page.write_to(etl.pb2.ListRunsResponse())

    return Service()


@pytest.fixture
def served(etl: Etl) -> Iterator[tuple[Any, Any]]:
    servicer = _servicer(etl)
    with sync_server(
        lambda s: etl.platform.add_EtlServiceServicer_to_server(servicer, s)
    ) as target:
        with etl.platform.EtlServiceClient.connect(target, insecure=True) as client:
            yield servicer, client


def _request(etl: Etl, count: int, **fields: Any) -> Any:
    return etl.pb2.ListPipelinesRequest(org_id=count, **fields)


# --- page boundaries ----------------------------------------------------------


def test_zero_items(etl: Etl, served: tuple[Any, Any]) -> None:
    servicer, client = served
    pager = client.list_pipelines(_request(etl, 0))
    assert list(pager) == []
    assert pager.next_page_token == "" and pager.total_size == 0
    assert len(servicer.requests) == 1


def test_exactly_one_page(etl: Etl, served: tuple[Any, Any]) -> None:
    servicer, client = served
    ids = [p.pipeline_id for p in client.list_pipelines(_request(etl, 5), page_size=5)]
    assert ids == [f"p{i:05d}" for i in range(5)]
    assert len(servicer.requests) == 1


def test_ten_thousand_items_in_pages_of_seven(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    servicer, client = served
    pager = client.list_pipelines(_request(etl, 10_000), page_size=7)
    ids = [p.pipeline_id for p in pager]
    assert ids == [f"p{i:05d}" for i in range(10_000)]
    assert len(servicer.requests) == 1429  # ceil(10000 / 7)
    assert pager.total_size == 10_000 and pager.next_page_token == ""


def test_last_page_exactly_full_needs_no_extra_request(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    servicer, client = served
    pages = list(client.list_pipelines(_request(etl, 14), page_size=7).pages)
    assert [len(p.pipelines) for p in pages] == [7, 7]
    assert pages[-1].pagination.next_page_token == ""
    assert len(servicer.requests) == 2


def test_server_returning_fewer_items_than_asked(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    servicer, client = served
    pager = client.list_pipelines(_request(etl, 10, connector_id="small"), page_size=10)
    assert len(list(pager)) == 10
    assert [r.pagination.page_size for r in servicer.requests] == [10] * 4
    assert len(servicer.requests) == 4  # 3 + 3 + 3 + 1: clamped by the server


def test_max_items_stops_mid_page(etl: Etl, served: tuple[Any, Any]) -> None:
    servicer, client = served
    ids = [
        p.pipeline_id
        for p in client.list_pipelines(_request(etl, 20), page_size=7, max_items=10)
    ]
    assert ids == [f"p{i:05d}" for i in range(10)]
    assert len(servicer.requests) == 2


def test_the_callers_request_is_never_mutated(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    _, client = served
    request = _request(etl, 30)
    before = request.SerializeToString()
    list(client.list_pipelines(request, page_size=4))
    assert request.SerializeToString() == before


def test_every_page_request_carries_the_calls_metadata_and_token(etl: Etl) -> None:
    servicer = _servicer(etl)
    with sync_server(
        lambda s: etl.platform.add_EtlServiceServicer_to_server(servicer, s)
    ) as target:
        with etl.platform.EtlServiceClient.connect(
            target, insecure=True, token="tkn"
        ) as client:
            list(
                client.list_pipelines(
                    _request(etl, 9), page_size=4, metadata=[("x-call", "7")]
                )
            )
    assert len(servicer.metadata) == 3
    for seen in servicer.metadata:
        assert seen["authorization"] == "Bearer tkn" and seen["x-call"] == "7"


def test_keyed_cursor_pages(etl: Etl, served: tuple[Any, Any]) -> None:
    _, client = served
    pager = client.list_runs(etl.pb2.ListRunsRequest(), page_size=10)
    assert [r.run_id for r in pager] == [f"r{i:04d}" for i in range(25)]
    assert pager.total_size == 0  # a keyed cursor does not count


# --- the server helper ------------------------------------------------------------


def test_page_size_rules(etl: Etl, served: tuple[Any, Any]) -> None:
    servicer, client = served
    with pytest.raises(etl.rt.InvalidArgumentError) as info:
        client.list_pipelines(_request(etl, 3), page_size=-1)
    assert info.value.reason == "INVALID_PAGE_SIZE"
    assert info.value.field_violations == [
        ("pagination.page_size", "must not be negative")
    ]
    first = client.list_pipelines(_request(etl, 100)).first_page
    assert len(first.pipelines) == 25  # 0 means the default
    huge = client.list_pipelines(_request(etl, 1500), page_size=5000).first_page
    assert len(huge.pipelines) == 1000  # clamped


def test_forged_and_corrupted_tokens_are_invalid_argument(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    _, client = served
    real = client.list_pipelines(_request(etl, 20), page_size=5).next_page_token
    assert real
    tampered = real[:-3] + ("A" if real[-3] != "A" else "B") + real[-2:]
    for token in ["garbage", "", real[:10], tampered, real + "x"]:
        if not token:
            continue
        request = _request(etl, 20)
        request.pagination.page_token = token
        with pytest.raises(etl.rt.InvalidArgumentError) as info:
            client.list_pipelines(request, page_size=5)
        assert info.value.reason == "INVALID_PAGE_TOKEN", token


def test_a_token_reused_with_another_filter_is_rejected(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    _, client = served
    token = client.list_pipelines(_request(etl, 20), page_size=5).next_page_token
    request = _request(etl, 20, connector_id="even")
    request.pagination.page_token = token
    with pytest.raises(etl.rt.InvalidArgumentError) as info:
        client.list_pipelines(request, page_size=5)
    assert info.value.reason == "PAGE_TOKEN_MISMATCH"
    # The same token with the same filter and another page size is fine.
    same = _request(etl, 20)
    same.pagination.page_token = token
    assert len(client.list_pipelines(same, page_size=2).first_page.pipelines) == 2


# --- async --------------------------------------------------------------------------


def test_async_pager(etl: Etl) -> None:
    servicer = _servicer(etl)

    async def scenario() -> None:
        register = lambda s: etl.platform.add_EtlServiceServicer_to_server(
            servicer, s
        )  # noqa: E731
        async with aio_server(register, migration_threads=4) as target:
            async with etl.platform.EtlServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                pager = await client.list_pipelines(_request(etl, 100), page_size=7)
                ids = [p.pipeline_id async for p in pager]
                assert ids == [f"p{i:05d}" for i in range(100)]
                pages = [len(page.pipelines) async for page in pager.pages]
                assert pages == [7] * 14 + [2]
                limited = await client.list_pipelines(
                    _request(etl, 100), page_size=7, max_items=9
                )
                assert len([p async for p in limited]) == 9
                with pytest.raises(etl.rt.InvalidArgumentError):
                    await client.list_pipelines(_request(etl, 5), page_size=-3)

    asyncio.run(scenario())


# --- the flat AIP-158 convention, and shapes that are not paginated ---------------


def test_a_third_party_aip158_contract_paginates(corpus_out: Path) -> None:
    pb2 = importlib.import_module("demo.library.v1.library_pb2")
    library = importlib.import_module("demo.library.v1.library_platform")
    rt = importlib.import_module("platform_runtime")
    paginator = rt.Paginator(KEY, default_page_size=4)
    books = [
        pb2.Book(name=f"b{i}", genre="sf" if i % 3 else "poetry") for i in range(11)
    ]

    class Library(library.LibraryServiceServicer):  # type: ignore[misc,name-defined]
        def list_books(self, request: Any, context: Any) -> Any:
            matching = [
                b for b in books if not request.genre or b.genre == request.genre
            ]
            return paginator.page(request, matching).write_to(pb2.ListBooksResponse())

        def list_tags(self, request: Any, context: Any) -> Any:
            return paginator.page(request, ["x", "y", "z", "w", "v"]).write_to(
                pb2.ListTagsResponse()
            )

    with sync_server(
        lambda s: library.add_LibraryServiceServicer_to_server(Library(), s)
    ) as target:
        with library.LibraryServiceClient.connect(target, insecure=True) as client:
            pager = client.list_books(pb2.ListBooksRequest(parent="shelf/1"))
            assert [b.name for b in pager] == [b.name for b in books]
            assert pager.total_size == 11
            assert pager.unreachable == []  # no AIP-217 field: nothing to collect
            poetry = client.list_books(
                pb2.ListBooksRequest(genre="poetry"), page_size=1
            )
            assert [b.name for b in poetry] == ["b0", "b3", "b6", "b9"]
            assert list(client.list_tags(pb2.ListBooksRequest())) == [
                "x",
                "y",
                "z",
                "w",
                "v",
            ]
    doc = library.LibraryServiceClient.list_shelves.__doc__
    assert "Not paginated" in doc and "shelves, more_shelves" in doc
    assert "map fields (counts)" in library.LibraryServiceClient.list_labels.__doc__


def test_every_list_rpc_of_proto_is_paginated() -> None:
    """If a list RPC quietly stops matching the pattern, this fails."""
    found = {
        (method.path, pagination(MODEL, method).pagination is not None)
        for proto in MODEL.files.values()
        for service in proto.services
        for method in service.methods
        if method.name.startswith("List")
    }
    assert found == {
        (f"/{path}", True)
        for path in [
            "platform.auth.v1.AuthService/ListApiKeys",
            "platform.config.v1.ConfigService/ListConfigs",
            "platform.connector.v1.ConnectorService/ListConnectors",
            "platform.data.v1.BronzeService/ListBatches",
            "platform.data.v1.GoldService/ListMetrics",
            "platform.data.v1.SilverService/ListDatasets",
            "platform.data.v1.SilverService/ListQualityIssues",
            "platform.etl.v1.EtlService/ListPipelines",
            "platform.etl.v1.EtlService/ListRuns",
            "platform.intelligence.v1.AnalyticsService/ListReports",
            "platform.intelligence.v1.CalculationService/ListFormulas",
            "platform.intelligence.v1.RulesService/ListRules",
            "platform.notification.v1.NotificationService/ListNotifications",
            "platform.query.v1.QueryService/ListSavedQueries",
        ]
    }
    paginated_elsewhere = [
        method.path
        for proto in MODEL.files.values()
        for service in proto.services
        for method in service.methods
        if not method.name.startswith("List") and pagination(MODEL, method).pagination
    ]
    assert paginated_elsewhere == []


# --- servers that misbehave, resuming, and the key -------------------------------


def _cycling_servicer(etl: Etl, tokens: list[str]) -> Any:
    """A ListPipelines that answers each request with the next of ``tokens``
    (one item per page), whatever the request's own token."""

    class Cycling(etl.platform.EtlServiceServicer):  # type: ignore[misc,name-defined]
        calls = 0

        def list_pipelines(self, request: Any, context: Any) -> Any:
            type(self).calls += 1
            if self.calls > 20:  # never reached unless the pager fails to stop
                raise etl.rt.AbortedError("the pager did not stop")
            token = tokens[(self.calls - 1) % len(tokens)]
            response = etl.pb2.ListPipelinesResponse(
                pipelines=[etl.pb2.Pipeline(pipeline_id=str(self.calls))]
            )
            response.pagination.next_page_token = token
            return response

    return Cycling()


@pytest.mark.parametrize("tokens, calls", [(["A", "B"], 3), (["A", "B", "C", "B"], 4)])
def test_page_tokens_that_cycle_end_the_walk_with_an_error(
    etl: Etl, tokens: list[str], calls: int
) -> None:
    servicer = _cycling_servicer(etl, tokens)
    with sync_server(
        lambda s: etl.platform.add_EtlServiceServicer_to_server(servicer, s)
    ) as target:
        with etl.platform.EtlServiceClient.connect(target, insecure=True) as client:
            with pytest.raises(etl.rt.InternalError) as info:
                list(client.list_pipelines(_request(etl, 1)))
            assert type(servicer).calls == calls
            assert info.value.remote and "page token" in info.value.message

            async def walk() -> None:
                async with etl.platform.EtlServiceAsyncClient.connect(
                    target, insecure=True
                ) as aclient:
                    pager = await aclient.list_pipelines(_request(etl, 1))
                    [p async for p in pager]

            type(servicer).calls = 0
            with pytest.raises(etl.rt.InternalError, match="would never end"):
                asyncio.run(walk())
            assert type(servicer).calls == calls


def test_a_token_answered_with_itself_is_caught_at_once(etl: Etl) -> None:
    servicer = _cycling_servicer(etl, ["SAME"])
    with sync_server(
        lambda s: etl.platform.add_EtlServiceServicer_to_server(servicer, s)
    ) as target:
        with etl.platform.EtlServiceClient.connect(target, insecure=True) as client:
            request = _request(etl, 1)
            request.pagination.page_token = "SAME"
            with pytest.raises(etl.rt.InternalError):
                list(client.list_pipelines(request))
    assert type(servicer).calls == 1


def _rest(client: Any, etl: Etl, token: str, page_size: int) -> list[str]:
    request = _request(etl, 20)
    request.pagination.page_token = token
    return [p.pipeline_id for p in client.list_pipelines(request, page_size=page_size)]


def test_next_page_token_resumes_exactly_or_is_none(
    etl: Etl, served: tuple[Any, Any]
) -> None:
    _, client = served
    everything = [f"p{i:05d}" for i in range(20)]
    # max_items on a page boundary: the token resumes right after.
    pager = client.list_pipelines(_request(etl, 20), page_size=5, max_items=10)
    head = [p.pipeline_id for p in pager]
    assert head + _rest(client, etl, pager.next_page_token, 5) == everything
    # max_items inside a page: no token would resume exactly.
    pager = client.list_pipelines(_request(etl, 20), page_size=5, max_items=7)
    assert len(list(pager)) == 7 and pager.next_page_token is None
    # max_items=0 hands out nothing of the first page.
    pager = client.list_pipelines(_request(etl, 20), page_size=5, max_items=0)
    assert list(pager) == [] and pager.next_page_token is None
    # A break inside a page, likewise; on a boundary, the token is good.
    pager = client.list_pipelines(_request(etl, 20), page_size=5)
    for index, _ in enumerate(pager):
        if index == 2:
            break
    assert pager.next_page_token is None
    for index, _ in enumerate(pager):
        if index == 4:
            break
    assert _rest(client, etl, str(pager.next_page_token), 5) == everything[5:]
    # Pages handed out whole, and a finished walk.
    pager = client.list_pipelines(_request(etl, 20), page_size=5)
    next(iter(pager.pages))
    assert _rest(client, etl, str(pager.next_page_token), 5) == everything[5:]
    assert len(list(pager)) == 20 and pager.next_page_token == ""


def test_next_page_token_resumes_exactly_or_is_none_async(etl: Etl) -> None:
    servicer = _servicer(etl)

    async def scenario() -> tuple[Any, Any, Any]:
        register = lambda s: etl.platform.add_EtlServiceServicer_to_server(
            servicer, s
        )  # noqa: E731
        async with aio_server(register, migration_threads=4) as target:
            async with etl.platform.EtlServiceAsyncClient.connect(
                target, insecure=True
            ) as client:
                tokens = []
                for max_items in (10, 7, 0):
                    pager = await client.list_pipelines(
                        _request(etl, 20), page_size=5, max_items=max_items
                    )
                    assert len([p async for p in pager]) == max_items
                    tokens.append(pager.next_page_token)
                return tuple(tokens)

    boundary, inside, zero = asyncio.run(scenario())
    assert boundary and inside is None and zero is None


@pytest.mark.parametrize(
    "max_items, kind", [(-1, ValueError), ("5", TypeError), (True, TypeError)]
)
def test_max_items_is_checked_before_the_first_call(
    etl: Etl, served: tuple[Any, Any], max_items: Any, kind: type
) -> None:
    servicer, client = served
    with pytest.raises(kind, match="max_items"):
        client.list_pipelines(_request(etl, 5), max_items=max_items)

    async def scenario() -> None:
        async with etl.platform.EtlServiceAsyncClient.connect(
            "127.0.0.1:1", insecure=True
        ) as aclient:
            await aclient.list_pipelines(_request(etl, 5), max_items=max_items)

    with pytest.raises(kind, match="max_items"):
        asyncio.run(scenario())
    assert servicer.requests == []


def test_the_paginator_key_must_be_at_least_16_bytes(etl: Etl) -> None:
    with pytest.raises(TypeError, match="must be bytes"):
        etl.rt.Paginator("a-string-key-of-plenty-length")
    with pytest.raises(ValueError, match="at least 16 bytes, got 15"):
        etl.rt.Paginator(b"x" * 15)
    assert etl.rt.Paginator(b"x" * 16).default_page_size == 50


def test_page_tokens_reveal_nothing_of_the_position(etl: Etl) -> None:
    paginator = etl.rt.Paginator(KEY, default_page_size=1)
    request = etl.pb2.ListRunsRequest()
    page = paginator.page_by_key(
        request,
        lambda after, limit: [etl.pb2.Run(run_id="alice@corp.example")] * limit,
        key=lambda run: run.run_id,
    )
    token = page.next_page_token
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"alice" not in raw and b"after" not in raw and b"{" not in raw
    # Deterministic, and it still reads back on this server only.
    again = paginator.page_by_key(
        request,
        lambda after, limit: [etl.pb2.Run(run_id="alice@corp.example")] * limit,
        key=lambda run: run.run_id,
    )
    assert again.next_page_token == token
    request.pagination.page_token = token
    seen: list[Any] = []
    paginator.page_by_key(
        request, lambda after, limit: seen.append(after) or [], key=lambda r: r
    )
    assert seen == ["alice@corp.example"]
    with pytest.raises(etl.rt.InvalidArgumentError):
        etl.rt.Paginator(b"another-key-16by").page_by_key(
            request, lambda after, limit: [], key=lambda r: r
        )


def test_an_aip217_list_collects_unreachable_locations(corpus_out: Path) -> None:
    pb2 = importlib.import_module("demo.library.v1.library_pb2")
    library = importlib.import_module("demo.library.v1.library_platform")
    rt = importlib.import_module("platform_runtime")
    paginator = rt.Paginator(KEY, default_page_size=3)
    books = [pb2.Book(name=f"b{i}") for i in range(10)]

    class Library(library.LibraryServiceServicer):  # type: ignore[misc,name-defined]
        def list_all_books(self, request: Any, context: Any) -> Any:
            response = paginator.page(request, books).write_to(
                pb2.ListAllBooksResponse()
            )
            page = len(response.books) and books.index(response.books[0]) // 3
            response.unreachable.extend([f"shelf-{page % 2}", "shelf-x"])
            return response

    doc = library.LibraryServiceClient.list_all_books.__doc__
    assert "walks the ``books`` field" in doc and "``.unreachable``" in doc

    with sync_server(
        lambda s: library.add_LibraryServiceServicer_to_server(Library(), s)
    ) as target:
        with library.LibraryServiceClient.connect(target, insecure=True) as client:
            pager = client.list_all_books(pb2.ListBooksRequest())
            assert pager.unreachable == ["shelf-0", "shelf-x"]  # the first page's
            assert [b.name for b in pager] == [b.name for b in books]
            assert pager.unreachable == ["shelf-0", "shelf-x", "shelf-1"]

            async def walk() -> list[str]:
                async with library.LibraryServiceAsyncClient.connect(
                    target, insecure=True
                ) as aclient:
                    apager = await aclient.list_all_books(pb2.ListBooksRequest())
                    assert len([b async for b in apager]) == 10
                    return apager.unreachable

            assert asyncio.run(walk()) == ["shelf-0", "shelf-x", "shelf-1"]
