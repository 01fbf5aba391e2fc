"""What the templates see: the model with every Python name resolved.

:func:`module_view` turns one :class:`~protoc_gen_platform.model.ProtoFile`
into a :class:`ModuleView` using :mod:`protoc_gen_platform.naming`. Templates
only loop over these objects and call macros; they never compute a name.
"""

from typing import TYPE_CHECKING, NamedTuple

from . import naming
from .errors import GenerationError
from .model import Enum, Method, Model, ProtoFile, Service
from .options import Options
from .paths import PLATFORM_SUFFIX, output_path
from .patterns import (
    Pagination,
    PaginationCheck,
    ResultOneof,
    TokenCheck,
    TokenIssuing,
    pagination,
    result_oneof,
    token_check,
    token_issuing,
)
from .testkit import TestingView, testing_view

if TYPE_CHECKING:
    from .companions import TokenSourceView, ValidatorView

__all__ = ["MethodView", "ModuleView", "ServiceView", "module_view"]


class MethodView(NamedTuple):
    """One RPC as generated: its Python name, constant and types."""

    rpc: Method
    kind: str
    """grpc's name for the RPC's kind, such as ``unary_stream``."""
    client_streaming: bool
    """Whether the client sends a stream of requests."""
    server_streaming: bool
    """Whether the server answers with a stream of responses."""
    name: str
    constant: str
    request_type: str
    response_type: str
    request_value: str
    response_value: str
    result: ResultOneof | None
    payload_type: str
    pages: Pagination | None
    item_type: str
    doc: str
    """The client method's docstring text (a pager's when the RPC pages;
    else, if the RPC looks paginated but is not, it says why)."""
    servicer_doc: str
    """The servicer method's docstring text."""
    page_response: str = ""
    """For a paginated RPC, the servicers' typed helper that turns a page
    into its response; empty when another RPC already has that name."""

    @property
    def annotated(self) -> bool:
        """Whether the RPC's constant needs an annotation: a message class is
        reached with ``getattr`` (a keyword name), so mypy cannot infer it."""
        return (self.request_value, self.response_value) != (
            self.request_type,
            self.response_type,
        )

    @property
    def returned_type(self) -> str:
        """What a call returns: the success payload of a result oneof, else
        the response."""
        return self.payload_type if self.result else self.response_type

    @property
    def page_response_doc(self) -> str:
        """The page helper's docstring text."""
        item = self.item_type.rpartition(".")[2]
        return (
            f"The {self.rpc.name} response that holds ``page``, a page from a\n"
            "``Paginator``: its items, ``next_page_token`` and ``total_size``.\n"
            f"A page of anything but ``{item}`` is a type error."
        )


class ServiceView(NamedTuple):
    """One service as generated: its class and function names and methods."""

    service: Service
    client: str
    async_client: str
    servicer: str
    async_servicer: str
    add_function: str
    methods: tuple[MethodView, ...]
    validator: "ValidatorView | None"
    token_source: "TokenSourceView | None"

    @property
    def client_doc(self) -> str:
        """The client classes' docstring text."""
        return _join_paragraphs(
            self.service.comment,
            f"Client for ``{self.service.full_name}``.",
            _DEPRECATED_SERVICE if self.service.deprecated else "",
        )

    @property
    def async_client_doc(self) -> str:
        """The asyncio client class's docstring text."""
        return _join_paragraphs(
            self.service.comment,
            f"Asyncio client for ``{self.service.full_name}``.",
            _DEPRECATED_SERVICE if self.service.deprecated else "",
        )

    @property
    def async_servicer_doc(self) -> str:
        """The asyncio servicer class's docstring text."""
        return _join_paragraphs(
            self.service.comment,
            f"Asyncio servicer for ``{self.service.full_name}``, served by\n"
            "``grpc.aio.server()``: subclass it and override the methods you serve\n"
            "with coroutines (async generators for streaming responses). A method\n"
            "left as is answers UNIMPLEMENTED.",
            _DEPRECATED_SERVICE if self.service.deprecated else "",
        )

    @property
    def retryable(self) -> tuple[str, ...]:
        """Names of the RPCs that are safe to retry (by ``idempotency_level``)."""
        return tuple(
            m.rpc.name for m in self.methods if m.rpc.idempotency.safe_to_retry
        )

    @property
    def servicer_doc(self) -> str:
        """The servicer classes' docstring text."""
        return _join_paragraphs(
            self.service.comment,
            f"Servicer for ``{self.service.full_name}``: subclass it and override\n"
            "the methods you serve. A method left as is answers UNIMPLEMENTED.",
            _DEPRECATED_SERVICE if self.service.deprecated else "",
        )

    @property
    def add_doc(self) -> str:
        """The registration function's docstring text."""
        return (
            f"Register ``servicer`` on ``server`` to serve ``{self.service.full_name}``.\n\n"
            "A synchronous servicer runs on ``grpc.server()`` or ``grpc.aio.server()``;\n"
            "an asyncio servicer needs ``grpc.aio.server()``."
        )


class ModuleView(NamedTuple):
    """One generated ``<stem>_platform.py`` module."""

    proto: ProtoFile
    path: str
    runtime: str
    imports: tuple[str, ...]
    services: tuple[ServiceView, ...]
    testing: TestingView | None
    """The ``<stem>_testing.py`` module beside it, unless the test kit is off."""

    @property
    def doc(self) -> str:
        """The module docstring text."""
        return (
            f"Typed gRPC clients and servicers for {self.proto.name}.\n\n"
            "Generated by protoc-gen-platform. DO NOT EDIT."
        )

    @property
    def typing_imports(self) -> tuple[str, ...]:
        """The names the module imports from ``typing``."""
        kinds = {m.rpc.kind for s in self.services for m in s.methods}
        names: set[str] = set()
        if any(k.client_streaming for k in kinds):
            names.update(("AsyncIterator", "Iterable", "Iterator"))
        if any(k.server_streaming for k in kinds):
            names.update(("AsyncIterator", "Iterator"))
        return tuple(sorted(names))

    @property
    def exports(self) -> tuple[str, ...]:
        """The module's public names, for ``__all__``."""
        return tuple(
            sorted(
                name
                for s in self.services
                for name in (
                    s.client,
                    s.async_client,
                    s.servicer,
                    s.async_servicer,
                    s.add_function,
                    *(
                        (s.validator.sync_class, s.validator.async_class)
                        if s.validator
                        else ()
                    ),
                    *(
                        (s.token_source.sync_class, s.token_source.async_class)
                        if s.token_source
                        else ()
                    ),
                )
            )
        )


_DEPRECATED_RPC = "Deprecated: this RPC is marked ``deprecated`` in the proto."
_DEPRECATED_SERVICE = "Deprecated: this service is marked ``deprecated`` in the proto."


def _join_paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(filter(None, paragraphs))


def _client_doc(
    rpc: Method, result: ResultOneof | None, pages: Pagination | None, reason: str
) -> str:
    """The client method's docstring text: a pager's when the RPC pages."""
    if pages is not None:
        unreachable = (
            f"\n\nThe pager walks the ``{pages.items_field}`` field, and collects the\n"
            f"``{pages.unreachable_field}`` locations of every page in ``.unreachable``."
            if pages.unreachable_field
            else ""
        )
        note = (
            f"Returns a pager over the ``{pages.items_field}`` of every page. The first\n"
            "page is fetched now; later ones as iteration reaches them. ``page_size``\n"
            "sets the size of each page request and ``max_items`` stops after that\n"
            "many items." + unreachable
        )
    elif result is not None:
        note = (
            f"Returns the response's ``{result.success_field}`` payload, and raises its\n"
            "``error`` as the matching PlatformError."
        )
    else:
        note = ""
    return _method_doc(rpc, note, reason)


def _servicer_doc(rpc: Method, result: ResultOneof | None, reason: str) -> str:
    """The servicer method's docstring text."""
    note = (
        f"Return the ``{result.success_field}`` payload; raise a PlatformError with\n"
        "``in_band=True`` to answer with the response's ``error`` branch instead\n"
        "(any other failure travels as a status)."
        if result
        else ""
    )
    return _method_doc(rpc, note, reason)


def _method_doc(rpc: Method, note: str, reason: str) -> str:
    """A method's docstring text: the RPC's comment, what it is, ``note``,
    why it does not page (``reason``, if it could) and whether it is
    deprecated. Built once per view, as both classes of a kind use it."""
    return _join_paragraphs(
        rpc.comment,
        f"RPC ``{rpc.path}`` ({rpc.kind.description}).",
        note,
        reason,
        _DEPRECATED_RPC if rpc.deprecated else "",
    )


def module_view(model: Model, proto: ProtoFile, options: Options) -> ModuleView:
    """Name everything the generated module of ``proto`` defines and imports."""
    scope = naming.Scope(proto.name)
    for taken in (
        "annotations",
        "grpc",
        "AsyncIterator",
        "Iterable",
        "Iterator",
        "_rt",
        "__all__",
    ):
        scope.claim(taken, "the module's imports")
    # Keyed by path, and in service order: a record hashes by value, which
    # for a service means every one of its methods.
    shapes = {
        rpc.path: (result_oneof(model, rpc), pagination(model, rpc))
        for service in proto.services
        for rpc in service.methods
    }
    checks = [token_check(model, service) for service in proto.services]
    issuing = [token_issuing(model, service) for service in proto.services]
    extra_types = [
        name
        for result, check in shapes.values()
        for name in (
            result.success_type if result else "",
            check.pagination.item_type if check.pagination else "",
        )
        if name
    ] + [check.principal_type for check in checks if check]
    imports = naming.ImportTable.for_file(model, proto, extra_types)
    services = tuple(
        _service_view(
            s,
            scope,
            imports,
            proto,
            shapes,
            check,
            issued,
            len(proto.services) > 1,
        )
        for s, check, issued in zip(proto.services, checks, issuing)
    )
    return ModuleView(
        proto=proto,
        path=output_path(proto.name, PLATFORM_SUFFIX),
        runtime=options.runtime_package,
        imports=tuple(imports.statements()),
        services=services,
        testing=(
            testing_view(proto, options.runtime_package, services, imports)
            if options.test_kit
            else None
        ),
    )


def _page_response(method: str, taken: set[str]) -> str:
    """The name of a paginated RPC's page helper, unless an RPC has it."""
    name = f"{method.rstrip('_')}_response"
    return "" if name in taken else name


def _service_view(
    service: Service,
    scope: naming.Scope,
    imports: naming.ImportTable,
    proto: ProtoFile,
    shapes: dict[str, tuple[ResultOneof | None, PaginationCheck]],
    token: TokenCheck | None,
    issuing: TokenIssuing | None,
    qualify: bool,
) -> ServiceView:
    names = naming.service_names(service, scope)
    seen: dict[str, str] = {}
    python_names = [naming.method_name(rpc.name) for rpc in service.methods]
    taken = set(python_names)
    methods = []
    for rpc, python_name in zip(service.methods, python_names):
        if python_name in seen:
            raise GenerationError(
                f"{proto.name}: service {service.name}: rpcs {seen[python_name]} and "
                f"{rpc.name} both map to {python_name}"
            )
        seen[python_name] = rpc.name
        qualified = f"{service.name}_{rpc.name}" if qualify else rpc.name
        # No leading "__": classes refer to the constants, where Python would
        # mangle such a name into another one.
        constant = naming.snake_case(qualified).upper().lstrip("_") or "RPC"
        result, check = shapes[rpc.path]
        pages, kind = check.pagination, rpc.kind
        methods.append(
            MethodView(  # positional: keywords cost a tenth more, 8 a file
                rpc,  # rpc
                # The kind's three facets are fields, not properties of
                # ``rpc``: the templates read them about ninety times a file.
                kind.value,  # kind
                kind.client_streaming,  # client_streaming
                kind.server_streaming,  # server_streaming
                python_name,  # name
                scope.claim_private(f"_{constant}", f"rpc {rpc.path}"),  # constant
                imports.type_ref(rpc.input_type),  # request_type
                imports.type_ref(rpc.output_type),  # response_type
                imports.value_ref(rpc.input_type),  # request_value
                imports.value_ref(rpc.output_type),  # response_value
                result,  # result
                imports.type_ref(result.success_type) if result else "",  # payload_type
                pages,  # pages
                _item_type(imports, pages) if pages else "",  # item_type
                _client_doc(rpc, result, pages, check.reason),  # doc
                _servicer_doc(rpc, result, check.reason),  # servicer_doc
                _page_response(python_name, taken) if pages else "",  # page_response
            )
        )
    validator = source = None
    if token is not None or issuing is not None:
        # Few services check or issue tokens: the module loads when one does.
        from .companions import token_source_view, validator_view

        by_rpc = {m.rpc: m for m in methods}
        validator = validator_view(token, service, scope, imports, by_rpc)
        source = token_source_view(issuing, service, scope, by_rpc)
    return ServiceView(
        service=service,
        methods=tuple(methods),
        validator=validator,
        token_source=source,
        **names,
    )


def _item_type(imports: naming.ImportTable, pages: Pagination) -> str:
    """The Python type of one item of a paginated response."""
    if not pages.item_type:
        return naming.scalar_type(pages.item_scalar)
    ref = imports.type_ref(pages.item_type)
    return (
        f"{ref}.ValueType" if isinstance(imports.decl(pages.item_type), Enum) else ref
    )
