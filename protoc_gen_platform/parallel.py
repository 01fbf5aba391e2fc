"""Rendering across the cores: the parent process renders one share of the
modules while forked workers render the others.

Workers fork from the parent once the model exists (each builds the objects
of its own files, on lookup) and read their work from the parent's memory, so
nothing is pickled on the way in. On the way out, a worker encodes its modules
as the response's ``file`` entries itself, so the parent neither decodes them
as text nor encodes them again, and maps the answer rather than copying it;
the parent encodes its own share too.

A worker is a bare ``os.fork()`` that leaves its answer in an unnamed
file and exits: a file in memory where the system has them (Linux's
``memfd_create``), else a temporary file; importing ``tempfile`` alone would
cost every parallel run 3 ms. ``multiprocessing`` is not used: importing it and
starting a pool of one worker took 27 ms, against 1.2 ms for a fork, and at a
hundred services the whole gain of a second core is about 30 ms. Where no
such file can be made, a worker answers through a pipe, which the parent
reads once its own share is done.
"""

import gc
import os
import pickle
from typing import Iterator, NamedTuple

from google.protobuf.compiler import plugin_pb2

from .cache import OutputCache
from .errors import GenerationError
from .model import Model
from .options import Options
from .pipeline import Output, output_of, render_modules
from .response import Chunk, Encoded, encode_files

__all__ = ["Work", "render_in_parallel"]

_ENCODED, _FAILED = b"E", b"X"
"""The first byte of a worker's answer: its share encoded, or its exception
pickled. The next eight bytes give the length of what follows."""
_HEADER = 9


class Work(NamedTuple):
    """What every share is rendered with, and where the results go."""

    model: Model
    options: Options
    bytecode_dir: str | None
    cache: OutputCache
    keys: dict[str, str]
    """Cache keys by output path; empty when the cache is off."""
    encode: bool
    """Whether shares come back encoded (see :class:`Encoded`), or as files."""


def render_in_parallel(
    work: Work, names: list[str], services: dict[str, int], workers: int
) -> Output:
    """The modules of ``names``, in order, rendered in ``workers`` processes
    (this one included) that each take a run of files with about as many
    ``services``. A share whose worker cannot be forked is rendered here."""
    _reap_exited()
    first, *others = _split(names, services, workers)
    parts: list[list[str] | _Worker] = [first]
    # Objects that exist now are only read by the workers: frozen, the
    # collector leaves them alone, so forked pages stay shared.
    gc.freeze()
    try:
        for share in others:
            try:
                parts.append(_Worker.start(work, share) if share else share)
            except OSError:  # no process to spare: rendered here instead
                parts.append(share)
        # The parent's shares first, while the workers render theirs; an
        # error is raised at its share's turn, as one process would raise it.
        rendered = [_attempt(work, p) if isinstance(p, list) else [] for p in parts]
        output: Output = []
        for part, done in zip(parts, rendered):
            if isinstance(done, Exception):
                raise done
            if isinstance(part, list):
                output += done
            elif work.encode:
                output.append(Encoded([part.answer()]))
            else:
                answer = bytes(part.answer())  # mapped; FromString is typed for bytes
                response = plugin_pb2.CodeGeneratorResponse.FromString(answer)
                output.extend((file.name, file.content) for file in response.file)
        return output
    finally:
        for part in parts:
            if isinstance(part, _Worker):
                part.stop()
        gc.unfreeze()


def _split(names: list[str], services: dict[str, int], parts: int) -> list[list[str]]:
    """``names`` cut into ``parts`` runs, in order, of about as many services
    (a file goes to the run where its middle falls)."""
    total = max(1, sum(services[name] for name in names))
    shares: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for name in names:
        middle = 2 * done + services[name]
        shares[min(parts - 1, middle * parts // (2 * total))].append(name)
        done += services[name]
    return shares


def _attempt(work: Work, names: list[str]) -> Output | Exception:
    """The modules of ``names`` (encoded if ``work.encode``), or the
    exception that rendering them raised."""
    try:
        return output_of(_render(work, names), work.encode)
    except Exception as exc:
        return exc


def _render(work: Work, names: list[str]) -> Iterator[tuple[str, str]]:
    """The modules of ``names``, one by one, each stored in the cache too."""
    files = render_modules(work.model, names, work.options, work.bytecode_dir)
    return work.cache.stored(files, work.keys)


class _Worker:
    """A forked process rendering one share, and how its answer comes back.

    The answer goes into an unnamed file (see :func:`_spool`), or, where
    none can be made or written, into a pipe. Either way the worker closes
    its end of the pipe once it has written: the parent reads the answer
    then, without waiting for the worker's exit (the kernel freeing its copy
    of the memory: 2 ms at 100 services, 5 ms at 1000); a worker still
    exiting is reaped at the next parallel run, or by the system once the
    plugin exits. An answer starts with its kind and its length, so one cut
    short by a worker's death is never taken for whole.
    """

    def __init__(self, pid: int, pipe: int, file: int | None, first: str) -> None:
        self.pid, self.pipe, self.file, self.first = pid, pipe, file, first
        self.running, self.answered = True, False

    @classmethod
    def start(cls, work: Work, names: list[str]) -> "_Worker":
        """Fork a worker for ``names``; an OSError leaves nothing open."""
        file = _spool()
        try:
            pipe, end = os.pipe()
        except OSError:
            _close(file)
            raise
        try:
            pid = os.fork()
        except BaseException:
            _close(file, pipe, end)
            raise
        if pid == 0:  # the worker: answer, then leave without any cleanup
            status = 1
            try:
                os.close(pipe)
                _detach_stdout()
                _answer(work, names, file, end)
                os.close(end)
                status = 0
            finally:
                os._exit(status)
        os.close(end)  # the worker's: the parent reads EOF once it is closed
        return cls(pid, pipe, file, names[0])

    def answer(self) -> Chunk:
        """The worker's share, encoded; its exception is raised here."""
        kind, body = self._read()
        if kind not in (_ENCODED, _FAILED):
            raise GenerationError(
                f"{self.first}: the worker process rendering it "
                f"{_describe(self._wait(block=True))} without an answer"
            )
        self.answered = True  # and exiting
        if kind == _FAILED:
            raise pickle.loads(body)
        return body

    def _read(self) -> tuple[bytes, Chunk]:
        """The answer's kind and body, from the pipe if it came that way, else
        from the file; an empty kind if the answer is missing or cut short.
        The file is mapped, not read: at 1000 services a share's answer is
        10 MB, and reading it into new memory cost 7 ms (mapping it, 0.05 ms)."""
        data = _read_pipe(self.pipe)
        if data or self.file is None:
            kind, length, body = data[:1], data[1:_HEADER], memoryview(data)[_HEADER:]
            whole = len(data) >= _HEADER and int.from_bytes(length, "big") == len(body)
            return (kind, body) if whole else (b"", b"")
        head = os.pread(self.file, _HEADER, 0)
        size = int.from_bytes(head[1:], "big")
        if len(head) != _HEADER or size != os.fstat(self.file).st_size - _HEADER:
            return b"", b""
        answer = _mapped(self.file, _HEADER, size)
        return (head[:1], answer) if answer is not None else (b"", b"")

    def _wait(self, block: bool) -> int | None:
        """The worker's wait status once it has exited; None while it is
        still running (unless ``block``), or if the system reaped it."""
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:  # SIGCHLD is ignored: already reaped
            pid, status = self.pid, None
        if pid == 0:
            return None
        self.running = False
        return status

    def stop(self) -> None:
        """Close the worker's channel, and end the worker unless it has
        answered (then it is exiting: reaped now if it is done, else later)."""
        _close(self.file, self.pipe)
        if not self.running:
            return
        if not self.answered:
            import signal  # only here: a worker that has not answered

            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._wait(block=not self.answered)
        if self.running:
            _EXITING.append(self.pid)


def _mapped(fd: int, offset: int, size: int) -> Chunk | None:
    """``size`` bytes of the file ``fd`` from ``offset``, mapped into memory,
    else read where the file cannot be mapped (None if fewer can be read).
    The mapping outlives ``fd``: it holds a descriptor of its own until the
    view is dropped."""
    import mmap  # only here: a parallel run's answers

    try:
        whole = mmap.mmap(fd, offset + size, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        body = os.pread(fd, size, offset)
        return body if len(body) == size else None
    return memoryview(whole)[offset:]


def _spool() -> int | None:
    """An unnamed file for a worker's answer: in memory where the system
    can make one, else a temporary file; None where neither can be made."""
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("protoc-gen-platform-share")
        except OSError:
            pass
    try:
        import tempfile  # only without memfd_create: 3 ms to import

        with tempfile.TemporaryFile() as spool:
            return os.dup(spool.fileno())
    except OSError:
        return None


_EXITING: list[int] = []
"""Workers that had answered but not yet exited when their run ended."""


def _reap_exited() -> None:
    """Reap the workers of earlier runs that have exited since."""
    for pid in list(_EXITING):
        try:
            done = os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            done = True
        if done:
            _EXITING.remove(pid)


def _detach_stdout() -> None:
    """In the worker: point standard output at the null device, so that it
    can never write into protoc's pipe, and protoc reads the end of the
    response when the plugin exits, not when its last worker does."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        os.dup2(2, 1)  # no null device: standard error, never protoc's pipe
        return
    os.dup2(null, 1)
    os.close(null)


def _close(*fds: int | None) -> None:
    for fd in fds:
        if fd is not None:
            os.close(fd)


def _answer(work: Work, names: list[str], file: int | None, pipe: int) -> None:
    """In the worker: write its share, or its exception, to ``file`` or, if
    there is none or it cannot be written (a full disk), to ``pipe``."""
    try:
        kind, chunks = _ENCODED, encode_files(_render(work, names))
    except Exception as exc:  # carried to the parent, raised there
        kind, chunks = _FAILED, [_pickled(exc)]
    head = kind + sum(map(len, chunks)).to_bytes(_HEADER - 1, "big")
    chunks.insert(0, head)
    if file is not None:
        try:
            _write_all(file, chunks)
            return
        except OSError:
            pass
    _write_all(pipe, chunks)


def _pickled(exc: Exception) -> bytes:
    """``exc`` pickled, if it unpickles as itself; else a RuntimeError with
    its type and message (an exception class whose arguments do not match
    its ``__init__``, or that holds a lock, cannot make the trip)."""
    try:
        data = pickle.dumps(exc)
        if type(pickle.loads(data)) is type(exc):
            return data
    except Exception:
        pass
    return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))


_BATCH = 1024
"""The most chunks one ``writev`` is given (Linux's IOV_MAX)."""


def _write_all(fd: int, chunks: list[bytes]) -> None:
    """Write ``chunks`` to ``fd``, one after the other, without joining them."""
    for start in range(0, len(chunks), _BATCH):
        batch = chunks[start : start + _BATCH]
        written = os.writev(fd, batch)
        for chunk in batch:  # after a short write (a full pipe), the rest
            if written >= len(chunk):
                written -= len(chunk)
                continue
            view = memoryview(chunk)[written:]
            while view:
                view = view[os.write(fd, view) :]
            written = 0


def _read_pipe(fd: int) -> bytes:
    """Everything in the pipe ``fd``, up to the end of its writers."""
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _describe(status: int | None) -> str:
    """How a worker ended, from its wait status (None: unknown)."""
    if status is None:
        return "ended"
    if os.WIFSIGNALED(status):
        return f"was stopped by signal {os.WTERMSIG(status)}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"
