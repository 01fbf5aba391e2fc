"""A call's response with its metadata, and sync calls that can be cancelled.

``with_call(client.get_run, request)`` makes the same call as
``client.get_run(request)`` and returns a :class:`Call`: the response (the
same value the plain method returns) with the response headers, trailers
and request ID. ``start(client.collect, requests)`` makes a synchronous call
in the background and returns a :class:`PendingCall`, which can be cancelled.

The generated methods are unchanged: ``with_call`` asks the runtime, through
a context variable, to keep the metadata of the next call it makes.
"""

from __future__ import annotations

import contextvars
import threading
from typing import (
    Any,
    Awaitable,
    Callable,
    Coroutine,
    Generic,
    ParamSpec,
    TypeVar,
    overload,
)


from .._shared.context import REQUEST_ID_HEADER
from .._shared.errors import PlatformError

__all__ = [
    "Call",
    "Capture",
    "PendingCall",
    "capture_now",
    "start",
    "with_call",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")
Pairs = tuple[tuple[str, Any], ...]


class Call(Generic[_R]):
    """A finished call: its response and what came with it.

    Attributes:
        response: What the plain method returns (for a result oneof, the
            success payload).
        initial_metadata: The response headers, as ``(key, value)`` pairs.
        trailing_metadata: The response trailers, likewise.
        request_id: The call's request ID: the server's echo, else the one
            sent.
    """

    __slots__ = ("response", "initial_metadata", "trailing_metadata", "request_id")

    def __init__(
        self,
        response: _R,
        initial_metadata: Pairs,
        trailing_metadata: Pairs,
        request_id: str | None,
    ) -> None:
        self.response = response
        self.initial_metadata = initial_metadata
        self.trailing_metadata = trailing_metadata
        self.request_id = request_id

    def __repr__(self) -> str:
        return f"Call({type(self.response).__name__}, request_id={self.request_id!r})"


class Capture:
    """What the runtime keeps of the first call made while it is current."""

    __slots__ = (
        "background",
        "taken",
        "initial",
        "trailing",
        "request_id",
        "future",
        "cancelled",
    )

    def __init__(self, background: bool = False) -> None:
        self.background = background  # a PendingCall's: make it cancellable
        self.taken = False
        self.initial: Pairs = ()
        self.trailing: Pairs = ()
        self.request_id: str | None = None
        self.future: Any = None  # the grpc call of a PendingCall, to cancel
        self.cancelled = False

    def claim(self, sent: Pairs) -> bool:
        """Whether this call is the one to keep (the first); records the
        request ID it sends."""
        if self.taken:
            return False
        self.taken = True
        self.request_id = next((v for k, v in sent if k == REQUEST_ID_HEADER), None)
        return True

    def keep(self, initial: Pairs | None, trailing: Pairs | None) -> None:
        """Keep the call's headers and trailers, and the request ID they carry."""
        self.initial = tuple(initial or ())
        self.trailing = tuple(trailing or ())
        for key, value in (*self.trailing, *self.initial):
            if key == REQUEST_ID_HEADER and isinstance(value, str):
                self.request_id = value
                break

    def attach(self, error: PlatformError) -> PlatformError:
        """``error`` (an in-band one) with the metadata of the call it came in."""
        if self.taken and not (error.initial_metadata or error.trailing_metadata):
            error.initial_metadata, error.trailing_metadata = (
                self.initial,
                self.trailing,
            )
        return error

    def call(self, response: _R) -> Call[_R]:
        """The kept call, as ``with_call`` returns it."""
        if not self.taken:
            raise TypeError(
                "with_call() takes a client method that makes one call with one "
                "response; streams have initial_metadata() and trailing_metadata()"
            )
        return Call(response, self.initial, self.trailing, self.request_id)


_CAPTURE: contextvars.ContextVar[Capture | None] = contextvars.ContextVar(
    "platform_capture", default=None
)


def capture_now() -> Capture | None:
    """The capture of the call being made, if ``with_call`` asked for one."""
    return _CAPTURE.get()


@overload
def with_call(  # type: ignore[overload-overlap]  # a coroutine is also an _R
    method: Callable[_P, Coroutine[Any, Any, _R]], *args: _P.args, **kwargs: _P.kwargs
) -> Awaitable[Call[_R]]: ...


@overload
def with_call(
    method: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs
) -> Call[_R]: ...


def with_call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``method(*args, **kwargs)``, a generated client method with one
    response, and return its :class:`Call`; await it for an asyncio client.

    The call is the same as the plain method's; errors are raised as they
    are (a PlatformError carries the headers and trailers itself).
    """
    import inspect  # not at module level: it is slow to import

    if inspect.iscoroutinefunction(method):
        return _with_call_async(method, *args, **kwargs)
    capture = Capture()
    token = _CAPTURE.set(capture)
    try:
        response = method(*args, **kwargs)
    except PlatformError as error:
        raise capture.attach(error)
    finally:
        _CAPTURE.reset(token)
    return capture.call(response)


async def _with_call_async(
    method: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
) -> Call[Any]:
    capture = Capture()
    token = _CAPTURE.set(capture)
    try:
        response = await method(*args, **kwargs)
    except PlatformError as error:
        raise capture.attach(error)
    finally:
        _CAPTURE.reset(token)
    return capture.call(response)


class PendingCall(Generic[_R]):
    """A synchronous call made in the background by :func:`start`."""

    def __init__(self, method: Callable[[], _R]) -> None:
        self._capture = Capture(background=True)
        self._done = threading.Event()
        self._response: Any = None
        self._error: BaseException | None = None
        context = contextvars.copy_context()  # the served call's, if any
        thread = threading.Thread(
            target=context.run, args=(self._run, method), daemon=True
        )
        thread.start()

    def _run(self, method: Callable[[], _R]) -> None:
        _CAPTURE.set(self._capture)
        try:
            self._response = method()
        except BaseException as exc:
            self._error = exc
        finally:
            self._done.set()

    def cancel(self) -> bool:
        """Cancel the call; False if it had already finished."""
        if self._done.is_set():
            return False
        self._capture.cancelled = True
        future = self._capture.future
        if future is not None:
            future.cancel()
        return True

    def done(self) -> bool:
        """Whether the call has finished, one way or another."""
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> _R:
        """The response, once the call has finished; raises its error (a
        cancelled call raises CancelledError). TimeoutError if it has not
        finished within ``timeout`` seconds."""
        return self.call(timeout).response

    def call(self, timeout: float | None = None) -> Call[_R]:
        """As :meth:`result`, with the response's metadata."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"the call has not finished within {timeout} s")
        if self._error is not None:
            raise self._error
        return self._capture.call(self._response)


def start(
    method: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs
) -> PendingCall[_R]:
    """Make a synchronous call (``method(*args, **kwargs)``) in a background
    thread, and return at once a :class:`PendingCall` that can cancel it.

    For asyncio clients, a task is the handle: cancelling it cancels the call.
    """
    return PendingCall(lambda: method(*args, **kwargs))
