"""Compiled from templates/sdk_quickstart.py.j2 by `make templates`:
do not edit; edit the template."""

from __future__ import annotations

from typing import Any


def render(*, quickstart: Any) -> str:
    """Render templates/sdk_quickstart.py.j2."""
    _out: list[str] = []
    _w = _out.append
    _w("import asyncio\n" "\n")
    for module, names in quickstart.imports:
        _w(f"from {module!s} import {', '.join(map(str, names))!s}\n")
    _w(
        f"from {quickstart.runtime!s} import NotFoundError\n"
        "\n"
        "# TLS unless insecure=True (as here, for a server on this host).\n"
        f"with {quickstart.client!s}.connect(address, insecure=True, token=token) as client:\n"
        "    # A call returns the response message.\n"
        f"    print(client.{quickstart.call!s}({quickstart.call_request!s}()))\n"
    )
    if quickstart.pager:
        _w(
            "    # A pager yields the items of every page, fetching pages as it goes.\n"
            f"    for item in client.{quickstart.pager!s}({quickstart.pager_request!s}(), page_size=50):\n"
            "        print(item)\n"
        )
    _w(
        "    # Every failure is a typed PlatformError: one class per status code.\n"
        "    try:\n"
        f"        client.{quickstart.call!s}({quickstart.call_request!s}())\n"
        "    except NotFoundError as error:\n"
        '        print("not found:", error.message)\n'
        "\n"
        "\n"
        "async def main() -> None:\n"
        f"    async with {quickstart.async_client!s}.connect(address, insecure=True, token=token) as client:\n"
        f"        print(await client.{quickstart.call!s}({quickstart.call_request!s}()))\n"
        "\n"
        "\n"
        "asyncio.run(main())\n"
    )
    return "".join(_out)
