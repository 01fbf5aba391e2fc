"""Replicas of the echo service, served by the serving runtime, for the
load-balancing tests: each answers with its own name, so a client can count
who served what.

Import this only after the corpus output is on sys.path (the ``corpus_out``
fixture does that). Run as a script (``python replicas.py NAME``), it serves
one replica on 127.0.0.1 with the runtime's defaults, prints its port, says
``held <method>`` on stdout when it holds a call, and serves until killed.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import Counter
from typing import Any, Iterator

import grpc

import platform_runtime as rt
from demo.echo.v1 import echo_pb2, echo_platform

__all__ = ["HOLD", "Replica", "replica", "served_by"]

HOLD = "hold:"
"""A request text ``hold:<name>`` makes replica ``<name>`` hold the call (for
a minute) instead of answering; the other replicas answer at once."""


class Replica(echo_platform.EchoServiceServicer):
    """Echo and Append answer with the replica's name."""

    def __init__(self, name: str, announce: bool = False) -> None:
        self.name = name
        self.announce = announce

    def _answer(self, method: str, request: echo_pb2.EchoRequest) -> Any:
        if request.text == HOLD + self.name:
            if self.announce:
                print(f"held {method}", flush=True)
            threading.Event().wait(60)
        return echo_pb2.EchoResponse(text=self.name)

    def echo(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._answer("echo", request)

    def append(self, request: Any, context: grpc.ServicerContext) -> Any:
        return self._answer("append", request)


@contextlib.contextmanager
def replica(name: str, **settings: Any) -> Iterator[int]:
    """Serve replica ``name`` in this process with the serving runtime (its
    defaults, unless ``settings`` says otherwise); yield its port."""
    settings.setdefault("address", "127.0.0.1:0")
    server = rt.Server([Replica(name)], **settings)
    port = server.start()
    try:
        yield port
    finally:
        server.stop(None)


def served_by(client: Any, calls: int, text: str = "") -> Counter[str]:
    """How many of ``calls`` unary Echo calls each replica answered."""
    request = echo_pb2.EchoRequest(text=text)
    return Counter(client.echo(request).text for _ in range(calls))


def main() -> None:
    """Serve one replica until killed; print its port first."""
    server = rt.Server([Replica(sys.argv[1], announce=True)], address="127.0.0.1:0")
    print(server.start(), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
