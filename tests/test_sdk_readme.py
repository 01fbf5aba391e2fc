"""The README that ``platform-sdk build`` writes into the SDK: its tables agree
with the generated code, its map with the contracts' imports, and its
quickstart runs against a live server."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from google.protobuf import descriptor_pb2

from protoc_gen_platform.docs import markdown_text, sdk_readme
from protoc_gen_platform.sdk.layout import EXTRAS
from servers import sync_server
from support import PROTO, REPO, descriptors, platform_modules, proto_files, tool

DEMO = REPO / "tests" / "protos"
EXTRA_NAMES = [(extra.name, extra.description) for extra in EXTRAS]
KINDS = {
    "unary_unary": "unary",
    "unary_stream": "server-streaming",
    "stream_unary": "client-streaming",
    "stream_stream": "bidirectional-streaming",
}


def _descriptors(root: Path) -> tuple[descriptor_pb2.FileDescriptorSet, list[str]]:
    """The descriptors ``platform-sdk build`` reads: with imports and comments."""
    files = proto_files(root)
    return descriptors(files, root), files


@pytest.fixture(scope="module")
def readme(platform_sdk: Path) -> str:
    """The README of the SDK built from proto/."""
    return (platform_sdk / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_readme() -> str:
    """The README of an SDK of the third-party corpus (tests/protos)."""
    files, names = _descriptors(DEMO)
    return sdk_readme(files, names, "demo_sdk", EXTRA_NAMES)


# --- the tables against the generated code ------------------------------------------


def _tables(text: str) -> dict[str, list[list[str]]]:
    """Each service's table, by the service's full name: rows of cells."""
    tables: dict[str, list[list[str]]] = {}
    for section in text.split("\n#### ")[1:]:
        (full_name,) = re.findall(r"^\(([\w.]+)\)$", section, re.MULTILINE)
        rows = [
            [cell.strip() for cell in line.strip("|").split(" | ")]
            for line in section.splitlines()
            if line.startswith("| `")
        ]
        tables[full_name] = rows
    return tables


def _generated_services(root: Path) -> dict[str, Any]:
    """Every generated servicer's ``SERVICE`` (its RPCs, method names and
    service config), by the service's full name."""
    found = {}
    for name in platform_modules(root):
        module = importlib.import_module(name)
        for attribute in module.__all__:
            value = getattr(module, attribute)
            service = getattr(value, "SERVICE", None)
            if type(service).__name__ == "Service":  # on servicers and fakes
                found[service.name] = service
    return found


def _check_against_generated_code(text: str, root: Path) -> int:
    """Every service and RPC of the generated code is in the README's tables,
    with the kind, paging, retry, in-band and deprecation flags its Rpc
    constants and service config carry. Returns how many RPCs."""
    tables = _tables(text)
    services = _generated_services(root)
    assert sorted(tables) == sorted(services)
    checked = 0
    for full_name, service in services.items():
        retried = {
            name["method"]
            for config in json.loads(service.config)["methodConfig"]
            for name in config["name"]
        }
        rows = tables[full_name]
        assert [row[0] for row in rows] == [f"`{m}`" for _, m in service.methods]
        for (rpc, _), row in zip(service.methods, rows):
            method, kind, types, pages, retry, in_band, deprecated, _summary = row
            assert kind == KINDS[rpc.kind], (rpc.path, row)
            assert pages == ("yes" if rpc.pages is not None else "no"), (rpc.path, row)
            rpc_name = rpc.path.rsplit("/", 1)[1]
            assert retry == ("yes" if rpc_name in retried else "no"), (rpc.path, row)
            assert in_band == ("yes" if rpc.result is not None else "no"), rpc.path
            marked = "**deprecated**" if rpc.deprecated else "no"
            assert deprecated == marked, (rpc.path, row)
            request, returns = types.split(" → ")
            assert request.startswith("stream of ") == rpc.kind.startswith("stream_")
            assert returns.startswith("stream of ") == rpc.kind.endswith("_stream")
            checked += 1
    return checked


def test_every_rpc_of_proto_is_listed_with_the_generated_codes_flags(
    readme: str, sdk_out: Path
) -> None:
    assert _check_against_generated_code(readme, sdk_out) == 74
    tables = _tables(readme)
    etl = {row[0]: row for row in tables["platform.etl.v1.EtlService"]}
    assert etl["`list_pipelines`"][3:5] == ["yes", "yes"]
    assert etl["`trigger_run`"][2] == "`TriggerRunRequest` → `Run`"
    assert etl["`trigger_run`"][5] == "yes"
    assert etl["`get_pipeline`"][7] == "Returns a single pipeline."


def test_a_third_party_tree_with_deprecated_rpcs_agrees_too(
    demo_readme: str, corpus_out: Path
) -> None:
    assert _check_against_generated_code(demo_readme, corpus_out) > 30
    deprecated = [
        row[0]
        for rows in _tables(demo_readme).values()
        for row in rows
        if row[6] == "**deprecated**"
    ]
    assert "`old_echo`" in deprecated and "`forget`" in deprecated
    assert "#### LegacyEchoService (deprecated)" in demo_readme
    quickstart = _quickstart(demo_readme)  # the first service with a pager
    assert "with LibraryServiceClient.connect(address" in quickstart
    assert "client.list_books(ListBooksRequest(), page_size=50)" in quickstart


def test_hostile_comments_stay_text(demo_readme: str) -> None:
    """A comment cannot add a table cell, a heading or markup."""
    section = demo_readme.split("#### HostileService")[1].split("####")[0]
    assert "<" not in section.replace("<br/>", "") and "\n#" not in section
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert all(len(re.split(r"(?<!\\)\|", row)) == 10 for row in rows)


@pytest.mark.parametrize(
    "comment, markdown",
    [
        ("Named in `update_mask`.", "Named in `update_mask`."),
        ("a | b `c|d`", "a \\| b `c\\|d`"),
        (
            "<script> & *bold* [link](x)",
            "&lt;script&gt; &amp; \\*bold\\* \\[link\\](x)",
        ),
        ("# heading", "\\# heading"),
        ("1. item", "1\\. item"),
        ("``` fence", "\\`\\`\\` fence"),
        ("snake_case and _emphasis_", "snake_case and \\_emphasis\\_"),
        ("two\nlines", "two lines"),
    ],
)
def test_comment_text_is_escaped_for_markdown(comment: str, markdown: str) -> None:
    assert markdown_text(comment) == markdown


def test_the_readme_is_the_same_from_run_to_run(readme: str) -> None:
    """Built by the command (another process, another hash seed) and here."""
    files, names = _descriptors(PROTO)
    first = sdk_readme(files, names, "platform_proto", EXTRA_NAMES)
    assert first == sdk_readme(files, names, "platform_proto", EXTRA_NAMES)
    assert first == readme


def test_the_project_readme_quotes_it_verbatim(readme: str) -> None:
    """The excerpt in the project's README is the generated README's text."""
    project = (REPO / "README.md").read_text(encoding="utf-8")
    excerpt = project.split("<!-- sdk readme excerpt -->\n", 1)[1]
    excerpt = excerpt.split("<!-- excerpt end -->", 1)[0]
    graph, table = excerpt.split("\n\n`from ", 1)
    assert graph.startswith("```mermaid\n") and graph in readme
    assert "| `get_pipeline` |" in table and f"`from {table}" in readme


def test_the_install_line_names_the_extras(readme: str) -> None:
    assert "pip install platform-proto\n" in readme
    for extra in EXTRAS:
        assert f"| `{extra.name}` | {extra.description} |" in readme


def test_check_flags_a_stale_readme(platform_sdk: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(platform_sdk.parent.parent / "proto", work / "proto")
    shutil.copytree(platform_sdk.parent, work / "gen")
    readme = work / "gen/python/README.md"
    readme.write_text(readme.read_text() + "edited by hand\n")
    stale = subprocess.run(
        [tool("platform-sdk"), "build", "--check"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert stale.returncode == 1, stale.stderr
    assert stale.stdout.splitlines() == ["stale: gen/python/README.md"]
    shutil.copy(platform_sdk / "README.md", readme)
    etl = work / "proto/etl/v1/etl.proto"
    etl.write_text(
        etl.read_text().replace("Returns a single pipeline.", "Returns one.")
    )
    changed = subprocess.run(
        [tool("platform-sdk"), "build", "--check"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert changed.returncode == 1, changed.stderr
    assert "stale: gen/python/README.md" in changed.stdout.splitlines()


# --- the map of the services ---------------------------------------------------------


def _imports_by_package(root: Path) -> set[tuple[str, str]]:
    """(package, imported package) pairs, read from the .proto sources."""
    package_of: dict[str, str] = {}
    imports: dict[str, list[str]] = {}
    for name in proto_files(root):
        text = (root / name).read_text()
        package_of[name] = re.findall(r"^package ([\w.]+);", text, re.MULTILINE)[0]
        imports[name] = re.findall(r'^import "([^"]+)";', text, re.MULTILINE)
    return {
        (package_of[name], package_of.get(dep, dep.rsplit("/", 1)[0].replace("/", ".")))
        for name, found in imports.items()
        for dep in found
        if package_of.get(dep) != package_of[name]
    }


def _graph(text: str) -> tuple[dict[str, str], set[tuple[str, str]], set[str]]:
    """The Mermaid block: node names by id, edges by name, common packages."""
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    names = dict(re.findall(r'^\s+(p\d+)\["([^"<]+)', block, re.MULTILINE))
    edges = {
        (names[a], names[b])
        for a, b in re.findall(r"^\s+(p\d+) --> (p\d+)$", block, re.MULTILINE)
    }
    common_part = block.split("subgraph common", 1)[1] if "subgraph" in block else ""
    common = set(re.findall(r'p\d+\["([^"<]+)', common_part))
    return names, edges, common


def test_the_map_of_proto_has_the_edges_the_imports_imply(readme: str) -> None:
    names, edges, common = _graph(readme)
    assert common == {"platform.common", "google.protobuf"}
    imported = {
        (a, b)
        for a, b in _imports_by_package(PROTO)
        if a not in common and b not in common
    }
    assert ("platform.etl.v1", "platform.config.v1") in edges
    assert ("platform.etl.v1", "platform.connector.v1") in edges
    assert edges == imported  # no edge the imports lack, none they have left out
    assert not any(a in common or b in common for a, b in edges)
    assert "platform.data.v1" in names.values()
    assert (
        '["platform.data.v1<br/>BronzeService<br/>GoldService<br/>SilverService"]'
        in readme
    )


def test_a_third_party_tree_gets_its_own_map(demo_readme: str) -> None:
    names, edges, common = _graph(demo_readme)
    assert edges == {("demo.deep.v1", "demo.shared")}
    assert edges == {
        (a, b) for a, b in _imports_by_package(DEMO) if not b.startswith("google")
    }
    assert common == {"google.protobuf"}
    assert all(name.startswith("demo.") for name in set(names.values()) - common)


# --- the quickstart, run ------------------------------------------------------------


def _quickstart(text: str) -> str:
    section = text.split("## Quickstart\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.fixture()
def sdk_on_path(platform_sdk: Path) -> Iterator[None]:
    sys.path.insert(0, str(platform_sdk))
    try:
        yield
    finally:
        sys.path.remove(str(platform_sdk))


def test_the_quickstart_runs_against_a_live_server(
    readme: str, platform_sdk: Path, sdk_on_path: None
) -> None:
    auth = importlib.import_module("platform_proto.auth.v1")
    fakes = importlib.import_module("platform_proto.auth.v1.auth_testing")
    runtime = importlib.import_module("platform_proto.platform_runtime")
    testing = importlib.import_module("platform_proto.platform_runtime.testing")
    code = _quickstart(readme)
    assert "AuthServiceClient.connect(address, insecure=True, token=token)" in code
    fake = fakes.AuthServiceFake()
    found = auth.GetApiKeyResponse(api_key=auth.ApiKey(api_key_id="key_found"))
    fake.get_api_key.returns(found)
    fake.get_api_key.raises(testing.error(runtime.NotFoundError, "no such key"))
    fake.get_api_key.returns(found)
    keys = [auth.ApiKey(api_key_id=f"key_{n}") for n in range(60)]
    fake.list_api_keys.returns_items(keys)
    with sync_server(
        lambda server: auth.add_AuthServiceServicer_to_server(fake, server)
    ) as address:
        prelude = f"address = {address!r}\ntoken = 'tok-quickstart'\n"
        result = subprocess.run(
            [sys.executable, "-c", prelude + code],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(platform_sdk)},
        )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.count('api_key_id: "key_found"') == 2  # the call, then the async call
    assert out.count('api_key_id: "key_') == 62  # and 60 items, from two pages
    assert "not found: no such key" in out
    calls = fake.get_api_key.calls + fake.list_api_keys.calls
    assert len(fake.get_api_key.calls) == 3 and len(fake.list_api_keys.calls) == 2
    assert {call.token for call in calls} == {"tok-quickstart"}
