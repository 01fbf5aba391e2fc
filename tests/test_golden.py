"""Golden snapshot of one generated module.

To regenerate on purpose, run ``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py``
and read the diff (``git diff tests/golden``) before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
SNAPSHOTS = ["etl/v1/etl_platform.py", "etl/v1/etl_testing.py"]


@pytest.mark.parametrize("path", SNAPSHOTS)
def test_generated_module_matches_golden(sdk_out: Path, path: str) -> None:
    actual = (sdk_out / path).read_text()
    golden = GOLDEN / path
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual)
    assert golden.is_file(), f"no golden file {golden}; run with UPDATE_GOLDEN=1"
    assert actual == golden.read_text(), (
        f"{path} differs from its golden file; if the change is intended, "
        "regenerate with UPDATE_GOLDEN=1 and review the diff"
    )
