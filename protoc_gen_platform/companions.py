"""What the templates see of a service's companion classes: the caching
token validators of a token-checking service, and the token sources of a
token-issuing one (see :mod:`protoc_gen_platform.patterns`)."""

from typing import TYPE_CHECKING, NamedTuple

from . import naming
from .model import Method, Service
from .patterns import TokenCheck, TokenIssuing

if TYPE_CHECKING:
    from .views import MethodView

__all__ = ["TokenSourceView", "ValidatorView", "token_source_view", "validator_view"]


class ValidatorView(NamedTuple):
    """The caching token validators of a service with a token-checking RPC."""

    sync_class: str
    async_class: str
    method: "MethodView"
    principal_type: str

    @property
    def doc(self) -> str:
        """The validator classes' docstring text."""
        rpc = self.method.rpc
        return (
            f"A validator for the serving runtime's auth interceptor that checks\n"
            f"bearer tokens with ``{rpc.path}``.\n\n"
            "Each token is checked once and remembered for its ``expires_in``, at most\n"
            "``max_ttl`` seconds. A token the service refuses (in-band) is refused\n"
            "with the service's error, and remembered for ``invalid_ttl`` seconds.\n"
            "When the service cannot be reached, the call is refused with\n"
            "UNAVAILABLE. ``request`` sets the other fields of every check, such as\n"
            "the audience or the scopes required."
        )


class TokenSourceView(NamedTuple):
    """The token sources of a service with token-issuing RPCs."""

    sync_class: str
    async_class: str
    issue: "MethodView"
    issue_field: str
    refresh: "MethodView | None"
    refresh_field: str

    @property
    def doc(self) -> str:
        """The token source classes' docstring text."""
        renewal = (
            f"renews it with ``{self.refresh.rpc.path}``\n"
            "(falling back to a new issue if that fails)"
            if self.refresh
            else "issues a new one"
        )
        return (
            "A token source to pass as ``token=`` to any client: it gets an\n"
            f"access token with ``{self.issue.rpc.path}``\n"
            f"(``request`` holds the credentials) and, ``margin`` seconds before\n"
            f"it expires, {renewal}. Concurrent callers wait for one\n"
            "renewal; a client refused with UNAUTHENTICATED drops the token and\n"
            "retries once with a new one."
        )


def validator_view(
    token: TokenCheck | None,
    service: Service,
    scope: naming.Scope,
    imports: naming.ImportTable,
    methods: "dict[Method, MethodView]",
) -> ValidatorView | None:
    """The validators of ``service``, named in ``scope``, if it checks tokens."""
    if token is None:
        return None
    owner = f"service {service.name}"
    return ValidatorView(
        sync_class=scope.claim(f"{service.name}TokenValidator", owner),
        async_class=scope.claim(f"{service.name}AsyncTokenValidator", owner),
        method=methods[token.method],
        principal_type=imports.type_ref(token.principal_type),
    )


def token_source_view(
    issuing: TokenIssuing | None,
    service: Service,
    scope: naming.Scope,
    methods: "dict[Method, MethodView]",
) -> TokenSourceView | None:
    """The token sources of ``service``, named in ``scope``, if it issues tokens."""
    if issuing is None:
        return None
    owner = f"service {service.name}"
    return TokenSourceView(
        sync_class=scope.claim(f"{service.name}TokenSource", owner),
        async_class=scope.claim(f"{service.name}AsyncTokenSource", owner),
        issue=methods[issuing.issue],
        issue_field=issuing.issue_field,
        refresh=methods[issuing.refresh] if issuing.refresh else None,
        refresh_field=issuing.refresh_field,
    )
