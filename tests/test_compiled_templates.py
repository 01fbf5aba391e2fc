"""The compiled templates shipped for a fast cold start are those of
templates/ (``make templates``), and are used only while they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from protoc_gen_platform import render
from support import read_tree


def test_the_shipped_compiled_templates_are_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = read_tree(Path(render.COMPILED), "*[!c]")  # no __pycache__ files
    monkeypatch.setattr(render, "COMPILED", str(tmp_path / "compiled"))
    monkeypatch.setattr(render, "_STAMP", str(tmp_path / "compiled" / "stamp.json"))
    render.compile_templates()
    assert (
        read_tree(tmp_path / "compiled") == shipped
    ), "compiled_templates/ is stale: run `make templates` and commit it"


def test_they_are_loaded_while_fresh_and_not_after_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(render._loader(), jinja2.ModuleLoader)
    edited = tmp_path / "templates"
    shutil.copytree(render.templates_dir(), edited)
    with (edited / "module.py.j2").open("a") as template:
        template.write("# edited\n")
    monkeypatch.setattr(render, "templates_dir", lambda: str(edited))
    loader = render._loader()
    assert isinstance(loader, jinja2.FileSystemLoader)
    assert loader.searchpath == [str(edited)]
