"""buf (from the buf-bin package) checks the contracts: lint, format, build."""

from __future__ import annotations

import subprocess

from support import PROTO, tool


def _buf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("buf"), *args], cwd=PROTO, capture_output=True, text=True
    )


def test_buf_lint_passes() -> None:
    result = _buf("lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_format_is_clean() -> None:
    result = _buf("format", "--diff", "--exit-code")
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_lint_would_catch_a_missing_comment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The COMMENTS rules are live: an uncommented message fails lint."""
    (tmp_path / "buf.yaml").write_text((PROTO / "buf.yaml").read_text())
    pkg = tmp_path / "x" / "v1"
    pkg.mkdir(parents=True)
    (pkg / "x.proto").write_text(
        'syntax = "proto3";\n\n// X.\npackage x.v1;\n\nmessage Bare {}\n'
    )
    result = subprocess.run(
        [tool("buf"), "lint"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert 'Message "Bare" should have a non-empty comment' in result.stdout


def test_buf_breaking_runs_against_the_main_branch() -> None:
    result = _buf("breaking", "--against", "../.git#branch=main,subdir=proto")
    assert result.returncode == 0, result.stdout + result.stderr


def test_buf_breaking_catches_a_removed_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    changed = tmp_path / "proto"
    shutil.copytree(PROTO, changed)
    auth = changed / "auth" / "v1" / "auth.proto"
    text = auth.read_text()
    assert "  string token = 1;\n" in text
    auth.write_text(text.replace("  string token = 1;\n", "", 1))
    result = subprocess.run(
        [tool("buf"), "breaking", "--against", str(PROTO)],
        cwd=changed,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "auth/v1/auth.proto" in result.stdout
