"""The pagination contract and the runtime agree, rule by rule.

Every sentence of the field comments in proto/common/pagination.proto is
either an informative one (listed below) or a rule with a check here that
runs it against the runtime: the server's Paginator and the client's pager,
on a real server. A sentence added, removed or reworded fails this test
until its check is written or changed: the two cannot drift apart again.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from support import PROTO

CONTRACT = PROTO / "common" / "pagination.proto"
KEY = b"contract-test-key-32-bytes-long!"

INFORMATIVE = {
    "Maximum number of items to return in this page.",
    "Opaque continuation token taken from a previous response's next_page_token.",
    "Tokens are not stable across deployments and should not be persisted long-term.",
    "Treat as an estimate for large or rapidly changing collections.",
}


def field_sentences() -> dict[str, list[str]]:
    """``message.field`` -> the sentences of the comment above it."""
    found: dict[str, list[str]] = {}
    message, comment = "", []
    for line in CONTRACT.read_text().splitlines():
        line = line.strip()
        if line.startswith("message "):
            message, comment = line.split()[1], []
        elif line.startswith("//"):
            comment.append(line[2:].strip())
        elif re.match(r"^[a-z0-9_.]+ [a-z_]+ = \d+;$", line):
            text = " ".join(comment)
            found[f"{message}.{line.split()[1]}"] = re.split(r"(?<=\.)\s+", text)
            comment = []
        else:
            comment = []
    return found


class Runtime:
    """The runtime and EtlService's list RPC, as a servicer would page it."""

    def __init__(self) -> None:
        self.rt = importlib.import_module("platform_runtime")
        self.pb2 = importlib.import_module("etl.v1.etl_pb2")
        self.platform = importlib.import_module("etl.v1.etl_platform")
        self.fakes = importlib.import_module("etl.v1.etl_testing")
        self.testing = importlib.import_module("platform_runtime.testing")
        self.paginator = self.rt.Paginator(
            KEY, default_page_size=50, max_page_size=1000
        )
        self.items = [self.pb2.Pipeline(pipeline_id=f"p{n:04d}") for n in range(2500)]

    def request(self, size: int = 0, token: str = "", **fields: Any) -> Any:
        return self.pb2.ListPipelinesRequest(
            pagination={"page_size": size, "page_token": token}, **fields
        )

    def page(self, request: Any) -> Any:
        return self.paginator.page(request, self.items)

    def refused(self, request: Any) -> Any:
        with pytest.raises(self.rt.InvalidArgumentError) as caught:
            self.page(request)
        return caught.value


@pytest.fixture(scope="module")
def rt(sdk_out: Path) -> Runtime:
    return Runtime()


def _fewer_items(rt: Runtime) -> None:
    token, sizes = "", []
    while True:
        page = rt.page(rt.request(1000, token))
        sizes.append(len(page.items))
        token = page.next_page_token
        if not token:
            break
    assert sizes == [1000, 1000, 500]  # the last page has fewer than asked


def _zero_is_default(rt: Runtime) -> None:
    assert len(rt.page(rt.request(0)).items) == 50


def _clamped(rt: Runtime) -> None:
    assert len(rt.page(rt.request(5000)).items) == 1000


def _negative_refused(rt: Runtime) -> None:
    error = rt.refused(rt.request(-1))
    assert error.field_violations == [("pagination.page_size", "must not be negative")]


def _first_page_empty_token(rt: Runtime) -> None:
    first = rt.page(rt.request(10))
    assert [p.pipeline_id for p in first.items] == [f"p{n:04d}" for n in range(10)]


def _bad_tokens_refused(rt: Runtime) -> None:
    rt.refused(rt.request(10, "not-a-token"))
    token = rt.page(rt.request(10, org_id=1)).next_page_token
    rt.refused(rt.request(10, token, org_id=2))  # issued for another query


def _echo_until_empty(rt: Runtime) -> None:
    """Through the generated client's pager, on a real server."""
    fake = rt.fakes.EtlServiceFake()
    fake.list_pipelines.calls_through(
        lambda request, context: rt.page(request).write_to(
            rt.pb2.ListPipelinesResponse()
        )
    )
    with rt.testing.serving(fake) as channel:
        client = rt.platform.EtlServiceClient(channel)
        listed = list(client.list_pipelines(rt.request(), page_size=300))
    assert listed == rt.items
    tokens = [call.request.pagination.page_token for call in fake.list_pipelines.calls]
    assert tokens[0] == "" and all(tokens[1:]) and len(set(tokens)) == len(tokens)


def _empty_exactly_on_last(rt: Runtime) -> None:
    tokens = []
    token = ""
    while True:
        page = rt.page(rt.request(500, token))
        tokens.append(page.next_page_token)
        token = page.next_page_token
        if not token:
            break
    assert len(tokens) == 5 and all(tokens[:-1]) and tokens[-1] == ""


def _total_size(rt: Runtime) -> None:
    response = rt.page(rt.request(10)).write_to(rt.pb2.ListPipelinesResponse())
    assert response.pagination.total_size == 2500
    keyed = rt.paginator.page_by_key(
        rt.request(10),
        lambda after, limit: [
            p for p in rt.items if after is None or p.pipeline_id > after
        ][:limit],
        lambda p: p.pipeline_id,
        total_size=2500,
    )
    written = keyed.write_to(rt.pb2.ListPipelinesResponse())
    assert written.pagination.total_size == 2500


def _total_zero_when_unknown(rt: Runtime) -> None:
    keyed = rt.paginator.page_by_key(
        rt.request(10), lambda after, limit: rt.items[:limit], lambda p: p.pipeline_id
    )
    assert keyed.write_to(rt.pb2.ListPipelinesResponse()).pagination.total_size == 0


RULES: dict[str, Callable[[Runtime], None]] = {
    "The server may return fewer items.": _fewer_items,
    "Zero selects the service's default page size (typically 50); values above the service maximum (typically 1000) are clamped to that maximum.": _zero_is_default,
    "A negative value is rejected with INVALID_ARGUMENT (AIP-158).": _negative_refused,
    "Empty for the first page.": _first_page_empty_token,
    "A token that is malformed, or was issued for a different query, is rejected with INVALID_ARGUMENT.": _bad_tokens_refused,
    "Empty exactly when there are no further results.": _empty_exactly_on_last,
    "Token to pass as PaginationRequest.page_token to fetch the next page.": _echo_until_empty,
    "Total number of items matching the query across all pages, if the service can compute it cheaply; otherwise 0.": _total_zero_when_unknown,
}
EXTRA_CHECKS = {
    "Zero selects the service's default page size (typically 50); values above the service maximum (typically 1000) are clamped to that maximum.": _clamped,
    "Total number of items matching the query across all pages, if the service can compute it cheaply; otherwise 0.": _total_size,
}


def test_every_sentence_of_the_contract_is_a_known_rule_or_informative() -> None:
    sentences = [s for found in field_sentences().values() for s in found]
    unknown = [s for s in sentences if s not in RULES and s not in INFORMATIVE]
    assert not unknown, f"pagination.proto has sentences with no check here: {unknown}"
    missing = [rule for rule in [*RULES, *INFORMATIVE] if rule not in sentences]
    assert not missing, f"checks for sentences no longer in pagination.proto: {missing}"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_runtime_keeps_the_rule(rt: Runtime, rule: str) -> None:
    RULES[rule](rt)
    if rule in EXTRA_CHECKS:
        EXTRA_CHECKS[rule](rt)
