"""Channels that carry the services' retry policies, for one service or many.

``open_channel(target, EtlServiceClient, AuthServiceClient, insecure=True)``
opens one channel whose service config merges theirs, so each service's
retry policy applies; every client of those services can then share it:
``EtlServiceClient(channel)``. ``open_async_channel`` is the asyncio twin.
Both take interceptors (grpc's client interceptor API), channel options and
compression, as ``connect()`` does.

Every channel balances calls with grpc's ``round_robin`` over the addresses
its target resolves to, unless ``load_balancing="pick_first"`` asks for one
address at a time, and sends keepalive pings every :data:`CLIENT_KEEPALIVE`
seconds, idle or not, so that an L4 load balancer or a NAT does not drop an
idle connection (``keepalive=None`` turns them off).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence, Union, get_args

import grpc

if TYPE_CHECKING:
    from .base import BaseClient

__all__ = [
    "CLIENT_KEEPALIVE",
    "ChannelOptions",
    "ClientInterceptor",
    "LoadBalancing",
    "channel_credentials",
    "check_plaintext_token",
    "merge_service_configs",
    "open_async_channel",
    "open_channel",
    "service_config",
]

ChannelOptions = Sequence[tuple[str, Union[str, int]]]
"""grpc channel options, as ``(key, value)`` pairs."""

ClientInterceptor = Union[
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
]
"""A synchronous grpc client interceptor, of any of the four kinds."""


LoadBalancing = Literal["round_robin", "pick_first"]
"""grpc's load-balancing policies a channel may ask for: ``round_robin`` (each
call to the next address the target resolves to) or ``pick_first`` (every
call to one address, the next one only when it fails)."""

CLIENT_KEEPALIVE = 20.0
"""Seconds between the keepalive pings of a channel, idle or not: shorter than
the idle timeouts of L4 load balancers and NATs (minutes), and accepted by
the serving runtime (``Server`` takes a ping every 10 s)."""


def service_config(
    *clients: type[BaseClient], load_balancing: LoadBalancing | None = None
) -> str:
    """One gRPC service config (JSON) holding the method configs, retry
    policies included, of the given client classes' services, and one
    load-balancing policy: ``load_balancing``, else theirs (``round_robin``)."""
    return merge_service_configs(
        (client.SERVICE_CONFIG for client in clients), load_balancing
    )


def merge_service_configs(
    configs: Iterable[str], load_balancing: LoadBalancing | None = None
) -> str:
    """One gRPC service config (JSON) holding the method configs of all
    ``configs`` and one load-balancing policy: ``load_balancing`` if given,
    else the first that ``configs`` name (generated ones all name
    ``round_robin``)."""
    methods: list[Any] = []
    balancing: Any = None
    for config in configs:
        parsed = json.loads(config)
        methods.extend(parsed.get("methodConfig", ()))
        balancing = balancing or parsed.get("loadBalancingConfig")
    if load_balancing is not None:
        balancing = [{check_load_balancing(load_balancing): {}}]
    merged: dict[str, Any] = {"methodConfig": methods}
    if balancing:
        merged["loadBalancingConfig"] = balancing
    return json.dumps(merged, sort_keys=True)


def check_load_balancing(policy: object) -> str:
    """``policy`` if it is one of :data:`LoadBalancing`; else ValueError."""
    known = get_args(LoadBalancing)
    if policy not in known:
        raise ValueError(
            f"load_balancing={policy!r}: expected one of {', '.join(known)} (for "
            "another policy, pass your own grpc.service_config in options=)"
        )
    return str(policy)


def keepalive_options(keepalive: float | None) -> list[tuple[str, int]]:
    """The channel options of client keepalive every ``keepalive`` seconds
    (none for None): pings go on while the channel is idle, as many as it
    takes (grpc stops after two without data unless told otherwise)."""
    if keepalive is None:
        return []
    if isinstance(keepalive, bool) or not isinstance(keepalive, (int, float)):
        raise TypeError(f"keepalive={keepalive!r}: expected seconds or None")
    if not keepalive > 0:
        raise ValueError(
            f"keepalive={keepalive!r}: expected a positive number of seconds"
        )
    return [
        ("grpc.keepalive_time_ms", int(keepalive * 1000)),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]


def _options(
    config: str, options: ChannelOptions, keepalive: float | None = CLIENT_KEEPALIVE
) -> list[tuple[str, str | int]]:
    """The service config (retries, load balancing) and keepalive, each unless
    the caller's options set its key: grpc reads the first of duplicated keys,
    so the caller's replace ours."""
    given = [(key, value) for key, value in options]
    keys = {key for key, _ in given}
    defaults: list[tuple[str, str | int]] = [
        ("grpc.service_config", config),
        ("grpc.enable_retries", 1),
        *keepalive_options(keepalive),
    ]
    return [(k, v) for k, v in defaults if k not in keys] + given


def channel_credentials(
    credentials: grpc.ChannelCredentials | None, insecure: bool
) -> grpc.ChannelCredentials | None:
    """The credentials to open a channel with; None for plaintext."""
    if insecure and credentials is not None:
        raise ValueError("pass either credentials or insecure=True, not both")
    return None if insecure else credentials or grpc.ssl_channel_credentials()


def open_channel(
    target: str,
    *clients: type[BaseClient],
    credentials: grpc.ChannelCredentials | None = None,
    insecure: bool = False,
    interceptors: Iterable[ClientInterceptor] = (),
    options: ChannelOptions = (),
    compression: grpc.Compression | None = None,
    load_balancing: LoadBalancing = "round_robin",
    keepalive: float | None = CLIENT_KEEPALIVE,
) -> grpc.Channel:
    """A ``grpc.Channel`` to ``target`` with the retry policies of the
    services of ``clients`` (client classes): TLS with the system's roots
    unless ``credentials`` are given or ``insecure=True`` asks for plaintext;
    ``interceptors`` (grpc's client interceptors) see every call. Calls are
    spread with ``load_balancing`` over the addresses ``target`` resolves to;
    keepalive pings go every ``keepalive`` seconds (None: none)."""
    config = _options(
        service_config(*clients, load_balancing=load_balancing), options, keepalive
    )
    creds = channel_credentials(credentials, insecure)
    if creds is None:
        channel = grpc.insecure_channel(target, options=config, compression=compression)
    else:
        channel = grpc.secure_channel(
            target, creds, options=config, compression=compression
        )
    chosen = list(interceptors)
    return grpc.intercept_channel(channel, *chosen) if chosen else channel


def open_async_channel(
    target: str,
    *clients: type[BaseClient],
    credentials: grpc.ChannelCredentials | None = None,
    insecure: bool = False,
    interceptors: Iterable[grpc.aio.ClientInterceptor] = (),
    options: ChannelOptions = (),
    compression: grpc.Compression | None = None,
    load_balancing: LoadBalancing = "round_robin",
    keepalive: float | None = CLIENT_KEEPALIVE,
) -> grpc.aio.Channel:
    """The asyncio twin of :func:`open_channel` (call it in the event loop
    that will use the channel); ``interceptors`` are grpc.aio's. One that
    implements several kinds sees all of them (grpc.aio alone would give it
    only the first)."""
    config = _options(
        service_config(*clients, load_balancing=load_balancing), options, keepalive
    )
    creds = channel_credentials(credentials, insecure)
    chosen = [one for i in interceptors for one in _one_kind_each(i)] or None
    if creds is None:
        return grpc.aio.insecure_channel(
            target, options=config, compression=compression, interceptors=chosen
        )
    return grpc.aio.secure_channel(
        target, creds, options=config, compression=compression, interceptors=chosen
    )


class _OneKind:
    """One kind of an interceptor that implements several: grpc.aio uses an
    interceptor for the first kind it implements only, and drops the rest."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner


class _UnaryUnary(_OneKind, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return await self._inner.intercept_unary_unary(
            continuation, client_call_details, request
        )


class _UnaryStream(_OneKind, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return await self._inner.intercept_unary_stream(
            continuation, client_call_details, request
        )


class _StreamUnary(_OneKind, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await self._inner.intercept_stream_unary(
            continuation, client_call_details, request_iterator
        )


class _StreamStream(_OneKind, grpc.aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        return await self._inner.intercept_stream_stream(
            continuation, client_call_details, request_iterator
        )


_KINDS: tuple[tuple[type, type[_OneKind]], ...] = (
    (grpc.aio.UnaryUnaryClientInterceptor, _UnaryUnary),
    (grpc.aio.UnaryStreamClientInterceptor, _UnaryStream),
    (grpc.aio.StreamUnaryClientInterceptor, _StreamUnary),
    (grpc.aio.StreamStreamClientInterceptor, _StreamStream),
)


def _one_kind_each(interceptor: Any) -> list[Any]:
    """``interceptor``, or one adapter per kind when it implements several."""
    adapters = [
        one(interceptor) for kind, one in _KINDS if isinstance(interceptor, kind)
    ]
    return adapters if len(adapters) > 1 else [interceptor]


def check_plaintext_token(
    target: str, insecure: bool, token: object, allow_plaintext_token: bool
) -> None:
    """Refuse to send a bearer token unencrypted to a host that is not this
    machine, unless the caller says it is safe (a service mesh, say)."""
    if not insecure or token is None or allow_plaintext_token or _is_local(target):
        return
    raise ValueError(
        f"refusing to send a bearer token in plaintext to {target}: use TLS, or "
        "pass allow_plaintext_token=True if the network is trusted (a service mesh)"
    )


def _is_local(target: str) -> bool:
    """Whether ``target`` is this machine: loopback, or a Unix socket."""
    if target.startswith(("unix:", "unix-abstract:")):
        return True
    host = target.split("///", 1)[-1]  # a name resolver's scheme, like dns:///
    if host.startswith("["):
        host = host[1 : host.find("]")]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    if host == "localhost":
        return True
    import ipaddress  # here: only connect() with a token and plaintext needs it

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
