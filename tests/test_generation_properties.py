"""Property-based generation: random valid contracts never break the plugin.

For thousands of random sets of files (keywords and clashing names included,
every streaming kind, imports across files and of well-known types), the
plugin either gives a one-line error for a real name collision or output that
compiles, imports beside protoc's real ``_pb2`` modules, is a fixed point of
black, and is byte-identical on a second run and under another hash seed.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
from concurrent import futures
from pathlib import Path

import black
import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc as grpc_protoc
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from protoc_gen_platform.plugin import generate
from protogen import requests

MODE = black.Mode(target_versions={black.TargetVersion.PY310})
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "250"))


def _pb2_modules(request: plugin_pb2.CodeGeneratorRequest, out: Path) -> None:
    """protoc's own Python generator, run in-process on the same descriptors."""
    descriptors = out / "set.binpb"
    descriptors.write_bytes(
        descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString()
    )
    status = grpc_protoc.main(
        [
            "protoc",
            f"--descriptor_set_in={descriptors}",
            f"--python_out={out}",
            *request.file_to_generate,
        ]
    )
    assert status == 0, "protoc rejected a generated descriptor set"


def _check_error(message: str) -> None:
    assert "\n" not in message
    assert "both map to" in message, message


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(request=requests())
def test_random_contracts_generate_valid_importable_code(
    request: plugin_pb2.CodeGeneratorRequest,
) -> None:
    response = generate(request)
    event("name collision reported" if response.error else "generated")
    if response.error:
        _check_error(response.error)
        return
    again = generate(request)
    assert again.SerializeToString() == response.SerializeToString()
    modules = []
    event(f"{sum(f.name.endswith('_platform.py') for f in response.file)} modules")
    for generated in response.file:
        compile(generated.content, generated.name, "exec")
        if generated.name.endswith("_platform.py"):
            assert black.format_str(generated.content, mode=MODE) == generated.content
            modules.append(generated.name[: -len(".py")].replace("/", "."))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _pb2_modules(request, out)
        for generated in response.file:
            target = out / generated.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(generated.content)
        sys.path.insert(0, tmp)
        try:
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
            for name in modules:
                module = importlib.import_module(name)
                for export in module.__all__:
                    assert hasattr(module, export), export
                    if export.startswith("add_"):
                        servicer = getattr(module, export[4:-10])()
                        getattr(module, export)(servicer, server)
            server.stop(None)
        finally:
            sys.path.remove(tmp)
            for name in [m for m in sys.modules if m.split(".")[0].startswith("hx")]:
                del sys.modules[name]


DRIVER = """
import hashlib, json, sys
from google.protobuf.compiler import plugin_pb2
from protoc_gen_platform.plugin import generate
digests = []
for line in sys.stdin:
    request = plugin_pb2.CodeGeneratorRequest.FromString(bytes.fromhex(line.strip()))
    digests.append(hashlib.sha256(generate(request).SerializeToString()).hexdigest())
print(json.dumps(digests))
"""


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    batch: list[plugin_pb2.CodeGeneratorRequest] = []

    @seed(20261126)
    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(request=requests())
    def collect(request: plugin_pb2.CodeGeneratorRequest) -> None:
        batch.append(request)

    collect()
    source = tmp_path / "requests.hex"
    source.write_text("".join(r.SerializeToString().hex() + "\n" for r in batch))
    runs = []
    with source.open() as first, source.open() as second:
        # Both interpreters at once, one per core.
        drivers = [
            subprocess.Popen(
                [sys.executable, "-c", DRIVER],
                stdin=requests,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": hash_seed},
            )
            for requests, hash_seed in ((first, "1"), (second, "4242"))
        ]
        for driver in drivers:
            out, err = driver.communicate()
            assert driver.returncode == 0, err
            runs.append(json.loads(out))
    assert len(runs[0]) == len(batch) >= 100
    assert runs[0] == runs[1]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_stdin_never_crashes(data: bytes) -> None:
    import contextlib
    import io

    from protoc_gen_platform.plugin import main

    class Stdin:
        def read(self) -> bytes:
            return data

    stdout, stderr = io.BytesIO(), io.StringIO()

    class Out:
        buffer = stdout

    with contextlib.redirect_stderr(stderr):
        saved, sys.stdout = sys.stdout, Out()  # type: ignore[assignment]
        try:
            status = main([], stdin=Stdin())  # type: ignore[arg-type]
        finally:
            sys.stdout = saved
    assert status in (0, 1)
    if status == 1:
        assert len(stderr.getvalue().strip().splitlines()) == 1
        assert stdout.getvalue() == b""
    else:
        response = plugin_pb2.CodeGeneratorResponse.FromString(stdout.getvalue())
        assert response.error and "\n" not in response.error
        assert "internal error" not in response.error, response.error
