"""Fakes of services: servicers whose every method is programmed by the test.

A generated ``<Service>Fake`` subclasses :class:`Fake` and declares, for each
RPC, an attribute typed with one of the fake methods below. A fake is a real
(synchronous) servicer: served on a real server, every call takes the wire
path of a real service (serialization, metadata, deadlines, retries, the
servicer glue's typed errors and in-band results).

Each fake method keeps a queue of *outcomes*: a response to return, an error
to raise, a stream to send, a function to call through. Each call takes the
next outcome; the last one stays for every later call. A method with no
outcome answers UNIMPLEMENTED and says how to program it. Every call is
recorded in ``.calls``.
"""

from __future__ import annotations

import os
import threading
from typing import (
    Any,
    Callable,
    ClassVar,
    Generic,
    Iterable,
    Iterator,
    List,
    Sequence,
    TypeVar,
)

import grpc

from .._server.glue import Servicer, Service
from .._server.paging import Paginator
from .._shared.context import REQUEST_ID_HEADER, seconds_left
from .._shared.errors import PlatformError, UnimplementedError
from .._shared.rpc import Rpc

__all__ = [
    "Fake",
    "FakeBidiStream",
    "FakeClientStream",
    "FakePager",
    "FakeStream",
    "FakeUnary",
    "RecordedCall",
]

_ReqT = TypeVar("_ReqT")
_ResT = TypeVar("_ResT")
_RespT = TypeVar("_RespT")
_ItemT = TypeVar("_ItemT")
_SeenT = TypeVar("_SeenT")
_FakeT = TypeVar("_FakeT", bound="_FakeMethod[Any]")
_PagerT = TypeVar("_PagerT", bound="FakePager[Any, Any, Any]")


_STREAMS_HINT = ".streams(...), .raises(...) or .calls_through(...)"


class RecordedCall(Generic[_ReqT]):
    """One call a fake received.

    Attributes:
        request: The request (for a client stream, the list of requests).
        metadata: The call's metadata, as ``(key, value)`` pairs.
        token: The bearer token it carried, or None.
        request_id: Its ``x-request-id``, or None.
        time_remaining: Seconds left before its deadline when it arrived, or
            None for a call without one.
    """

    __slots__ = ("request", "metadata", "token", "request_id", "time_remaining")

    def __init__(self, request: _ReqT, context: grpc.ServicerContext) -> None:
        self.request = request
        self.metadata: tuple[tuple[str, str | bytes], ...] = tuple(
            (key, value) for key, value in context.invocation_metadata() or ()
        )
        found = dict(self.metadata)
        bearer = found.get("authorization")
        self.token = (
            bearer[len("Bearer ") :]
            if isinstance(bearer, str) and bearer.startswith("Bearer ")
            else None
        )
        request_id = found.get(REQUEST_ID_HEADER)
        self.request_id = request_id if isinstance(request_id, str) else None
        self.time_remaining = seconds_left(context)

    def __repr__(self) -> str:
        return f"RecordedCall({type(self.request).__name__}, request_id={self.request_id!r})"


class _Outcome:
    """One programmed outcome: ``run(request, context)`` gives the result."""

    __slots__ = ("run",)

    def __init__(self, run: Callable[[Any, Any], Any]) -> None:
        self.run = run


def _return(result: Any) -> _Outcome:
    return _Outcome(lambda request, context: result)


def _raise(error: PlatformError) -> _Outcome:
    def run(request: Any, context: Any) -> Any:
        raise error

    return _Outcome(run)


class _FakeMethod(Generic[_SeenT]):
    """What every fake method shares: the outcome queue and the calls, whose
    recorded requests are ``_SeenT``s."""

    _PROGRAMMED_BY = ".returns(...), .raises(...) or .calls_through(...)"

    def __init__(self, rpc: Rpc[Any, Any], label: str) -> None:
        self.rpc = rpc
        self._label = label
        self._outcomes: list[_Outcome] = []
        self._lock = threading.Lock()
        self.calls: list[RecordedCall[_SeenT]] = []

    def raises(self: _FakeT, error: PlatformError) -> _FakeT:
        """Fail the call with ``error``, as a real servicer raising it would
        (``in_band=True`` answers a result oneof's ``error`` branch)."""
        return self._then(_raise(error))

    def reset(self) -> None:
        """Forget every outcome and every recorded call."""
        with self._lock:
            self._outcomes.clear()
            self.calls.clear()

    def _then(self: _FakeT, outcome: _Outcome) -> _FakeT:
        with self._lock:
            self._outcomes.append(outcome)
        return self

    def _next(self, request: Any, context: Any) -> _Outcome:
        """Record the call; the outcome it gets."""
        with self._lock:
            self.calls.append(RecordedCall(request, context))
            if not self._outcomes:
                raise UnimplementedError(
                    f"{self._label} is not programmed: call "
                    f"{self._PROGRAMMED_BY} on it first"
                )
            return (
                self._outcomes.pop(0) if len(self._outcomes) > 1 else self._outcomes[0]
            )


class FakeUnary(_FakeMethod[_ReqT], Generic[_ReqT, _ResT]):
    """A fake RPC with one request and one response. ``_ResT`` is what its
    servicer method returns: the response, or a result oneof's payload."""

    def returns(self: _FakeT, *results: _ResT) -> _FakeT:
        """Answer with each of ``results`` in turn (the last one stays)."""
        for result in results:
            self._then(_return(result))
        return self

    def calls_through(
        self: _FakeT, function: Callable[[_ReqT, grpc.ServicerContext], _ResT]
    ) -> _FakeT:
        """Answer with ``function(request, context)``: a servicer method, say."""
        return self._then(_Outcome(function))

    def __call__(self, request: _ReqT, context: grpc.ServicerContext) -> _ResT:
        result: _ResT = self._next(request, context).run(request, context)
        return result


class FakeClientStream(_FakeMethod[List[_ReqT]], Generic[_ReqT, _ResT]):
    """A fake client-streaming RPC: its requests are read to the end first,
    and recorded (and passed on) as a list."""

    def returns(self: _FakeT, *results: _ResT) -> _FakeT:
        """Answer with each of ``results`` in turn (the last one stays)."""
        for result in results:
            self._then(_return(result))
        return self

    def calls_through(
        self: _FakeT,
        function: Callable[[List[_ReqT], grpc.ServicerContext], _ResT],
    ) -> _FakeT:
        """Answer with ``function(requests, context)``."""
        return self._then(_Outcome(function))

    def __call__(
        self, requests: Iterable[_ReqT], context: grpc.ServicerContext
    ) -> _ResT:
        received = list(requests)
        result: _ResT = self._next(received, context).run(received, context)
        return result


class FakeStream(_FakeMethod[_ReqT], Generic[_ReqT, _RespT]):
    """A fake server-streaming RPC: one request, a stream of responses."""

    _PROGRAMMED_BY = _STREAMS_HINT

    def streams(
        self: _FakeT, responses: Iterable[_RespT], then: PlatformError | None = None
    ) -> _FakeT:
        """Send ``responses``, then end the call: with ``then``, if given,
        which fails it midway."""
        return self._then(_streaming(responses, then))

    def calls_through(
        self: _FakeT,
        function: Callable[[_ReqT, grpc.ServicerContext], Iterable[_RespT]],
    ) -> _FakeT:
        """Answer with the responses ``function(request, context)`` yields."""
        return self._then(_Outcome(function))

    def __call__(
        self, request: _ReqT, context: grpc.ServicerContext
    ) -> Iterator[_RespT]:
        yield from self._next(request, context).run(request, context)


class FakeBidiStream(_FakeMethod[List[_ReqT]], Generic[_ReqT, _RespT]):
    """A fake bidirectionally streaming RPC. A call's recorded request is the
    list of the requests read so far."""

    _PROGRAMMED_BY = _STREAMS_HINT

    def streams(
        self: _FakeT, responses: Iterable[_RespT], then: PlatformError | None = None
    ) -> _FakeT:
        """Read every request, send ``responses``, then end the call: with
        ``then``, if given, which fails it midway."""
        return self._then(_streaming(responses, then))

    def calls_through(
        self: _FakeT,
        function: Callable[[Iterator[_ReqT], grpc.ServicerContext], Iterable[_RespT]],
    ) -> _FakeT:
        """Answer with the responses ``function(requests, context)`` yields;
        ``requests`` is the iterator of requests, so ``function`` can answer
        each one as it comes."""
        return self._then(_Outcome(function))

    def __call__(
        self, requests: Iterator[_ReqT], context: grpc.ServicerContext
    ) -> Iterator[_RespT]:
        received: list[_ReqT] = []
        outcome = self._next(received, context)
        yield from outcome.run(_recording(requests, received), context)


class FakePager(FakeUnary[_ReqT, _RespT], Generic[_ReqT, _RespT, _ItemT]):
    """A fake paginated list RPC: program it with whole responses, or with
    the items, which it then serves page by page."""

    _PROGRAMMED_BY = (
        ".returns_items(...), .returns(...), .raises(...) or .calls_through(...)"
    )

    def returns_items(
        self: _PagerT, items: Sequence[_ItemT], *, default_page_size: int = 10
    ) -> _PagerT:
        """Serve ``items`` in pages, through the runtime's Paginator (signed
        page tokens, the request's page size, ``default_page_size`` for 0)."""
        paginator = Paginator(os.urandom(32), default_page_size=default_page_size)
        kept = list(items)
        response_type = self.rpc.response_type

        def run(request: Any, context: Any) -> Any:
            return paginator.page(request, kept).write_to(response_type())

        self._then(_Outcome(run))
        return self


class Fake(Servicer):
    """Base of generated ``<Service>Fake`` classes: a servicer whose methods
    are fake methods, one per RPC, named as the servicer's."""

    SERVICE: ClassVar[Service]

    def __init__(self) -> None:
        for rpc, name in self.SERVICE.methods:
            label = f"{type(self).__name__}.{name}"
            setattr(self, name, _fake_method(rpc, label))


def _recording(requests: Iterable[Any], received: list[Any]) -> Iterator[Any]:
    """``requests``, each one kept in ``received`` as it is read."""
    for request in requests:
        received.append(request)
        yield request


def _streaming(responses: Iterable[Any], then: PlatformError | None) -> _Outcome:
    """The outcome that sends ``responses`` (once the requests of a
    bidirectional call are read), then fails with ``then``, if given."""
    sent = list(responses)

    def run(request: Any, context: Any) -> Iterator[Any]:
        if isinstance(request, Iterator):
            for _ in request:  # pyright: ignore[reportUnknownVariableType]
                pass
        yield from sent
        if then is not None:
            raise then

    return _Outcome(run)


def _fake_method(rpc: Rpc[Any, Any], label: str) -> _FakeMethod[Any]:
    """The fake method for ``rpc``, by its kind."""
    paged = rpc.kind == "unary_unary" and rpc.pages is not None
    return _KINDS["pager" if paged else rpc.kind](rpc, label)


_KINDS: dict[str, type[_FakeMethod[Any]]] = {
    "unary_unary": FakeUnary,
    "pager": FakePager,
    "unary_stream": FakeStream,
    "stream_unary": FakeClientStream,
    "stream_stream": FakeBidiStream,
}
"""The fake method class of each RPC kind (a paginated one: ``pager``)."""
