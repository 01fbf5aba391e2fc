"""Descriptions of RPCs shared by clients and servers, and call-option types."""

from __future__ import annotations

import enum
import inspect
import json
import warnings
from typing import TYPE_CHECKING, Generic, Iterable, Sequence, TypeVar, Union

from google.protobuf.message import Message

if TYPE_CHECKING:
    from .._client.pagers import Pages

__all__ = [
    "DEFAULT",
    "Default",
    "LOAD_BALANCING",
    "Metadata",
    "Rpc",
    "Timeout",
    "retry_service_config",
    "serialize",
    "warn_deprecated",
]

RequestT = TypeVar("RequestT", bound=Message)
ResponseT = TypeVar("ResponseT", bound=Message)

Metadata = Sequence[tuple[str, Union[str, bytes]]]
"""Call metadata: a sequence of ``(key, value)`` pairs, as grpc takes it."""


class Default(enum.Enum):
    """The type of :data:`DEFAULT`, the "use the client's setting" marker."""

    DEFAULT = "DEFAULT"

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT = Default.DEFAULT
"""Marks an argument left out, so the client's own default applies."""

Timeout = Union[float, None, Default]
"""Seconds until the deadline; ``None`` for no deadline; DEFAULT for the client's."""


class Rpc(Generic[RequestT, ResponseT]):
    """One RPC: its full path on the wire, its kind and its message types.

    Attributes:
        path: grpc's full method name, ``/package.Service/Method``.
        kind: ``unary_unary``, ``unary_stream``, ``stream_unary`` or
            ``stream_stream``, as grpc names the four kinds.
        request_type: The request message class.
        response_type: The response message class.
        deprecated: Whether the proto marks the RPC deprecated; calling it
            then warns with DeprecationWarning.
        result: For a response that is ``oneof <name> {<success>; error}``,
            the pair ``(name, success)``: servicers then return the success
            payload and raise errors, which fill the ``error`` branch.
        pages: For a paginated list RPC, where its page fields and items are;
            clients then return a pager.
    """

    __slots__ = (
        "path",
        "kind",
        "request_type",
        "response_type",
        "deprecated",
        "result",
        "pages",
    )

    def __init__(
        self,
        path: str,
        kind: str,
        request_type: type[RequestT],
        response_type: type[ResponseT],
        *,
        deprecated: bool = False,
        result: tuple[str, str] | None = None,
        pages: Pages | None = None,
    ) -> None:
        self.path = path
        self.kind = kind
        self.request_type = request_type
        self.response_type = response_type
        self.deprecated = deprecated
        self.result = result
        self.pages = pages

    def __repr__(self) -> str:
        return f"Rpc({self.path!r})"

    @property
    def method_name(self) -> str:
        """The RPC's name as declared in the proto, such as ``GetPipeline``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def service_name(self) -> str:
        """The full service name, such as ``platform.etl.v1.EtlService``."""
        return self.path[1:].rsplit("/", 1)[0]

    def warn_if_deprecated(self) -> None:
        """Warn (DeprecationWarning) at the caller's call site if deprecated.

        Called once per call, by the runtime method that the generated one
        delegates to: the warning points at the line that called the
        generated method.
        """
        if self.deprecated:
            warn_deprecated(f"RPC {self.path} is deprecated", generated_frames=1)


_RUNTIME = __name__.rsplit(".", 2)[0]  # the runtime package, wherever it was put


def warn_deprecated(message: str, *, generated_frames: int = 0) -> None:
    """Warn with DeprecationWarning at the first line outside the runtime,
    passing ``generated_frames`` more frames of generated code on the way.

    The warning is then attributed to the user's module, where Python's
    default filters show it (they hide DeprecationWarnings raised in
    libraries).
    """
    here = inspect.currentframe()
    frame = here.f_back if here is not None and here.f_back is not None else None
    if frame is None:  # pragma: no cover - CPython always has frames
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return
    level = 2
    while frame.f_back is not None and _in_runtime(frame):
        frame = frame.f_back
        level += 1
    warnings.warn(message, DeprecationWarning, stacklevel=level + generated_frames)


def _in_runtime(frame: object) -> bool:
    name: str = getattr(frame, "f_globals", {}).get("__name__", "")
    return name == _RUNTIME or name.startswith(_RUNTIME + ".")


def serialize(message: Message) -> bytes:
    """A message's wire bytes: the serializer every generated call uses."""
    return message.SerializeToString()


RETRY_POLICY = {
    "maxAttempts": 4,
    "initialBackoff": "0.1s",
    "maxBackoff": "5s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}
"""gRPC retry policy for calls that are safe to repeat (AIP-194): retry only
UNAVAILABLE, with exponential backoff, at most four attempts in all."""


LOAD_BALANCING = "round_robin"
"""The load-balancing policy of generated service configs: grpc's
``round_robin`` spreads calls over every address a target resolves to (grpc's
own default, ``pick_first``, sends them all to one)."""


def retry_service_config(service: str, retryable_methods: Iterable[str]) -> str:
    """A gRPC service config (JSON) that retries the given methods of ``service``
    and balances calls with :data:`LOAD_BALANCING`.

    Used as the ``grpc.service_config`` channel option, it makes grpc's own
    retry machinery repeat those methods on UNAVAILABLE, on another replica
    when there are several; other methods are not retried.
    """
    names = [{"service": service, "method": m} for m in retryable_methods]
    configs = [{"name": names, "retryPolicy": RETRY_POLICY}] if names else []
    balancing: list[dict[str, object]] = [{LOAD_BALANCING: {}}]
    return json.dumps(
        {"loadBalancingConfig": balancing, "methodConfig": configs}, sort_keys=True
    )
