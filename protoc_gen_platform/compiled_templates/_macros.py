"""Compiled from templates/_macros.j2 by `make templates`:
do not edit; edit the template."""

from __future__ import annotations

from typing import Any

from ..formatting import layout_call as _layout
from ..pytext import docstring as _docstring
from ..pytext import pystr as _pystr


def rpc_constants(s: Any) -> str:
    """The macro rpc_constants of templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    for m in s.methods:
        args = [_pystr(m.rpc.path), _pystr(m.kind), m.request_value, m.response_value]
        if m.rpc.deprecated:
            args = args + ["deprecated=True"]
        if m.result:
            args = args + [
                (
                    "result=("
                    + str(_pystr(m.result.oneof))
                    + ", "
                    + str(_pystr(m.result.success_field))
                    + ")"
                )
            ]
        if m.pages:
            args = args + [
                "pages="
                + str(
                    _layout(
                        "_rt.Pages",
                        (
                            (
                                [
                                    (
                                        "request="
                                        + str(_pystr(m.pages.request_container))
                                    ),
                                    (
                                        "response="
                                        + str(_pystr(m.pages.response_container))
                                    ),
                                    ("items=" + str(_pystr(m.pages.items_field))),
                                ]
                                + (
                                    ["total_size=True"]
                                    if m.pages.has_total_size
                                    else []
                                )
                            )
                            + (
                                [
                                    "unreachable="
                                    + str(_pystr(m.pages.unreachable_field))
                                ]
                                if m.pages.unreachable_field
                                else []
                            )
                        ),
                        4,
                    )
                )
            ]
        if m.annotated:
            _w(
                f"{m.constant!s}: _rt.Rpc[{m.request_type!s}, {m.response_type!s}] = _rt.Rpc(\n"
            )
            for arg in args:
                _w(f"    {arg!s},\n")
            _w(")\n")
        else:
            _w(f"{_layout((str(m.constant) + ' = _rt.Rpc'), args, 0)!s}\n")
    return "".join(_out)


def client_class(s: Any, aio: Any) -> str:
    """The macro client_class of templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    _w(
        f"class {(s.async_client if aio else s.client)!s}(_rt.{('AsyncClient' if aio else 'Client')!s}):\n"
        f"    {_docstring((s.async_client_doc if aio else s.client_doc), 4)!s}\n"
        "\n"
    )
    if aio:
        _w(f"    SERVICE_CONFIG = {s.client!s}.SERVICE_CONFIG\n")
    else:
        _w(
            "    SERVICE_CONFIG = _rt.retry_service_config(\n"
            f"        {_pystr(s.service.full_name)!s},\n"
        )
        retryable = s.retryable
        if retryable:
            _w("        [\n")
            for name in retryable:
                _w(f"            {_pystr(name)!s},\n")
            _w("        ],\n")
        else:
            _w("        [],\n")
        _w("    )\n")
    if s.service.deprecated:
        _w("    _DEPRECATED = True\n")
    for m in s.methods:
        _w("\n")
        coroutine = aio and (not m.server_streaming)
        _w(
            f"    {('async ' if coroutine else '')!s}def {m.name!s}(\n"
            "        self,\n"
        )
        if m.client_streaming:
            _w(
                f"        requests: {('_rt.AnyIterable' if aio else 'Iterable')!s}[{m.request_type!s}],\n"
            )
        else:
            _w(f"        request: {m.request_type!s},\n")
        _w("        *,\n")
        if m.pages:
            _w(
                "        page_size: int | None = None,\n"
                "        max_items: int | None = None,\n"
            )
        _w(
            "        timeout: _rt.Timeout = _rt.DEFAULT,\n"
            "        metadata: _rt.Metadata | None = None,\n"
        )
        if m.pages:
            _w(
                f"    ) -> _rt.{('AsyncPager' if aio else 'Pager')!s}[{m.item_type!s}, {m.response_type!s}]:\n"
            )
        elif m.server_streaming:
            _w(
                f"    ) -> _rt.{('AsyncResponseStream' if aio else 'ResponseStream')!s}[{m.response_type!s}]:\n"
            )
        else:
            _w(f"    ) -> {m.returned_type!s}:\n")
        _w(f"        {_docstring(m.doc, 8)!s}\n")
        await_ = "await " if coroutine else ""
        if m.pages:
            _w(
                f"        {_layout(('return ' + str(await_) + 'self._paginate'), [m.constant, 'request', 'timeout', 'metadata', 'page_size', 'max_items'], 8)!s}\n"
            )
        elif m.result:
            _w(
                f"        {_layout(('response = ' + str(await_) + 'self._' + str(m.kind)), [m.constant, ('requests' if m.client_streaming else 'request'), 'timeout', 'metadata'], 8)!s}\n"
                f"        {_layout('return _rt.unwrap_result', ['response', _pystr(m.result.oneof), ('response.' + str(m.result.success_field))], 8)!s}\n"
            )
        else:
            _w(
                f"        {_layout(('return ' + str(await_) + 'self._' + str(m.kind)), [m.constant, ('requests' if m.client_streaming else 'request'), 'timeout', 'metadata'], 8)!s}\n"
            )
    return "".join(_out)


def servicer_class(s: Any, aio: Any) -> str:
    """The macro servicer_class of templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    _w(
        f"class {(s.async_servicer if aio else s.servicer)!s}(_rt.{('AsyncServicer' if aio else 'Servicer')!s}):\n"
        f"    {_docstring((s.async_servicer_doc if aio else s.servicer_doc), 4)!s}\n"
        "\n"
    )
    if aio:
        _w(f"    SERVICE = {s.servicer!s}.SERVICE\n")
    else:
        _w("    SERVICE = _rt.Service(\n" f"        {_pystr(s.service.full_name)!s},\n")
        if s.methods:
            _w("        [\n")
            for m in s.methods:
                _w(
                    f"            {_layout('', [m.constant, _pystr(m.name)], 12, ',')!s}\n"
                )
            _w("        ],\n")
        else:
            _w("        [],\n")
        _w(f"        {s.client!s}.SERVICE_CONFIG,\n" "    )\n")
    for m in s.methods:
        _w("\n")
        coroutine = aio and (not m.server_streaming)
        _w(
            f"    {('async ' if coroutine else '')!s}def {m.name!s}(\n"
            "        self,\n"
        )
        if m.client_streaming:
            _w(
                f"        request_iterator: {('AsyncIterator' if aio else 'Iterator')!s}[{m.request_type!s}],\n"
            )
        else:
            _w(f"        request: {m.request_type!s},\n")
        if aio:
            _w(
                f"        {_layout('context: grpc.aio.ServicerContext', [m.request_type, m.response_type], 8, ',', '[]')!s}\n"
            )
        else:
            _w("        context: grpc.ServicerContext,\n")
        if m.server_streaming:
            _w(
                f"    ) -> {('AsyncIterator' if aio else 'Iterator')!s}[{m.response_type!s}]:\n"
            )
        else:
            _w(f"    ) -> {m.returned_type!s}:\n")
        _w(f"        {_docstring(m.servicer_doc, 8)!s}\n")
        if not aio:
            _w(
                f"        {_layout('_rt.unimplemented', ['context', m.constant], 8)!s}\n"
            )
        elif coroutine:
            _w(
                f"        {_layout('await _rt.unimplemented_async', ['context', m.constant], 8)!s}\n"
            )
        else:
            _w(
                f"        {_layout('return _rt.unimplemented_stream', ['context', m.constant], 8)!s}\n"
            )
    for m in s.methods:
        if not m.page_response:
            continue
        _w("\n" "    @staticmethod\n")
        signature = (
            "def "
            + str(m.page_response)
            + "(page: _rt.Page["
            + str(m.item_type)
            + "]) -> "
            + str(m.response_type)
            + ":"
        )
        if (len(signature) + 4) <= 88:
            _w(f"    {signature!s}\n")
        else:
            _w(
                f"    def {m.page_response!s}(\n"
                f"        page: _rt.Page[{m.item_type!s}],\n"
                f"    ) -> {m.response_type!s}:\n"
            )
        _w(
            f"        {_docstring(m.page_response_doc, 8)!s}\n"
            f"        return page.write_to({m.response_value!s}())\n"
        )
    return "".join(_out)


def add_function(s: Any) -> str:
    """The macro add_function of templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    _w(
        f"def {s.add_function!s}(\n"
        f"    servicer: {s.servicer!s} | {s.async_servicer!s},\n"
        "    server: grpc.Server | grpc.aio.Server,\n"
        ") -> None:\n"
        f"    {_docstring(s.add_doc, 4)!s}\n"
        "    _rt.add_service(server, servicer)"
    )
    return "".join(_out)


def validator_class(s: Any, aio: Any) -> str:
    """The macro validator_class of templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    v = s.validator
    m = v.method
    _w(
        f"{_layout(('class ' + str((v.async_class if aio else v.sync_class))), [('_rt.' + str(('AsyncCachingValidator' if aio else 'CachingValidator')) + '[' + str(v.principal_type) + ']')], 0, ':')!s}\n"
        f"    {_docstring(v.doc, 4)!s}\n"
        "\n"
        "    def __init__(\n"
        "        self,\n"
        f"        client: {(s.async_client if aio else s.client)!s},\n"
        f"        request: {m.request_type!s} | None = None,\n"
        "        *,\n"
        "        max_ttl: float = 300.0,\n"
        "        invalid_ttl: float = 5.0,\n"
        "        max_entries: int = 10_000,\n"
        "    ) -> None:\n"
        "        self._client = client\n"
        f"        self._request = request or {m.request_value!s}()\n"
        "        super().__init__(\n"
        "            self._check,\n"
        "            max_ttl=max_ttl,\n"
        "            invalid_ttl=invalid_ttl,\n"
        "            max_entries=max_entries,\n"
        "        )\n"
        "\n"
        f"    {('async ' if aio else '')!s}def _check(self, token: str) -> tuple[{v.principal_type!s}, float]:\n"
        '        """Check ``token`` with the service: its principal and lifetime."""\n'
        f"        request = {m.request_value!s}()\n"
        "        request.CopyFrom(self._request)\n"
        "        request.token = token\n"
        f"        validated = {('await ' if aio else '')!s}self._client.{m.name!s}(request)\n"
        "        return validated.principal, validated.expires_in.ToTimedelta().total_seconds()"
    )
    return "".join(_out)


def token_source_class(s: Any, aio: Any) -> str:
    """The macro token_source_class of templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    t = s.token_source
    issue = t.issue
    _w(
        f"{_layout(('class ' + str((t.async_class if aio else t.sync_class))), [('_rt.' + str(('AsyncRefreshingToken' if aio else 'RefreshingToken')))], 0, ':')!s}\n"
        f"    {_docstring(t.doc, 4)!s}\n"
        "\n"
        "    def __init__(\n"
        "        self,\n"
        f"        client: {(s.async_client if aio else s.client)!s},\n"
        f"        request: {issue.request_type!s},\n"
        "        *,\n"
        "        margin: float = 60.0,\n"
        "    ) -> None:\n"
        "        self._client = client\n"
        "        self._request = request\n"
        f"        super().__init__(self._issue, {('self._renew' if t.refresh else 'None')!s}, margin=margin)\n"
        "\n"
        f"    {('async ' if aio else '')!s}def _issue(self) -> _rt.Grant:\n"
        '        """Get a new access token."""\n'
        f"        issued = {('await ' if aio else '')!s}self._client.{issue.name!s}(self._request)\n"
        f"        return _rt.grant(issued.{t.issue_field!s})\n"
    )
    if t.refresh:
        refresh = t.refresh
        _w(
            "\n"
            f"    {('async ' if aio else '')!s}def _renew(self, refresh_token: str) -> _rt.Grant:\n"
            '        """Redeem ``refresh_token`` for a new access token."""\n'
            f"        request = {refresh.request_value!s}(refresh_token=refresh_token)\n"
            f"        renewed = {('await ' if aio else '')!s}self._client.{refresh.name!s}(request)\n"
            f"        return _rt.grant(renewed.{t.refresh_field!s})\n"
        )
    return "".join(_out)


def render() -> str:
    """Render templates/_macros.j2."""
    _out: list[str] = []
    _w = _out.append
    _w("\n")
    _w("\n")
    _w("\n")
    _w("\n")
    _w("\n")
    return "".join(_out)
