"""The output cache: an unchanged file costs nothing on the next run."""

from __future__ import annotations

import shutil
from pathlib import Path

from support import PROTO, proto_files, protoc, read_tree


def _run(out: Path, cache: str, root: Path = PROTO) -> None:
    protoc(
        out,
        proto_files(root),
        include=root,
        outputs=("platform",),
        env={"PROTOC_GEN_PLATFORM_CACHE": cache},
    )


def test_a_warm_run_gives_the_same_bytes_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(tmp_path / "cold", str(cache))
    entries = sorted(cache.rglob("*.py"))
    assert len(entries) == 26  # a module and its test kit per file with services
    # One folder for all: an empty cache costs one mkdir, not one per entry.
    assert {entry.parent for entry in entries} == {cache / "modules"}
    _run(tmp_path / "warm", str(cache))
    assert read_tree(tmp_path / "warm") == read_tree(tmp_path / "cold")
    assert sorted(cache.rglob("*.py")) == entries
    _run(tmp_path / "uncached", "off")
    assert read_tree(tmp_path / "uncached") == read_tree(tmp_path / "cold")


def test_a_changed_file_misses_and_so_do_its_importers(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    root = tmp_path / "proto"
    shutil.copytree(PROTO, root)
    _run(tmp_path / "first", str(cache), root)
    before = set(cache.rglob("*.py"))
    connector = root / "connector/v1/connector.proto"
    connector.write_text(
        connector.read_text().replace(
            "service ConnectorService", "// More.\nservice ConnectorService", 1
        )
    )
    _run(tmp_path / "second", str(cache), root)
    added = set(cache.rglob("*.py")) - before
    # connector.proto itself, and etl.proto, which imports it: each a module and
    # its test kit.
    assert len(added) == 4
    assert (
        "More." in (tmp_path / "second/connector/v1/connector_platform.py").read_text()
    )


def test_an_unusable_cache_folder_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    _run(tmp_path / "out", str(blocker / "cache"))
    assert (tmp_path / "out/auth/v1/auth_platform.py").is_file()


def test_deleting_the_cache_is_safe_at_any_time(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(tmp_path / "first", str(cache))
    entries = sorted(cache.rglob("*.py"))
    shutil.rmtree(cache)
    _run(tmp_path / "second", str(cache))
    assert read_tree(tmp_path / "second") == read_tree(tmp_path / "first")
    assert sorted(cache.rglob("*.py")) == entries  # filled again
