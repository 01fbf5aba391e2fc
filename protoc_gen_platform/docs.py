"""The generated SDK's README: the view the template ``sdk_readme.md.j2`` renders.

Facts come from the model and :mod:`patterns` (kinds, pagination, result
oneofs, idempotency, deprecation), Python names from :mod:`naming`, the
package graph from :mod:`servicemap`; the templates only print them. Proto
comments are untrusted text: they reach the README escaped, one paragraph a
line, so none can open a table, a heading or a code block.
"""

import keyword
import re
from collections import Counter
from pathlib import PurePosixPath
from typing import Iterable, NamedTuple, Sequence

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2

from . import naming
from .formatting import format_with_black
from .model import Method, Model, Service, StreamingKind
from .model_builder import build_model
from .options import Options
from .paths import module_name
from .patterns import pagination, result_oneof
from .render import render_quickstart, render_sdk_readme
from .servicemap import ServiceMap, service_map

__all__ = [
    "QuickstartView",
    "ReadmeView",
    "RpcRow",
    "ServiceSection",
    "readme_view",
    "render_readme",
    "sdk_readme",
]


class RpcRow(NamedTuple):
    """One RPC as a row of its service's table; every text is Markdown-safe."""

    method: str
    kind: str
    request: str
    returns: str
    pages: bool
    retried: bool
    in_band: bool
    deprecated: bool
    summary: str


class ServiceSection(NamedTuple):
    """A service: its name, comment paragraphs, where its clients are, its RPCs."""

    name: str
    full_name: str
    deprecated: bool
    paragraphs: tuple[str, ...]
    import_from: str
    client: str
    async_client: str
    rows: tuple[RpcRow, ...]


class PackageSection(NamedTuple):
    """A proto package and its services, in file and declaration order."""

    name: str
    services: tuple[ServiceSection, ...]


class QuickstartView(NamedTuple):
    """The names the quickstart uses: one service's clients, a plain unary RPC
    (for a call, a caught error and an async call) and, if the service has
    one, a paginated RPC."""

    imports: tuple[tuple[str, tuple[str, ...]], ...]
    runtime: str
    service: str
    client: str
    async_client: str
    call: str
    call_request: str
    pager: str
    pager_request: str


class ReadmeView(NamedTuple):
    """Everything the SDK README shows."""

    package: str
    distribution: str
    extras: tuple[tuple[str, str], ...]
    quickstart: QuickstartView | None
    graph: ServiceMap
    packages: tuple[PackageSection, ...]
    services: int
    rpcs: int


_INLINE = re.compile(r"[\\`*\[\]|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLOCK_START = re.compile(r"^(#|>|-|\+|=|~)")
_ORDERED_START = re.compile(r"^(\d+)([.)])")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(lambda m: "\\" + m.group(0), text)


def markdown_text(text: str) -> str:
    """``text`` on one line, as Markdown that shows it and does nothing else.

    Code spans (`` `name` ``) stay code spans, whose text Markdown shows
    as is; everything else is escaped, and so is a pipe anywhere, which
    would otherwise end a table cell.
    """
    line = " ".join(text.split())
    parts, done = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(_escape(line[done : span.start()]))
        parts.append(span.group(0).replace("|", "\\|"))
        done = span.end()
    parts.append(_escape(line[done:]))
    line = _BLOCK_START.sub(r"\\\1", "".join(parts))
    return _ORDERED_START.sub(r"\1\\\2", line)


def paragraphs(comment: str) -> tuple[str, ...]:
    """A proto comment's paragraphs, each as one line of Markdown-safe text."""
    found = (markdown_text(p) for p in re.split(r"\n\s*\n", comment))
    return tuple(p for p in found if p)


def first_sentence(comment: str) -> str:
    """The first sentence of a comment (all of its first paragraph if it has
    no full stop), Markdown-safe."""
    first = " ".join(re.split(r"\n\s*\n", comment.strip())[0].split())
    match = _SENTENCE.match(first)
    return markdown_text(match.group(1) if match else first)


class _Names:
    """Where the SDK's users import things from, as ``platform-sdk`` lays it out:
    each directory's ``__init__`` re-exports what no two of its modules share."""

    def __init__(self, model: Model, package: str) -> None:
        self.model = model
        self.package = package
        counts: Counter[tuple[str, str]] = Counter()
        for name in model.to_generate:
            proto = model.files[name]
            where = self._directory(name)
            declared = [m.local_name for m in proto.messages]
            declared += [e.local_name for e in proto.enums]
            for service in proto.services:
                declared += _clients(service)
            counts.update((where, n) for n in declared if not keyword.iskeyword(n))
        self._counts = counts

    def _directory(self, proto_file: str) -> str:
        parts = PurePosixPath(proto_file.replace("-", "_")).parent.parts
        return ".".join((self.package, *parts))

    def home(self, proto_file: str, name: str, suffix: str) -> str:
        """The module to import ``name`` (defined by ``proto_file``'s
        ``<stem><suffix>`` module) from: its directory's package if that
        re-exports it, else the module itself."""
        if proto_file not in self.model.to_generate:
            return module_name(proto_file, suffix)  # google.protobuf and the like
        where = self._directory(proto_file)
        if self._counts[(where, name)] == 1:
            return where
        return f"{self.package}.{module_name(proto_file, suffix)}"


def _clients(service: Service) -> tuple[str, str]:
    """The names of ``service``'s sync and async clients, as :mod:`naming` gives them."""
    names = naming.service_names(service, naming.Scope(service.full_name))
    return names["client"], names["async_client"]


def _type_label(model: Model, full_name: str, package: str) -> str:
    decl = model.types.get(full_name)
    if decl is not None and model.files[decl.file].package == package:
        return f"`{decl.local_name}`"
    return f"`{full_name}`"


def _row(model: Model, method: Method, package: str) -> RpcRow:
    result = result_oneof(model, method)
    pages = pagination(model, method).pagination
    returns = _type_label(
        model, result.success_type if result else method.output_type, package
    )
    request = _type_label(model, method.input_type, package)
    return RpcRow(
        method=f"`{naming.method_name(method.name)}`",
        kind=method.kind.description,
        request=f"stream of {request}" if method.kind.client_streaming else request,
        returns=f"stream of {returns}" if method.kind.server_streaming else returns,
        pages=pages is not None,
        retried=method.idempotency.safe_to_retry,
        in_band=result is not None,
        deprecated=method.deprecated,
        summary=first_sentence(method.comment),
    )


def _section(
    model: Model, names: _Names, proto_file: str, service: Service
) -> ServiceSection:
    package = model.files[proto_file].package
    client, async_client = _clients(service)
    return ServiceSection(
        name=service.name,
        full_name=service.full_name,
        deprecated=service.deprecated,
        paragraphs=paragraphs(service.comment),
        import_from=names.home(proto_file, client, "_platform"),
        client=client,
        async_client=async_client,
        rows=tuple(_row(model, m, package) for m in service.methods),
    )


def _plain_request(model: Model, method: Method) -> bool:
    """A request message the quickstart can build by its plain class name."""
    decl = model.types.get(method.input_type)
    return (
        decl is not None
        and "." not in decl.local_name
        and not keyword.iskeyword(decl.local_name)
    )


def _quickstart(model: Model, names: _Names) -> QuickstartView | None:
    """The first service (by package) with a plain unary RPC, preferring one
    that also has a paginated RPC; ``Get...`` RPCs are preferred for the call."""
    candidates = []
    for name in sorted(model.to_generate, key=lambda n: (model.files[n].package, n)):
        for service in model.files[name].services:
            if service.deprecated:
                continue
            usable = [
                m
                for m in service.methods
                if not m.deprecated
                and m.kind is StreamingKind.UNARY_UNARY
                and _plain_request(model, m)
            ]
            paged = [m for m in usable if pagination(model, m).pagination]
            plain = [m for m in usable if m not in paged]
            plain.sort(key=lambda m: not m.name.startswith("Get"))
            if plain:
                candidates.append((not paged, name, service, plain[0], paged))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])  # stable: keeps the package order
    _, proto_file, service, call, paged = candidates[0]
    client, async_client = _clients(service)
    wanted: dict[str, set[str]] = {}
    for item in [client, async_client]:
        wanted.setdefault(names.home(proto_file, item, "_platform"), set()).add(item)
    for method in [call, *paged[:1]]:
        decl = model.types[method.input_type]
        home = names.home(decl.file, decl.local_name, "_pb2")
        wanted.setdefault(home, set()).add(decl.local_name)
    return QuickstartView(
        imports=tuple((m, tuple(sorted(n))) for m, n in sorted(wanted.items())),
        # platform-sdk runs the plugin with its default runtime package.
        runtime=f"{names.package}.{Options().runtime_package}",
        service=service.name,
        client=client,
        async_client=async_client,
        call=naming.method_name(call.name),
        call_request=model.types[call.input_type].local_name,
        pager=naming.method_name(paged[0].name) if paged else "",
        pager_request=model.types[paged[0].input_type].local_name if paged else "",
    )


def readme_view(
    model: Model, package: str, extras: Sequence[tuple[str, str]]
) -> ReadmeView:
    """The README view of the files to generate in ``model``, for the SDK
    package ``package`` with ``extras`` (name, description)."""
    names = _Names(model, package)
    by_package: dict[str, list[ServiceSection]] = {}
    for name in sorted(model.to_generate, key=lambda n: (model.files[n].package, n)):
        proto = model.files[name]
        for service in proto.services:
            by_package.setdefault(proto.package, []).append(
                _section(model, names, name, service)
            )
    sections = tuple(PackageSection(p, tuple(s)) for p, s in by_package.items())
    services = [s for p in sections for s in p.services]
    return ReadmeView(
        package=package,
        distribution=package.replace("_", "-"),
        extras=tuple(extras),
        quickstart=_quickstart(model, names),
        graph=service_map(model),
        packages=sections,
        services=len(services),
        rpcs=sum(len(s.rows) for s in services),
    )


def render_readme(view: ReadmeView) -> str:
    """The README's Markdown; the quickstart's code is black's own output."""
    quickstart = ""
    if view.quickstart is not None:
        quickstart = format_with_black(render_quickstart(view.quickstart))
    return render_sdk_readme(view, quickstart)


def sdk_readme(
    files: descriptor_pb2.FileDescriptorSet,
    to_generate: Iterable[str],
    package: str,
    extras: Sequence[tuple[str, str]],
) -> str:
    """The README of the SDK package ``package`` built from ``files``."""
    request = plugin_pb2.CodeGeneratorRequest(
        file_to_generate=list(to_generate), proto_file=list(files.file)
    )
    return render_readme(readme_view(build_model(request), package, extras))
