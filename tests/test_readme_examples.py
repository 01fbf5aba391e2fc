"""The README's examples of clients in production, run as the README shows
them: each in a fresh process, against the services of examples/platform/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from support import REPO

EXAMPLE = REPO / "examples" / "platform"
BLOCK = re.compile(r"<!-- example: ([a-z-]+) -->\n```python\n(.*?)```", re.DOTALL)


def _examples() -> dict[str, str]:
    return dict(BLOCK.findall((REPO / "README.md").read_text()))


def test_the_readme_has_its_examples() -> None:
    assert sorted(_examples()) == [
        "channels",
        "logging-and-tracing",
        "request-ids",
        "response-metadata",
        "tokens",
    ]


@pytest.fixture(scope="module")
def services(platform_sdk: Path) -> Iterator[dict[str, str]]:
    """The example's Auth and ETL services, and a token from Auth."""
    sys.path.insert(0, str(EXAMPLE))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(platform_sdk)
    import run as runner

    auth = runner.Service("auth_service.py")
    etl = runner.Service("etl_service.py", auth.address)
    try:
        script = (
            "from platform_proto.auth.v1 import AuthServiceClient, ClientCredentials, "
            "IssueTokenRequest\n"
            f"with AuthServiceClient.connect({auth.address!r}, insecure=True) as a:\n"
            "    print(a.issue_token(IssueTokenRequest(client_credentials=ClientCredentials("
            "client_id='etl-demo', client_secret='demo-secret'))).token.access_token)\n"
        )
        token = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout.strip()
        yield {"etl_address": etl.address, "auth_address": auth.address, "token": token}
    finally:
        etl.stop()
        auth.stop()
        sys.path.remove(str(EXAMPLE))
        sys.modules.pop("run", None)
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old


@pytest.mark.parametrize("name", sorted(_examples()))
def test_the_example_runs(
    name: str, services: dict[str, str], platform_sdk: Path
) -> None:
    prelude = "".join(f"{key} = {value!r}\n" for key, value in services.items())
    result = subprocess.run(
        [sys.executable, "-c", prelude + _examples()[name]],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(platform_sdk)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if name == "logging-and-tracing":
        lines = [
            line
            for line in result.stderr.splitlines()
            if line.startswith("platform_proto.platform_runtime.client ")
        ]
        assert len(lines) == 1 and "ListPipelines OK in " in lines[0]
        assert services["token"] not in result.stderr
