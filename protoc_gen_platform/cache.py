"""A cache of generated modules, so an unchanged file costs nothing next run.

A module's key is a digest of everything its text depends on: the generator
itself (its code, its templates and black's version), the options, the
descriptors of the file and of every file it imports, directly or not, and
where ``platform.common.Error`` is defined. Entries live in the user's cache
folder (``$XDG_CACHE_HOME/protoc-gen-platform``, else
``~/.cache/protoc-gen-platform``). ``PROTOC_GEN_PLATFORM_CACHE=off`` turns the
cache off; any other value is taken as the folder to use. A cache that cannot
be read or written is simply not used: it never fails a run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Iterable

from google.protobuf import descriptor_pb2

from . import __version__
from .paths import templates_dir

__all__ = ["CACHE_ENV", "OutputCache"]

CACHE_ENV = "PROTOC_GEN_PLATFORM_CACHE"
_PACKAGE = Path(__file__).resolve().parent
_OFF = {"off", "0", "false", "no", ""}


def _generator_fingerprint() -> bytes:
    """A digest of the plugin's code, templates and black's version."""
    digest = hashlib.sha256(__version__.encode())
    sources = sorted(_PACKAGE.rglob("*.py")) + sorted(templates_dir().glob("*.j2"))
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(_black_version().encode())
    return digest.digest()


def _black_version() -> str:
    """black's version, read from its metadata folder without importing it."""
    spec = importlib.util.find_spec("black")
    if spec is None or spec.origin is None:
        return "none"
    site = Path(spec.origin).resolve().parent.parent
    found = sorted(p.name for p in site.glob("black-*.dist-info"))
    return found[-1] if found else "unknown"


class OutputCache:
    """Generated modules by key; a disabled cache (no folder) stores nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._fingerprint: bytes | None = None

    @classmethod
    def from_environment(cls) -> OutputCache:
        """The cache the environment asks for (see the module docstring)."""
        setting = os.environ.get(CACHE_ENV)
        if setting is not None:
            return cls(None if setting.strip().lower() in _OFF else Path(setting))
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
            os.path.expanduser("~"), ".cache"
        )
        return cls(Path(base) / "protoc-gen-platform")

    @property
    def enabled(self) -> bool:
        """Whether entries are read and written."""
        return self.directory is not None

    def key(
        self,
        name: str,
        files: dict[str, descriptor_pb2.FileDescriptorProto],
        settings: str,
        encoded: dict[str, bytes],
    ) -> str:
        """The key of the module generated for ``name`` in this request."""
        if self._fingerprint is None:
            self._fingerprint = _generator_fingerprint()
        digest = hashlib.sha256(self._fingerprint)
        digest.update(settings.encode())
        for dependency in sorted(_closure(name, files)):
            if dependency not in encoded:
                encoded[dependency] = files[dependency].SerializeToString(
                    deterministic=True
                )
            digest.update(dependency.encode())
            digest.update(encoded[dependency])
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / "modules" / key[:2] / f"{key}.py"

    def get(self, key: str) -> str | None:
        """The cached module for ``key``, if any."""
        if self.directory is None:
            return None
        try:
            return self._path(key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, content: str) -> None:
        """Store ``content`` under ``key``, atomically; failures are ignored."""
        if self.directory is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}")
            partial.write_text(content, encoding="utf-8")
            os.replace(partial, path)
        except OSError:
            pass

    def jinja_directory(self) -> Path | None:
        """Where Jinja may keep compiled templates, if the cache is on."""
        if self.directory is None:
            return None
        path = self.directory / "jinja"
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return path


def _closure(
    name: str, files: dict[str, descriptor_pb2.FileDescriptorProto]
) -> Iterable[str]:
    """``name`` and every file it imports, directly or not, that the request has."""
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen or current not in files:
            continue
        seen.add(current)
        pending.extend(files[current].dependency)
    return seen
