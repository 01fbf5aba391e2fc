"""Naming: every Python identifier and import alias of a generated module.

This is the one place that decides what things are called in Python, so a
collision is caught here, by construction, instead of surfacing as broken code:

* RPC names become snake_case (``GetV2HTTPStatus`` -> ``get_v2_http_status``);
  keywords and names reserved by the client and servicer base classes get a
  trailing underscore, and names with a leading underscore get an ``rpc``
  prefix (so Python's private-name mangling never applies).
* Every message type resolves to ``<alias>.<Local.Name>``, where ``<alias>``
  is its ``_pb2`` module imported under a name that cannot collide.
* Module-level names (classes, functions, constants) are registered in one
  :class:`Scope`; two things that would share a name are a GenerationError.
"""

from __future__ import annotations

import functools
import keyword
import re
from typing import Container, Iterable

from google.protobuf.descriptor_pb2 import FieldDescriptorProto as FDP

from .errors import GenerationError
from .model import Model, ProtoFile, Service
from .paths import module_name, output_path
from .patterns import ERROR_TYPE, uses_error_type

__all__ = [
    "CLIENT_RESERVED",
    "Scope",
    "ImportTable",
    "method_name",
    "module_name",
    "output_path",
    "snake_case",
]

# Members of the runtime's client and servicer base classes (and of object):
# an RPC method must never shadow them.
CLIENT_RESERVED = frozenset(
    {
        "SERVICE_CONFIG",
        "channel",
        "close",
        "connect",
        "metadata",
        "timeout",
        "token",
        "mro",
    }
)

# Where a word starts: the last capital of a run followed by a lower-case
# letter (HTTP|Status), or a capital after a lower-case letter or digit (V2|H).
_WORD_START = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z0-9])(?=[A-Z])")


@functools.lru_cache(maxsize=8192)
def snake_case(name: str) -> str:
    """``GetV2HTTPStatus`` -> ``get_v2_http_status``; underscores are kept."""
    return _WORD_START.sub("_", name).lower()


def safe_identifier(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """``name`` made safe to define: keywords and ``reserved`` get a trailing ``_``."""
    if name.startswith("_"):
        name = "rpc" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved:
        name += "_"
    return name


_SCALAR_TYPES: dict[int, str] = {
    FDP.TYPE_DOUBLE: "float",
    FDP.TYPE_FLOAT: "float",
    FDP.TYPE_BOOL: "bool",
    FDP.TYPE_STRING: "str",
    FDP.TYPE_BYTES: "bytes",
}


def scalar_type(proto_type: int) -> str:
    """The Python type of a scalar protobuf field type (integers are ``int``)."""
    return _SCALAR_TYPES.get(proto_type, "int")


@functools.lru_cache(maxsize=8192)
def method_name(rpc: str) -> str:
    """The Python method name of an RPC on generated clients and servicers."""
    return safe_identifier(snake_case(rpc), CLIENT_RESERVED)


class Scope:
    """The module-level names of one generated module, each claimed once."""

    def __init__(self, where: str) -> None:
        self._where = where
        self._owners: dict[str, str] = {}

    def claim(self, name: str, owner: str) -> str:
        """Claim ``name`` for ``owner``; a name claimed twice is an error."""
        previous = self._owners.get(name)
        if previous is not None:
            raise GenerationError(
                f"{self._where}: {previous} and {owner} both map to the Python name {name}"
            )
        self._owners[name] = owner
        return name

    def claim_private(self, name: str, owner: str) -> str:
        """Claim a private name, numbering it until it is free."""
        candidate, n = name, 2
        while candidate in self._owners:
            candidate, n = f"{name}_{n}", n + 1
        return self.claim(candidate, owner)


class ImportTable:
    """The ``_pb2`` modules one generated module imports, with their aliases.

    Aliases are the module's own name (``auth_pb2``) unless two modules share
    it; then parent directories are prepended (``v1_types_pb2``) until each is
    unique. Every alias ends in ``_pb2``, which no other module-level name of a
    generated module does, so aliases cannot collide with anything else.
    """

    def __init__(
        self, model: Model, modules: set[str], registering: frozenset[str] = frozenset()
    ) -> None:
        self._model = model
        self._alias = _aliases(sorted(modules | registering))
        self._registering = registering
        self._type_refs: dict[str, str] = {}
        self._value_refs: dict[str, str] = {}

    @classmethod
    def for_file(
        cls, model: Model, proto: ProtoFile, extra_types: Iterable[str] = ()
    ) -> ImportTable:
        """The imports needed by the generated module of ``proto``.

        That is the module of every request and response type of its methods
        and of ``extra_types`` (result payloads, page items), and also the
        module of ``platform.common.Error`` when the contracts define it but
        ``proto`` does not depend on it: importing it registers the type, so
        errors that carry it arrive decoded.
        """
        files = {proto.name}
        for service in proto.services:
            for method in service.methods:
                files.add(model.message(method.input_type).file)
                files.add(model.message(method.output_type).file)
        files.update(model.types[name].file for name in extra_types)
        error = model.types.get(ERROR_TYPE)
        registering = frozenset(
            {module_name(error.file, "_pb2")}
            if error is not None and not uses_error_type(model, proto.name)
            else ()
        )
        return cls(model, {module_name(f, "_pb2") for f in files}, registering)

    def type_ref(self, full_name: str) -> str:
        """The annotation naming message or enum ``full_name``.

        It follows mypy-protobuf's stubs, where a name that is a Python
        keyword gets an ``_r_`` prefix (``from`` -> ``_r_from``). Generated
        modules use ``from __future__ import annotations``, so annotations
        are never evaluated at run time; use :meth:`value_ref` there.
        """
        ref = self._type_refs.get(full_name)
        if ref is None:  # a module names most types several times
            alias, parts = self._resolve(full_name)
            ref = ".".join(
                [alias] + [f"_r_{p}" if keyword.iskeyword(p) else p for p in parts]
            )
            self._type_refs[full_name] = ref
        return ref

    def value_ref(self, full_name: str) -> str:
        """The run-time expression for the class of ``full_name``.

        The same as :meth:`type_ref` unless a name is a Python keyword, which
        only ``getattr`` can reach: ``getattr(kw_pb2, "from")``.
        """
        found = self._value_refs.get(full_name)
        if found is not None:
            return found
        expression, parts = self._resolve(full_name)
        for part in parts:
            expression = (
                f'getattr({expression}, "{part}")'
                if keyword.iskeyword(part)
                else f"{expression}.{part}"
            )
        self._value_refs[full_name] = expression
        return expression

    def _resolve(self, full_name: str) -> tuple[str, list[str]]:
        decl = self._model.types.get(full_name)
        if decl is None:
            raise GenerationError(f"type {full_name!r} is not defined")
        return self._alias[module_name(decl.file, "_pb2")], decl.local_name.split(".")

    def decl(self, full_name: str) -> object:
        """The model's declaration of ``full_name`` (a Message or an Enum)."""
        return self._model.types[full_name]

    def statements(self, used: Container[str] | None = None) -> list[str]:
        """The import statements, sorted by module; with ``used``, only those
        of the aliases it holds."""
        lines = []
        for module, alias in sorted(self._alias.items()):
            if used is not None and alias not in used:
                continue
            package, _, leaf = module.rpartition(".")
            suffix = "" if alias == leaf else f" as {alias}"
            line = f"from {package} import {leaf}" if package else f"import {leaf}"
            if module in self._registering:
                # "as <alias>" marks an import kept for its effect, so that
                # type checkers do not report it as unused.
                suffix = f" as {alias}  # registers {ERROR_TYPE} for error details"
            lines.append(line + suffix)
        return lines


def _aliases(modules: list[str]) -> dict[str, str]:
    """Shortest distinct aliases: leaf names, lengthened by parents on a clash."""
    depth = {m: 1 for m in modules}
    while True:
        alias = {m: "_".join(m.split(".")[-depth[m] :]) for m in modules}
        groups: dict[str, list[str]] = {}
        for m, a in alias.items():
            groups.setdefault(a, []).append(m)
        clashing = [ms for ms in groups.values() if len(ms) > 1]
        if not clashing:
            return alias
        for group in clashing:
            growable = [m for m in group if depth[m] < len(m.split("."))]
            if not growable:
                raise GenerationError(
                    f"cannot give distinct import aliases to {', '.join(group)}"
                )
            for m in growable:
                depth[m] += 1


def service_names(service: Service, scope: Scope) -> dict[str, str]:
    """Claim the public module-level names of one service in ``scope``."""
    owner = f"service {service.name}"
    return {
        "client": scope.claim(f"{service.name}Client", owner),
        "async_client": scope.claim(f"{service.name}AsyncClient", owner),
        "servicer": scope.claim(f"{service.name}Servicer", owner),
        "async_servicer": scope.claim(f"{service.name}AsyncServicer", owner),
        "add_function": scope.claim(f"add_{service.name}Servicer_to_server", owner),
    }
