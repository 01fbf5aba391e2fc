"""Hostile and unusual contracts: names that clash, keywords everywhere, and
trees that must not shadow installed packages."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from servers import sync_server
from support import REPO, protoc

BAD = REPO / "tests" / "bad"
SHADOW = REPO / "tests" / "shadow"


@pytest.mark.parametrize(
    ("proto", "message"),
    [
        (
            "collide.proto",
            "collide.proto: service Clash: rpcs GetFoo and Get_Foo both map to get_foo",
        ),
        (
            "async_clash.proto",
            "async_clash.proto: service Foo and service FooAsync both map to the Python name FooAsyncClient",
        ),
        (
            "platform_runtime/inside.proto",
            "platform_runtime/inside_platform.py: generated inside the runtime package "
            "'platform_runtime'; choose another name with runtime_package=NAME",
        ),
    ],
)
def test_collisions_are_one_line_generation_errors(
    tmp_path: Path, proto: str, message: str
) -> None:
    result = protoc(tmp_path, [proto], include=BAD, outputs=("platform",), check=False)
    assert result.returncode != 0
    assert result.stderr.strip() == f"--platform_out: {message}"
    assert not any(tmp_path.iterdir())


def test_keywords_everywhere_round_trip(corpus_out: Path) -> None:
    pb2 = importlib.import_module("demo.keywords.keywords_pb2")
    platform = importlib.import_module("demo.keywords.keywords_platform")
    From, NoneMessage = getattr(pb2, "from"), getattr(pb2, "None")

    class Service(getattr(platform, "importServicer")):  # type: ignore[misc]
        def async_(self, request: Any, context: Any) -> Any:
            assert getattr(request, "import") == "imported"
            return NoneMessage()

        def close_(self, request: Any, context: Any) -> Any:
            reply = pb2.Return()
            getattr(reply, "yield").self = str(request.len)
            return reply

        def connect_(self, request: Any, context: Any) -> Any:
            for i in range(2):
                yield From(self=str(i))

        def none(self, request: Any, context: Any) -> Any:
            return NoneMessage()

    def register(server: Any) -> None:
        platform.add_importServicer_to_server(Service(), server)

    with sync_server(register) as target:
        with platform.importClient.connect(target, insecure=True) as client:
            request = From()
            setattr(request, "import", "imported")
            assert isinstance(client.async_(request), NoneMessage)
            reply = client.close_(getattr(From, "None")(len=7))
            assert getattr(reply, "yield").self == "7"
            assert [m.self for m in client.connect_(pb2.Yield())] == ["0", "1"]
            assert isinstance(client.none(NoneMessage()), NoneMessage)
            with pytest.raises(
                importlib.import_module("platform_runtime").UnimplementedError
            ):
                client.self(pb2.Return())
    names = set(vars(platform.importClient))
    assert {
        "async_",
        "self",
        "close_",
        "connect_",
        "channel_",
        "return_",
        "yield_",
        "match_",
        "none",
    } <= names


@pytest.mark.parametrize(
    ("proto", "top"),
    [
        ("grpc/probe/v1/probe.proto", "grpc"),
        ("google/example/v1/example.proto", "google"),
    ],
)
def test_no_package_marker_shadows_installed_packages(
    tmp_path: Path, proto: str, top: str
) -> None:
    protoc(tmp_path, [proto], include=SHADOW, outputs=("python", "platform"))
    assert not (tmp_path / top / "__init__.py").exists()
    assert (tmp_path / proto.replace(".proto", "_platform.py")).is_file()
    probe = "import grpc, google.protobuf, platform_runtime; print(grpc.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert str(tmp_path) not in result.stdout


def test_rpcs_named_with_leading_underscores_are_served_and_called(
    corpus_out: Path,
) -> None:
    """Their constants are used in class bodies, where a ``__`` name would be
    mangled into another one (and fail with NameError)."""
    pb2 = importlib.import_module("demo.underscore.underscore_pb2")
    murmur = importlib.import_module("demo.underscore.underscore_platform")

    class Quiet(murmur.MurmurServicer):  # type: ignore[misc,name-defined]
        def rpc_whisper(self, request: Any, context: Any) -> Any:
            return pb2.Note(text=request.text.lower())

        def rpc__hush(self, request: Any, context: Any) -> Any:
            yield pb2.Note(text="...")

    assert [rpc.method_name for rpc, _ in murmur.MurmurServicer.SERVICE.methods] == [
        "_Whisper",
        "__Hush",
    ]
    with sync_server(
        lambda s: murmur.add_MurmurServicer_to_server(Quiet(), s)
    ) as target:
        with murmur.MurmurClient.connect(target, insecure=True) as client:
            assert client.rpc_whisper(pb2.Note(text="HI")).text == "hi"
            assert [n.text for n in client.rpc__hush(pb2.Note())] == ["..."]
