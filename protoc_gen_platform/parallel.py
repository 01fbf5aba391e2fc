"""Rendering across the cores: the parent process renders one share of the
modules while forked workers render the others.

Workers fork from the parent once the model exists (each builds the objects
of its own files, on lookup) and read their work from :data:`_WORK`, set just
before the fork, so nothing is pickled on the way in. On the way out, a
worker encodes its modules as the response's ``file`` entries itself, when
asked, so the parent neither unpickles them as text nor encodes them again;
the parent encodes its own share while it waits for the workers. A worker
leaves its encoded share in a file of a spool folder rather than in the pool's
pipe: the parent's thread that reads the pipe would need the interpreter lock
for every 64 KiB while the parent renders (measured: a 10 MB share arrived
30 ms after the worker was done).
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import shutil
import tempfile

from google.protobuf.compiler import plugin_pb2

from .cache import OutputCache
from .errors import GenerationError
from .model import Model
from .options import Options
from .pipeline import Files, Output, render_modules

__all__ = ["Encoded", "Work", "render_in_parallel"]


@dataclasses.dataclass(frozen=True, eq=False)
class Encoded:
    """Modules that a worker encoded: ``data`` is a serialized
    CodeGeneratorResponse holding only their ``file`` entries. The response
    passes it on as it is: serialized protobuf messages merge when they are
    concatenated, and repeated fields keep their order."""

    data: bytes


@dataclasses.dataclass(frozen=True, eq=False)
class Work:
    """What every share is rendered with, and where the results go."""

    model: Model
    options: Options
    bytecode_dir: str | None
    cache: OutputCache
    keys: dict[str, str]
    """Cache keys by output path; empty when the cache is off."""
    encode: bool
    """Whether workers return their share encoded (see :class:`Encoded`)."""


@dataclasses.dataclass(frozen=True, eq=False)
class _Spooled:
    """A worker's encoded share, left in ``file``."""

    file: str


_WORK: tuple[Work, list[list[str]], str | None] | None = None


def render_in_parallel(
    work: Work, names: list[str], services: dict[str, int], workers: int
) -> Output:
    """The modules of ``names``, in order, rendered in ``workers`` processes
    (this one included) that each take a run of files with about as many
    ``services``."""
    global _WORK
    spool: str | None = None
    try:
        if work.encode:
            try:
                spool = tempfile.mkdtemp(prefix="protoc-gen-platform-")
            except OSError:
                pass  # the shares come back through the pool's pipe
        _WORK = (work, _split(names, services, workers), spool)
        # Objects that exist now are only read by the workers: frozen, the
        # collector leaves them alone, so forked pages stay shared.
        gc.freeze()
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_render_share, range(1, workers))
            shares = [_render_share(0), *others.get()]
        output: Output = []
        for share in shares:
            if isinstance(share, GenerationError):
                raise share
            if isinstance(share, _Spooled):
                with open(share.file, "rb") as spooled:
                    output.append(Encoded(spooled.read()))
            elif isinstance(share, Encoded):
                output.append(share)
            else:
                output.extend(share)
        return output
    finally:
        _WORK = None
        gc.unfreeze()
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)


def _split(names: list[str], services: dict[str, int], parts: int) -> list[list[str]]:
    """``names`` cut into ``parts`` runs, in order, of about as many services."""
    total = max(1, sum(services[name] for name in names))
    shares: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for name in names:
        shares[min(parts - 1, done * parts // total)].append(name)
        done += services[name]
    return shares


def _render_share(share: int) -> Files | Encoded | _Spooled | GenerationError:
    """Render one share, store it in the cache, and encode it when the work
    says so (the parent too: it encodes its own share while it waits)."""
    assert _WORK is not None
    work, shares, spool = _WORK
    try:
        files = render_modules(
            work.model, shares[share], work.options, work.bytecode_dir
        )
    except GenerationError as exc:
        return exc
    work.cache.put_files(files, work.keys)
    if not work.encode:
        return files
    response = plugin_pb2.CodeGeneratorResponse(
        file=[
            plugin_pb2.CodeGeneratorResponse.File(name=path, content=content)
            for path, content in files
        ]
    )
    data = response.SerializeToString()
    if share == 0 or spool is None:
        return Encoded(data)
    file = os.path.join(spool, f"{share}.bin")
    try:
        with open(file, "wb") as spooled:
            spooled.write(data)
    except OSError:
        return Encoded(data)
    return _Spooled(file)
