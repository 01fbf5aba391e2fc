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

import os
from typing import Iterable, Iterator

from google.protobuf import descriptor_pb2

from . import __version__
from .paths import PACKAGE_DIR, package_files, templates_dir

__all__ = ["CACHE_ENV", "OutputCache"]

CACHE_ENV = "PROTOC_GEN_PLATFORM_CACHE"
_OFF = {"off", "0", "false", "no", ""}
_MODULES = "modules"
"""The folder of the entries, all in one: a folder per key prefix cost a
``mkdir`` per entry of an empty cache (70 to 300 µs each on this machine's
disk, where the whole run takes 130 ms at 100 files), and file systems index
large folders."""


def _generator_fingerprint() -> bytes:
    """A digest of the plugin's code, templates and black's version."""
    import hashlib  # imported here: a run with the cache off never needs it

    digest = hashlib.sha256(__version__.encode())
    templates = templates_dir()
    sources = [os.path.join(PACKAGE_DIR, p) for p in package_files(PACKAGE_DIR, ".py")]
    sources += [
        os.path.join(templates, p) for p in package_files(templates, ".j2", False)
    ]
    for path in sources:
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as source:
            digest.update(source.read())
    digest.update(_black_version().encode())
    return digest.digest()


def _black_version() -> str:
    """black's version, read from its metadata folder without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("black")
    if spec is None or spec.origin is None:
        return "none"
    site = os.path.dirname(os.path.dirname(os.path.realpath(spec.origin)))
    found = sorted(
        name
        for name in os.listdir(site)
        if name.startswith("black-") and name.endswith(".dist-info")
    )
    return found[-1] if found else "unknown"


class OutputCache:
    """Generated modules by key; a disabled cache (no folder) stores nothing."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self._fingerprint: bytes | None = None
        self._folder_made = False

    @classmethod
    def from_environment(cls) -> OutputCache:
        """The cache the environment asks for (see the module docstring)."""
        setting = os.environ.get(CACHE_ENV)
        if setting is not None:
            return cls(None if setting.strip().lower() in _OFF else setting)
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
            os.path.expanduser("~"), ".cache"
        )
        return cls(os.path.join(base, "protoc-gen-platform"))

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
        import hashlib

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

    def _path(self, key: str) -> str:
        assert self.directory is not None
        return os.path.join(self.directory, _MODULES, f"{key}.py")

    def get(self, key: str) -> str | None:
        """The cached module for ``key``, if any."""
        if self.directory is None:
            return None
        try:
            with open(self._path(key), encoding="utf-8") as entry:
                return entry.read()
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, content: str) -> None:
        """Store ``content`` under ``key``, atomically; failures are ignored."""
        if self.directory is None:
            return
        path = self._path(key)
        try:
            folder, name = os.path.split(path)
            if not self._folder_made:
                os.makedirs(folder, exist_ok=True)
                self._folder_made = True
            partial = os.path.join(folder, f".{name}.{os.getpid()}")
            with open(partial, "w", encoding="utf-8") as entry:
                entry.write(content)
            os.replace(partial, path)
        except OSError:
            pass

    def stored(
        self, files: Iterable[tuple[str, str]], keys: dict[str, str]
    ) -> Iterator[tuple[str, str]]:
        """``files`` as they come, each ``(path, content)`` stored first under
        its key in ``keys`` (paths without a key are not stored)."""
        for path, content in files:
            if path in keys:
                self.put(keys[path], content)
            yield path, content

    def jinja_directory(self) -> str | None:
        """Where Jinja may keep compiled templates, if the cache is on. Made
        only by Jinja's rendering of an edited template (see render.py), which
        a normal run never does."""
        if self.directory is None:
            return None
        return os.path.join(self.directory, "jinja")


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
