"""Client-side pagination: iterate every item of every page, sync or async."""

from __future__ import annotations

import itertools
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Generic,
    Iterator,
    TypeVar,
)

from google.protobuf.message import Message

from .._shared.errors import InternalError

__all__ = ["AsyncPager", "Pager", "Pages"]

ItemT = TypeVar("ItemT")


class Pages:
    """Where a paginated RPC keeps its page fields and its items.

    ``request`` and ``response`` name the message field that holds
    ``page_size``/``page_token`` and ``next_page_token``/``total_size`` (such
    as ``pagination``), or are empty when those fields are at top level
    (AIP-158). ``items`` names the response's repeated field.
    """

    __slots__ = ("request", "response", "items", "total_size")

    def __init__(
        self, *, request: str, response: str, items: str, total_size: bool = False
    ) -> None:
        self.request = request
        self.response = response
        self.items = items
        self.total_size = total_size

    def _request_holder(self, request: Any) -> Any:
        return getattr(request, self.request) if self.request else request

    def _response_holder(self, response: Any) -> Any:
        return getattr(response, self.response) if self.response else response

    def first_request(self, request: Message, page_size: int | None) -> Message:
        """A copy of the caller's request (never mutated), with ``page_size``."""
        copy = type(request)()
        copy.CopyFrom(request)
        if page_size is not None:
            self._request_holder(copy).page_size = page_size
        return copy

    def next_request(
        self, first: Message, request: Message, response: Message
    ) -> Message | None:
        """The request for the page after ``response``, or None on the last page.

        ``request`` is the one that fetched ``response``. The first page's
        request is copied once per walk and that copy reused for every later
        page, so ``first`` stays as it was for the next walk.
        """
        token = self.next_token(response)
        if not token:
            return None
        holder = self._request_holder(request)
        if token == holder.page_token:
            raise InternalError(
                f"{response.DESCRIPTOR.full_name}: the server answered page token "
                f"{token!r} with the same token, which would never end"
            )
        if request is first:
            request = type(first)()
            request.CopyFrom(first)
            holder = self._request_holder(request)
        holder.page_token = token
        return request

    def next_token(self, response: Message) -> str:
        """The response's ``next_page_token``."""
        token: str = self._response_holder(response).next_page_token
        return token

    def total(self, response: Message) -> int | None:
        """The response's ``total_size``, when its type has one."""
        if not self.total_size:
            return None
        total: int = self._response_holder(response).total_size
        return total

    def items_of(self, response: Message) -> Any:
        """The items of one page."""
        return getattr(response, self.items)


class _PagerBase:
    """State shared by the sync and async pagers."""

    def __init__(
        self,
        pages: Pages,
        request: Message,
        first: Message,
        max_items: int | None,
    ) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must not be negative, got {max_items}")
        self._pages = pages
        self._request = request
        self._first = first
        self._last = first
        self._max_items = max_items

    @property
    def first_page(self) -> Message:
        """The first response, fetched when the call was made."""
        return self._first

    @property
    def next_page_token(self) -> str:
        """The ``next_page_token`` of the last page fetched so far."""
        return self._pages.next_token(self._last)

    @property
    def total_size(self) -> int | None:
        """The ``total_size`` the first page reported, if the response has one."""
        return self._pages.total(self._first)


class Pager(_PagerBase, Generic[ItemT]):
    """Every item of a paginated list call, page after page, fetched lazily.

    The first page is fetched by the call itself, so errors surface there.
    Iterate the pager for items; use :attr:`pages` for whole responses. Every
    page request carries the call's timeout, metadata and token, and a
    ``max_items`` given to the call stops the iteration after that many.
    """

    def __init__(
        self,
        fetch: Callable[[Message], Message],
        pages: Pages,
        request: Message,
        max_items: int | None = None,
    ) -> None:
        super().__init__(pages, request, fetch(request), max_items)
        self._fetch = fetch

    @property
    def pages(self) -> Iterator[Any]:
        """Each response in turn, starting again from the first page."""
        request: Message | None = self._request
        response = self._first
        while True:
            self._last = response
            yield response
            assert request is not None
            request = self._pages.next_request(self._request, request, response)
            if request is None:
                return
            response = self._fetch(request)

    def __iter__(self) -> Iterator[ItemT]:
        # itertools keeps the per-item cost at C speed; pages are still fetched
        # only as the iteration reaches them, and none after max_items.
        items: Iterator[ItemT] = itertools.chain.from_iterable(
            map(self._pages.items_of, self.pages)
        )
        if self._max_items is None:
            return items
        return itertools.islice(items, self._max_items)


class AsyncPager(_PagerBase, Generic[ItemT]):
    """The asyncio twin of :class:`Pager`: use ``async for``.

    Obtain one by awaiting the client method (which fetches the first page).
    """

    def __init__(
        self,
        fetch: Callable[[Message], Awaitable[Message]],
        pages: Pages,
        request: Message,
        first: Message,
        max_items: int | None = None,
    ) -> None:
        super().__init__(pages, request, first, max_items)
        self._fetch = fetch

    @classmethod
    async def start(
        cls,
        fetch: Callable[[Message], Awaitable[Message]],
        pages: Pages,
        request: Message,
        max_items: int | None = None,
    ) -> AsyncPager[Any]:
        """Fetch the first page and return the pager."""
        return cls(fetch, pages, request, await fetch(request), max_items)

    @property
    def pages(self) -> AsyncIterator[Any]:
        """Each response in turn (``async for``), starting again from the first page."""
        return self._walk()

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._items()

    async def _items(self) -> AsyncIterator[ItemT]:
        remaining = self._max_items
        if remaining == 0:
            return
        async for page in self._walk():
            for item in self._pages.items_of(page):
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return

    async def _walk(self) -> AsyncIterator[Any]:
        request: Message | None = self._request
        response = self._first
        while True:
            self._last = response
            yield response
            assert request is not None
            request = self._pages.next_request(self._request, request, response)
            if request is None:
                return
            response = await self._fetch(request)
