"""``platform-sdk docs``: the SDK's HTML reference, built by pdoc, offline."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest

from support import platform_modules, tool

HREF = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def site(platform_sdk: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference of the SDK built from proto/, built once for this module."""
    folder = tmp_path_factory.mktemp("api_site") / "docs"
    result = subprocess.run(
        [
            tool("platform-sdk"),
            "docs",
            "--out",
            str(platform_sdk),
            "--site",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "modules documented in" in result.stderr
    return folder


def _page(site: Path, module: str) -> str:
    return (site / "platform_proto" / (module.replace(".", "/") + ".html")).read_text()


def test_each_service_module_has_a_page_with_each_method(
    site: Path, sdk_out: Path
) -> None:
    """The same generated modules as the SDK's (``sdk_out`` holds them at top
    level): every public name, and every RPC's method, is on the page."""
    modules = platform_modules(sdk_out)
    assert len(modules) == 13
    for name in modules:
        module = importlib.import_module(name)
        page = _page(site, name)
        for public in module.__all__:
            assert f'id="{public}"' in page, (name, public)
            service = getattr(getattr(module, public), "SERVICE", None)
            for _, method in getattr(service, "methods", ()):
                assert f'id="{public}.{method}"' in page, (name, public, method)
        fakes = _page(site, name.replace("_platform", "_testing"))
        for fake in importlib.import_module(
            name.replace("_platform", "_testing")
        ).__all__:
            assert f'id="{fake}"' in fakes, (name, fake)


def test_the_runtimes_public_names_are_documented(site: Path, sdk_out: Path) -> None:
    runtime = importlib.import_module("platform_runtime")
    page = _page(site, "platform_runtime")
    missing = [name for name in runtime.__all__ if f'id="{name}"' not in page]
    assert missing == []
    testing = importlib.import_module("platform_runtime.testing")
    page = _page(site, "platform_runtime.testing")
    assert [n for n in testing.__all__ if f'id="{n}"' not in page] == []


def test_the_front_page_lists_every_module(site: Path) -> None:
    index = (site / "index.html").read_text()
    assert 'href="platform_proto/etl/v1/etl_platform.html"' in index
    assert 'href="platform_proto/platform_runtime.html"' in index


def test_internal_links_resolve_and_nothing_is_fetched(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    checked = 0
    for page in pages:
        for link in HREF.findall(page.read_text()):
            target = link.split("#", 1)[0]
            if link.startswith(("https://pdoc.dev", "data:")) or "${" in link:
                continue  # pdoc's credit link, inline images, script templates
            if not target:
                continue  # an anchor on the same page
            assert not re.match(r"[a-z]+:", target), (page, link)  # no URL to fetch
            assert (page.parent / target).resolve().is_file(), (page, link)
            checked += 1
    assert checked > 1000


def test_no_sdk_to_document_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [tool("platform-sdk"), "docs", "--out", "nowhere", "--site", "site"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "platform-sdk: error: nowhere/platform_proto: no SDK package there; "
        "run platform-sdk build first (or give --out and --package)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
