"""Client-side pagination: iterate every item of every page, sync or async."""

from __future__ import annotations

import itertools
import operator
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Generic,
    Iterator,
    Sequence,
    TypeVar,
)

from google.protobuf.message import Message

from .._shared.errors import InternalError, remote

__all__ = ["AsyncPager", "Pager", "Pages", "check_max_items"]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT", bound=Message)


def check_max_items(max_items: object) -> None:
    """Refuse a ``max_items`` that is not None or a non-negative int."""
    if max_items is None:
        return
    if not isinstance(max_items, int) or isinstance(max_items, bool):
        raise TypeError(
            f"max_items must be an int or None, not {type(max_items).__name__}"
        )
    if max_items < 0:
        raise ValueError(f"max_items must not be negative, got {max_items}")


class Pages:
    """Where a paginated RPC keeps its page fields and its items.

    ``request`` and ``response`` name the message field that holds
    ``page_size``/``page_token`` and ``next_page_token``/``total_size`` (such
    as ``pagination``), or are empty when those fields are at top level
    (AIP-158). ``items`` names the response's repeated field, and
    ``unreachable`` its AIP-217 field of unreachable locations, if any.
    """

    __slots__ = ("request", "response", "items", "total_size", "unreachable")

    def __init__(
        self,
        *,
        request: str,
        response: str,
        items: str,
        total_size: bool = False,
        unreachable: str = "",
    ) -> None:
        self.request = request
        self.response = response
        self.items = items
        self.total_size = total_size
        self.unreachable = unreachable

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

    def tokens_of(self, request: Message) -> set[str]:
        """The page tokens a walk starting at ``request`` has seen so far."""
        token: str = self._request_holder(request).page_token
        return {token} if token else set()

    def next_request(
        self, first: Message, request: Message, response: Message, seen: set[str]
    ) -> Message | None:
        """The request for the page after ``response``, or None on the last page.

        ``request`` is the one that fetched ``response``, and ``seen`` holds
        the tokens of the walk so far: a token that comes back (``A, B, A``)
        would never end, and raises InternalError. The first page's request
        is copied once per walk and that copy reused for every later page, so
        ``first`` stays as it was for the next walk.
        """
        token = self.next_token(response)
        if not token:
            return None
        if token in seen:
            raise remote(
                InternalError(
                    f"{response.DESCRIPTOR.full_name}: the server answered page "
                    f"token {token[:40]!r} again, after {len(seen)} pages; the "
                    "listing would never end"
                )
            )
        seen.add(token)
        if request is first:
            request = type(first)()
            request.CopyFrom(first)
        self._request_holder(request).page_token = token
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

    def items_of(self, response: Message) -> Iterator[Any]:
        """An iterator over the items of one page (of the type the
        generated method names)."""
        return iter(getattr(response, self.items))

    def unreachable_of(self, response: Message) -> Sequence[str]:
        """The unreachable locations one page reports (AIP-217)."""
        found: Sequence[str] = (
            getattr(response, self.unreachable) if self.unreachable else ()
        )
        return found


class _PagerBase(Generic[ItemT, PageT]):
    """State shared by the sync and async pagers."""

    def __init__(
        self,
        pages: Pages,
        request: Message,
        first: PageT,
        max_items: int | None,
    ) -> None:
        check_max_items(max_items)
        self._pages = pages
        self._request = request
        self._first = first
        self._last = first
        self._items: Iterator[ItemT] | None = None  # the page being read, if any
        self._max_items = max_items
        self._unreachable: dict[str, None] = {}
        self._saw(first)

    @property
    def first_page(self) -> PageT:
        """The first response, fetched when the call was made."""
        return self._first

    @property
    def next_page_token(self) -> str | None:
        """The token that resumes the listing after the last page fetched.

        It is ``""`` when that page was the last. It is None when iteration
        over items stopped inside that page (``max_items``, or a ``break``):
        a page token resumes only at a page boundary, so passing the page's
        ``next_page_token`` on would skip the rest of it.
        """
        if self._items is not None and operator.length_hint(self._items) > 0:
            return None
        return self._pages.next_token(self._last)

    @property
    def unreachable(self) -> list[str]:
        """The locations that the pages fetched so far could not reach
        (AIP-217's ``unreachable``), each once, in the order first reported;
        empty when the response has no such field."""
        return list(self._unreachable)

    def _saw(self, page: PageT) -> None:
        """Note a page as fetched: the last one, and its unreachable places."""
        self._last = page
        if self._pages.unreachable:
            self._unreachable.update(dict.fromkeys(self._pages.unreachable_of(page)))

    @property
    def total_size(self) -> int | None:
        """The ``total_size`` the first page reported, if the response has one."""
        return self._pages.total(self._first)


class Pager(_PagerBase[ItemT, PageT]):
    """Every item of a paginated list call, page after page, fetched lazily:
    ``Pager[Item, Response]`` yields ``Item``s, and its pages are
    ``Response``s.

    The first page is fetched by the call itself, so errors surface there.
    Iterate the pager for items; use :attr:`pages` for whole responses. Every
    page request carries the call's timeout, metadata and token, and a
    ``max_items`` given to the call stops the iteration after that many.
    """

    def __init__(
        self,
        fetch: Callable[[Message], PageT],
        pages: Pages,
        request: Message,
        max_items: int | None = None,
    ) -> None:
        check_max_items(max_items)
        super().__init__(pages, request, fetch(request), max_items)
        self._fetch = fetch

    @property
    def pages(self) -> Iterator[PageT]:
        """Each response in turn, starting again from the first page."""
        self._items = None
        return self._walk()

    def _walk(self) -> Iterator[PageT]:
        request, response = self._request, self._first
        seen = self._pages.tokens_of(request)
        while True:
            self._saw(response)
            yield response
            following = self._pages.next_request(self._request, request, response, seen)
            if following is None:
                return
            request = following
            response = self._fetch(request)

    def _readers(self) -> Iterator[Iterator[ItemT]]:
        """An iterator over each page's items in turn; the current one is kept."""
        for page in self._walk():
            self._items = self._pages.items_of(page)
            yield self._items

    def __iter__(self) -> Iterator[ItemT]:
        # itertools keeps the per-item cost at C speed; pages are still fetched
        # only as the iteration reaches them, and none after max_items.
        readers = self._readers()
        first = next(readers)  # the first page is already here: no call
        items = itertools.chain(first, itertools.chain.from_iterable(readers))
        if self._max_items is None:
            return items
        return itertools.islice(items, self._max_items)


class AsyncPager(_PagerBase[ItemT, PageT]):
    """The asyncio twin of :class:`Pager`: use ``async for``.

    Obtain one by awaiting the client method (which fetches the first page).
    """

    def __init__(
        self,
        fetch: Callable[[Message], Awaitable[PageT]],
        pages: Pages,
        request: Message,
        first: PageT,
        max_items: int | None = None,
    ) -> None:
        super().__init__(pages, request, first, max_items)
        self._fetch = fetch

    @classmethod
    async def start(
        cls,
        fetch: Callable[[Message], Awaitable[PageT]],
        pages: Pages,
        request: Message,
        max_items: int | None = None,
    ) -> AsyncPager[ItemT, PageT]:
        """Fetch the first page and return the pager."""
        check_max_items(max_items)
        return cls(fetch, pages, request, await fetch(request), max_items)

    @property
    def pages(self) -> AsyncIterator[PageT]:
        """Each response in turn (``async for``), starting again from the first page."""
        self._items = None
        return self._walk()

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._read()

    async def _read(self) -> AsyncIterator[ItemT]:
        remaining = self._max_items
        async for page in self._walk():
            self._items = self._pages.items_of(page)
            if remaining == 0:
                return
            for item in self._items:
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return

    async def _walk(self) -> AsyncIterator[PageT]:
        request, response = self._request, self._first
        seen = self._pages.tokens_of(request)
        while True:
            self._saw(response)
            yield response
            following = self._pages.next_request(self._request, request, response, seen)
            if following is None:
                return
            request = following
            response = await self._fetch(request)
