"""Fixtures: the SDK generated once per session from proto/ by the real protoc."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

import keepalive_probe
from support import PROTO, REPO, proto_files, protoc, tool

# Live AuthService servers and the SDK's modules, for the error tests.
pytest_plugins = ["auth_live"]

# Tests measure generation itself: the output cache stays off unless a test
# turns it on for itself (tests/test_cache.py).
os.environ["PROTOC_GEN_PLATFORM_CACHE"] = "off"


@pytest.fixture(scope="session")
def sdk_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """proto/ compiled with the python, mypy and platform generators.

    The directory is put on sys.path for the session, so tests can import the
    generated modules with their real ``_pb2`` modules.
    """
    out = tmp_path_factory.mktemp("sdk")
    protoc(out, proto_files())
    sys.path.insert(0, str(out))
    yield out
    sys.path.remove(str(out))


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """tests/protos compiled like proto/, and put on sys.path for the session."""
    corpus = REPO / "tests" / "protos"
    out = tmp_path_factory.mktemp("corpus")
    protoc(out, proto_files(corpus), include=corpus)
    sys.path.insert(0, str(out))
    yield out
    sys.path.remove(str(out))


@pytest.fixture(scope="session")
def platform_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """proto/ built by ``platform-sdk build``: the folder holding the
    ``platform_proto`` package, as ``make sdk`` leaves gen/python."""
    work = tmp_path_factory.mktemp("platform_sdk")
    shutil.copytree(PROTO, work / "proto")
    result = subprocess.run(
        [tool("platform-sdk"), "build"], cwd=work, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return work / "gen" / "python"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the idle-client probe of test_replicas now, when its test is
    selected: its minute of waiting then overlaps the other tests."""
    if any(item.nodeid.endswith(keepalive_probe.TEST) for item in items):
        keepalive_probe.start()


def pytest_unconfigure() -> None:
    keepalive_probe.stop()
