"""One log line per call, switched on without code.

Calls are logged at DEBUG on the ``<runtime package>.client`` logger
(``platform_runtime.client``; ``platform_proto.platform_runtime.client`` in a
built SDK). Set ``PLATFORM_SDK_LOG=debug`` to turn it on with a handler on
stderr, or configure that logger as any other. Each line says the method, the
duration, the status code, the request ID and, when the server reports it,
the attempt that answered; the same fields are on the record (``rpc``,
``duration_ms``, ``code``, ``request_id``, ``attempt``). No metadata value is
logged, so no token either.

When the logger is off, a call pays one level check.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from .._shared.context import ATTEMPT_HEADER, REQUEST_ID_HEADER

__all__ = ["CallLog", "ENV", "logger", "start_log"]

ENV = "PLATFORM_SDK_LOG"
"""The environment variable that turns call logging on (``debug``)."""

logger = logging.getLogger(str(__package__).rpartition(".")[0] + ".client")
"""Where calls are logged, at DEBUG."""


def _configure_from_environment() -> None:
    level = os.environ.get(ENV, "").strip().upper()
    if not level:
        return
    logger.setLevel(getattr(logging, level, logging.DEBUG))
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


_configure_from_environment()


class CallLog:
    """The log line of one call, written when the call ends."""

    __slots__ = ("path", "started", "request_id")

    def __init__(self, path: str, sent: Any) -> None:
        self.path = path
        self.started = time.monotonic()
        self.request_id = next((v for k, v in sent if k == REQUEST_ID_HEADER), None)

    def done(self, code: str, *metadata: Any) -> None:
        """Write the line: ``code`` is the status code's name; ``metadata``
        the response's headers and trailers, if known."""
        attempt = None
        for pairs in metadata:
            for key, value in pairs or ():
                if key == REQUEST_ID_HEADER and isinstance(value, str):
                    self.request_id = value
                elif key == ATTEMPT_HEADER and isinstance(value, str):
                    attempt = value
        duration = (time.monotonic() - self.started) * 1000
        logger.debug(
            "%s %s in %.1f ms (request %s%s)",
            self.path,
            code,
            duration,
            self.request_id,
            f", attempt {attempt}" if attempt else "",
            extra={
                "rpc": self.path,
                "code": code,
                "duration_ms": round(duration, 3),
                "request_id": self.request_id,
                "attempt": int(attempt) if attempt and attempt.isdigit() else None,
            },
        )


def start_log(path: str, sent: Any) -> CallLog | None:
    """A log for a call about to start, or None when logging is off."""
    if not logger.isEnabledFor(logging.DEBUG):
        return None
    return CallLog(path, sent)
