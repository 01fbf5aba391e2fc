"""Unusual but valid contracts: nested types, cross-package and deep imports,
well-known types, an empty service, proto2 with extensions, edition 2023."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc

from servers import LOOPBACK_OPTIONS
from support import REPO, platform_modules

CORPUS = REPO / "tests" / "protos"


def test_imports_resolve_across_packages_and_well_known_types(corpus_out: Path) -> None:
    text = (corpus_out / "demo/deep/nested/v1/things_platform.py").read_text()
    for line in [
        "from demo.deep.nested.v1 import things_pb2",
        "from demo.deep.nested.v1 import types_pb2 as v1_types_pb2",
        "from demo.shared import shared_pb2",
        "from demo.shared import types_pb2 as shared_types_pb2",
        "from google.protobuf import empty_pb2",
        "from google.protobuf import timestamp_pb2",
    ]:
        assert line + "\n" in text
    assert "things_pb2.Outer.Inner.Core" in text


def test_corpus_is_mypy_strict_clean(corpus_out: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir=/dev/null",
            str(corpus_out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_corpus_modules_import(corpus_out: Path) -> None:
    names = platform_modules(corpus_out)
    assert names == [
        "demo.deep.nested.v1.things_platform",
        "demo.echo.v1.echo_platform",
        "demo.editions.ed_platform",
        "demo.hostile.hostile_platform",
        "demo.keywords.keywords_platform",
        "demo.legacy.legacy_platform",
        "demo.library.v1.library_platform",
        "demo.long.long_platform",
        "demo.underscore.underscore_platform",
    ]
    for name in names:
        importlib.import_module(name)


def _serve(register: Any) -> tuple[grpc.Server, grpc.Channel]:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=2), options=LOOPBACK_OPTIONS
    )
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, grpc.insecure_channel(f"127.0.0.1:{port}")


def test_edition_2023_and_proto2_round_trip(corpus_out: Path) -> None:
    ed_pb2 = importlib.import_module("demo.editions.ed_pb2")
    ed = importlib.import_module("demo.editions.ed_platform")
    legacy_pb2 = importlib.import_module("demo.legacy.legacy_pb2")
    legacy = importlib.import_module("demo.legacy.legacy_platform")

    class Editions(ed.EditionServiceServicer):  # type: ignore[misc,name-defined]
        def get_thing(self, request: Any, context: Any) -> Any:
            return ed_pb2.Thing(name=request.name + "!", child=ed_pb2.Thing(size=3))

    class Legacy(legacy.OldServiceServicer):  # type: ignore[misc,name-defined]
        def echo(self, request: Any, context: Any) -> Any:
            reply = legacy_pb2.Old(name=request.name, count=request.count + 1)
            reply.Extensions[legacy_pb2.note] = request.Extensions[legacy_pb2.note]
            return reply

    def register(server: grpc.Server) -> None:
        ed.add_EditionServiceServicer_to_server(Editions(), server)
        legacy.add_OldServiceServicer_to_server(Legacy(), server)

    server, channel = _serve(register)
    try:
        thing = ed.EditionServiceClient(channel).get_thing(ed_pb2.Thing(name="x"))
        assert (thing.name, thing.child.size) == ("x!", 3)
        old = legacy_pb2.Old(name="n")
        old.Extensions[legacy_pb2.note] = "kept"
        echoed = legacy.OldServiceClient(channel).echo(old)
        assert echoed.count == 8  # the proto2 default, 7, plus one
        assert echoed.Extensions[legacy_pb2.note] == "kept"
    finally:
        channel.close()
        server.stop(grace=None).wait()


def test_nested_and_well_known_types_round_trip(corpus_out: Path) -> None:
    pb2 = importlib.import_module("demo.deep.nested.v1.things_pb2")
    things = importlib.import_module("demo.deep.nested.v1.things_platform")
    types_pb2 = importlib.import_module("demo.deep.nested.v1.types_pb2")
    from google.protobuf import empty_pb2, timestamp_pb2

    class Things(things.ThingServiceServicer):  # type: ignore[misc,name-defined]
        def dig(self, request: Any, context: Any) -> Any:
            return pb2.Outer.Inner.Core(value=request.core.value * 2)

        def ping(self, request: Any, context: Any) -> Any:
            return empty_pb2.Empty()

        def relabel(self, request_iterator: Any, context: Any) -> Any:
            for label in request_iterator:
                yield types_pb2.Tag(key=label.text.upper())

    server, channel = _serve(
        lambda s: things.add_ThingServiceServicer_to_server(Things(), s)
    )
    try:
        client = things.ThingServiceClient(channel)
        request = pb2.Outer.Inner(core=pb2.Outer.Inner.Core(value=21))
        assert client.dig(request).value == 42
        assert isinstance(
            client.ping(timestamp_pb2.Timestamp(seconds=1)), empty_pb2.Empty
        )
        shared_types = importlib.import_module("demo.shared.types_pb2")
        labels = [shared_types.Label(text=t) for t in ("a", "b")]
        assert [t.key for t in client.relabel(labels)] == ["A", "B"]
    finally:
        channel.close()
        server.stop(grace=None).wait()


def test_hostile_comments_become_inert_docstrings(corpus_out: Path) -> None:
    hostile = importlib.import_module("demo.hostile.hostile_platform")
    doc = inspect.getdoc(hostile.HostileServiceClient)
    assert '""" ; import os; os.system("echo pwned") ; """' in doc
    assert "''' and a backslash \\ and \\N{BULLET} and \\x41 and \\u0041." in doc
    assert "{{ module }} {% raw %} {# c #}" in doc
    assert doc is not None
    assert "été, 日本, 🚀" in doc
    assert 'Trailing quote"' in doc
    method_doc = hostile.HostileServiceClient.do.__doc__  # raw: getdoc expands tabs
    assert method_doc is not None
    assert method_doc.startswith("Tab:\there. Backslash at the end \\")
    crlf = inspect.getdoc(hostile.CrlfServiceClient)
    assert crlf is not None
    assert crlf.startswith('CRLF line one\nCRLF line two """')
    assert "\r" not in crlf
