"""The map of the services: which proto package's files import which others.

One node per proto package of the files to generate, labelled with its
services; an edge from a package to each package whose files its files
import. Packages that most others import (``platform.common``) and
``google.*`` are *common types*: they are listed apart, with no edges, so
that they do not drown the picture. Everything comes from the contracts'
own imports; nothing is drawn by hand.
"""

from typing import NamedTuple

from .model import Model

__all__ = ["CommonPackage", "PackageNode", "ServiceMap", "service_map"]

WELL_KNOWN_PREFIX = "google."
"""Packages under this prefix (protobuf's well-known types, google.rpc, ...)
are always common types."""


class PackageNode(NamedTuple):
    """A proto package of the contracts: its Mermaid node id, name and services."""

    id: str
    name: str
    services: tuple[str, ...]


class CommonPackage(NamedTuple):
    """A package of common types, and how many of the other packages import it."""

    id: str
    name: str
    importers: int


class ServiceMap(NamedTuple):
    """The packages, the import edges between them (``(from, to)`` node ids,
    sorted) and the common packages kept apart."""

    nodes: tuple[PackageNode, ...]
    edges: tuple[tuple[str, str], ...]
    common: tuple[CommonPackage, ...]


def _package_imports(model: Model) -> dict[str, set[str]]:
    """For each package of the files to generate, the packages its files import."""
    imports: dict[str, set[str]] = {}
    for name in model.to_generate:
        proto = model.files[name]
        found = imports.setdefault(proto.package, set())
        for dependency in proto.dependencies:
            target = model.files.get(dependency)
            if target is not None and target.package != proto.package:
                found.add(target.package)
    return imports


def _is_common(package: str, importers: int, others: int) -> bool:
    """``google.*``, or imported by more than half of at least two other packages."""
    if package.startswith(WELL_KNOWN_PREFIX) or package == "google":
        return True
    return others >= 2 and importers * 2 > others


def service_map(model: Model) -> ServiceMap:
    """The package graph of the files to generate in ``model``."""
    imports = _package_imports(model)
    everything = sorted(set(imports) | {p for found in imports.values() for p in found})
    importers = {
        package: sum(1 for found in imports.values() if package in found)
        for package in everything
    }
    others = len(everything) - 1
    common = [p for p in everything if _is_common(p, importers[p], others)]
    drawn = [p for p in everything if p not in common]
    ids = {package: f"p{i}" for i, package in enumerate(drawn + common)}
    services: dict[str, list[str]] = {}
    for name in model.to_generate:
        proto = model.files[name]
        services.setdefault(proto.package, []).extend(s.name for s in proto.services)
    edges = sorted(
        (ids[source], ids[target])
        for source, found in imports.items()
        if source in drawn
        for target in found
        if target in drawn
    )
    return ServiceMap(
        nodes=tuple(
            PackageNode(ids[p], p or "(no package)", tuple(services.get(p, ())))
            for p in drawn
        ),
        edges=tuple(edges),
        common=tuple(CommonPackage(ids[p], p, importers[p]) for p in common),
    )
