"""Rendering across the cores: forked workers give the same response as one
process, and their failures are the plugin's one-line errors."""

from __future__ import annotations

import os
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

import protoc_gen_platform.parallel as parallel
import protoc_gen_platform.pipeline as pipeline
from protoc_gen_platform.errors import GenerationError
from protoc_gen_platform.options import Options
from protoc_gen_platform.parallel import _split
from protoc_gen_platform.response import Encoded
from protoc_gen_platform.plugin import encode_response, generate
from protoc_gen_platform.render import render_module
from support import proto_files
from test_plugin_io import _request

Channel = tuple[int, int]
"""A file that a worker answers through: (device, inode)."""


class Workers:
    """What a parallel run forked and opened, recorded as it happens."""

    def __init__(self) -> None:
        self.forked: list[int] = []
        self.channels: set[Channel] = set()

    def still_open(self) -> list[str]:
        """This process's descriptors still open on a worker's channel."""
        open_now = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                status = os.fstat(int(fd))
            except OSError:
                continue  # the listing's own descriptor, closed by now
            if (status.st_dev, status.st_ino) in self.channels:
                open_now.append(fd)
        return open_now


def _in_parallel(monkeypatch: pytest.MonkeyPatch, cores: int = 2) -> Workers:
    """Render the test contracts (13 files, 13 services) on ``cores``
    processes, whatever this machine has, recording the workers."""
    workers = Workers()
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_SERVICES", 2)
    monkeypatch.setattr(pipeline, "_cores", lambda: cores)
    fork, pipe, temporary = os.fork, os.pipe, tempfile.TemporaryFile
    memfd = getattr(os, "memfd_create", None)

    def record(fd: int) -> None:
        status = os.fstat(fd)
        workers.channels.add((status.st_dev, status.st_ino))

    def forking() -> int:
        pid = fork()
        if pid:
            workers.forked.append(pid)
        return pid

    def piping() -> tuple[int, int]:
        ends = pipe()
        record(ends[0])
        return ends

    def temporary_file(*args: Any, **kwargs: Any) -> Any:
        file = temporary(*args, **kwargs)
        record(file.fileno())
        return file

    def in_memory(*args: Any, **kwargs: Any) -> int:
        assert memfd is not None
        fd: int = memfd(*args, **kwargs)
        record(fd)
        return fd

    monkeypatch.setattr(os, "fork", forking)
    monkeypatch.setattr(os, "pipe", piping)
    monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)
    if memfd is not None:
        monkeypatch.setattr(os, "memfd_create", in_memory)
    return workers


def _no_memory_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """A system without ``memfd_create`` (macOS): workers spool to a
    temporary file."""
    monkeypatch.delattr(os, "memfd_create", raising=False)


@pytest.fixture(scope="module")
def sequential() -> bytes:
    """The response from one process."""
    return encode_response(_request(proto_files()))


def test_parallel_and_sequential_rendering_agree(
    monkeypatch: pytest.MonkeyPatch, sequential: bytes
) -> None:
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    assert f"Requests of {pipeline.PARALLEL_MIN_SERVICES} services" in readme
    request = _request(proto_files())
    workers = _in_parallel(monkeypatch)
    output = pipeline.generate_files(request, Options())
    assert any(isinstance(item, Encoded) for item in output)  # a worker's block
    # A worker's answer is mapped into memory, with a descriptor of its own
    # for as long as the output holds it.
    assert workers.still_open()
    del output
    assert encode_response(request) == sequential
    assert generate(request).SerializeToString() == sequential
    assert len(workers.forked) == 3 and not workers.still_open()


def test_three_processes_agree_too(
    monkeypatch: pytest.MonkeyPatch, sequential: bytes
) -> None:
    workers = _in_parallel(monkeypatch, cores=3)
    assert encode_response(_request(proto_files())) == sequential
    assert len(workers.forked) == 2 and not workers.still_open()


def test_an_answer_that_cannot_be_mapped_is_read(
    monkeypatch: pytest.MonkeyPatch, sequential: bytes
) -> None:
    import mmap

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError(19, "No such device")  # what a file system without mmap says

    workers = _in_parallel(monkeypatch)
    monkeypatch.setattr(mmap, "mmap", refuse)
    assert encode_response(_request(proto_files())) == sequential
    assert workers.forked and not workers.still_open()


def test_a_parallel_run_spools_in_memory_and_never_imports_tempfile() -> None:
    if not hasattr(os, "memfd_create"):
        pytest.skip("this system has no memfd_create: workers use tempfile")
    # A fresh interpreter: this one imported tempfile long ago.
    script = (
        "import sys, os\n"
        "import protoc_gen_platform.parallel as parallel\n"
        "fd = parallel._spool()\n"
        "assert fd is not None and os.readlink(f'/proc/self/fd/{fd}').startswith("
        "'/memfd:'), os.readlink(f'/proc/self/fd/{fd}')\n"
        "assert 'tempfile' not in sys.modules, 'tempfile was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_workers_without_memory_files_spool_to_a_temporary_file(
    monkeypatch: pytest.MonkeyPatch, sequential: bytes
) -> None:
    workers = _in_parallel(monkeypatch)
    _no_memory_files(monkeypatch)
    spooled: list[int] = []
    temporary = tempfile.TemporaryFile

    def counted(*args: Any, **kwargs: Any) -> Any:
        spooled.append(1)
        return temporary(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", counted)
    assert encode_response(_request(proto_files())) == sequential
    assert len(spooled) == len(workers.forked) == 1
    assert not workers.still_open()


@pytest.mark.parametrize("memory_files", [True, False], ids=["memfd", "no-memfd"])
def test_workers_without_a_spool_file_answer_through_a_pipe(
    monkeypatch: pytest.MonkeyPatch, sequential: bytes, memory_files: bool
) -> None:
    workers = _in_parallel(monkeypatch)

    def unwritable(*_: object, **__: object) -> Any:
        raise OSError("no room for a file")

    if memory_files:
        monkeypatch.setattr(os, "memfd_create", unwritable, raising=False)
    else:
        _no_memory_files(monkeypatch)
    monkeypatch.setattr(tempfile, "TemporaryFile", unwritable)
    assert encode_response(_request(proto_files())) == sequential
    assert workers.forked and workers.channels  # only pipes: they brought it
    assert not workers.still_open()


def test_workers_whose_spool_file_cannot_be_written_answer_through_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sequential: bytes
) -> None:
    workers = _in_parallel(monkeypatch)
    read_only = tmp_path / "read-only"
    read_only.write_bytes(b"")
    monkeypatch.setattr(
        os,
        "memfd_create",
        lambda *_, **__: os.open(read_only, os.O_RDONLY),
        raising=False,
    )
    assert encode_response(_request(proto_files())) == sequential
    assert workers.forked and not workers.still_open()
    assert read_only.read_bytes() == b""  # nothing went there


def _failing_forks(monkeypatch: pytest.MonkeyPatch, failing: set[int]) -> list[int]:
    """Make the forks numbered in ``failing`` (from 1) fail; the list holds
    how many were attempted."""
    forking, attempts = os.fork, [0]

    def fork() -> int:
        attempts[0] += 1
        if attempts[0] in failing:
            raise BlockingIOError("no process to spare")
        pid: int = forking()
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return attempts


@pytest.mark.parametrize("failing", [{1}, {2}, {1, 3}])
def test_a_share_whose_worker_cannot_be_forked_is_rendered_by_the_parent(
    monkeypatch: pytest.MonkeyPatch, sequential: bytes, failing: set[int]
) -> None:
    """Four shares; the forks numbered in ``failing`` (from 1) fail."""
    workers = _in_parallel(monkeypatch, cores=4)
    attempts = _failing_forks(monkeypatch, failing)
    assert encode_response(_request(proto_files())) == sequential
    assert attempts[0] == 3 and len(workers.forked) == 3 - len(failing)
    assert not workers.still_open()


def test_with_a_share_rendered_by_the_parent_the_first_error_is_still_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Four shares, the third fork fails: errors in the second share (a
    worker's) and the fourth (the parent's): the plugin reports the second's,
    as one process would."""
    request = _request(proto_files())
    services = {fd.name: len(fd.service) for fd in request.proto_file}
    names = [name for name in request.file_to_generate if services[name]]
    shares = _split(names, services, 4)
    bad = {shares[1][0], shares[3][0]}

    def refuse(model: Any, names: list[str], *args: Any) -> Any:
        for name in names:
            if name in bad:
                raise GenerationError(f"{name}: refused by the test")
        return render(model, names, *args)

    render = pipeline.render_modules
    monkeypatch.setattr("protoc_gen_platform.pipeline.render_modules", refuse)
    first_error = generate(request).error
    assert first_error == f"{shares[1][0]}: refused by the test"
    monkeypatch.setattr("protoc_gen_platform.parallel.render_modules", refuse)
    workers = _in_parallel(monkeypatch, cores=4)
    _failing_forks(monkeypatch, {3})
    assert generate(request).error == first_error
    assert len(workers.forked) == 2 and not workers.still_open()


def test_an_error_partway_through_a_share_is_still_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A share's modules come one by one, each encoded as it comes: an
    error on the second file of a worker's share and of a share the parent
    renders (its fork failed) is reported as one process reports it, and
    nothing is left open."""
    request = _request(proto_files())
    services = {fd.name: len(fd.service) for fd in request.proto_file}
    names = [name for name in request.file_to_generate if services[name]]
    shares = _split(names, services, 4)
    assert len(shares[1]) >= 2 and len(shares[3]) >= 2
    bad = {shares[1][1], shares[3][1]}
    render = render_module

    def refuse(view: Any, *args: Any) -> str:
        if view.proto.name in bad:
            raise GenerationError(f"{view.proto.name}: refused by the test")
        return render(view, *args)

    monkeypatch.setattr("protoc_gen_platform.render.render_module", refuse)
    first_error = generate(request).error
    assert first_error == f"{shares[1][1]}: refused by the test"
    workers = _in_parallel(monkeypatch, cores=4)
    _failing_forks(monkeypatch, {3})
    assert generate(request).error == first_error
    assert len(workers.forked) == 2 and not workers.still_open()


def _fail_in_workers(
    monkeypatch: pytest.MonkeyPatch, failure: Callable[[list[str]], None]
) -> Workers:
    """Render in parallel, with ``failure`` run on each share a worker
    process renders (never on the parent's)."""
    workers = _in_parallel(monkeypatch)
    parent = os.getpid()
    render = pipeline.render_modules

    def render_modules(model: Any, names: list[str], *args: Any) -> Any:
        if os.getpid() != parent:
            failure(names)
        return render(model, names, *args)

    monkeypatch.setattr("protoc_gen_platform.parallel.render_modules", render_modules)
    return workers


def test_an_error_in_a_worker_process_is_the_plugins_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(names: list[str]) -> None:
        raise GenerationError(f"{names[0]}: refused by the test")

    workers = _fail_in_workers(monkeypatch, refuse)
    response = generate(_request(proto_files()))
    assert re.fullmatch(r"[\w/]+\.proto: refused by the test", response.error)
    assert not response.file and workers.forked and not workers.still_open()


class _TwoArguments(Exception):
    """An exception that pickles, but does not unpickle, as itself."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}")


def test_a_worker_error_that_cannot_make_the_trip_keeps_its_type_and_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(names: list[str]) -> None:
        raise _TwoArguments(names[0], "a bug, with a lock") from None

    _fail_in_workers(monkeypatch, fail)
    error = generate(_request(proto_files())).error
    assert re.fullmatch(
        r"internal error: RuntimeError: _TwoArguments: [\w/]+\.proto: a bug, with a "
        r"lock \(set PROTOC_GEN_PLATFORM_DEBUG=1 for a traceback\)",
        error,
    ), error
    with pytest.raises(TypeError):  # why it could not be sent as it is
        pickle.loads(pickle.dumps(_TwoArguments("a", "b")))
    with_a_lock = pickle.loads(parallel._pickled(ValueError(threading.Lock())))
    assert type(with_a_lock) is RuntimeError  # nor could an exception with a lock
    assert str(with_a_lock).startswith("ValueError: <unlocked _thread.lock")


def test_a_worker_process_that_dies_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def die(_: list[str]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    workers = _fail_in_workers(monkeypatch, die)
    request = _request(proto_files())
    response = generate(request)
    assert workers.forked and not workers.still_open()
    first_of_second_share = re.match(r"([\w/]+\.proto): ", response.error)
    assert first_of_second_share, response.error
    assert first_of_second_share[1] in request.file_to_generate
    assert response.error.endswith(
        "the worker process rendering it was stopped by signal 9 without an answer"
    )
    assert not response.file


@pytest.mark.parametrize("memory_files", [True, False], ids=["memfd", "no-memfd"])
def test_a_worker_that_dies_while_writing_its_answer_is_not_taken_at_its_word(
    monkeypatch: pytest.MonkeyPatch, memory_files: bool
) -> None:
    workers = _in_parallel(monkeypatch)
    if not memory_files:
        _no_memory_files(monkeypatch)
    parent, write_all = os.getpid(), parallel._write_all

    def cut_short(fd: int, data: bytes) -> None:
        if os.getpid() != parent and len(data) > 9:  # a worker's body
            write_all(fd, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        write_all(fd, data)

    monkeypatch.setattr(parallel, "_write_all", cut_short)
    _refused(workers, "was stopped by signal 9")


def test_a_worker_answer_shorter_than_its_head_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workers = _in_parallel(monkeypatch)

    def head_only(work: Any, names: list[str], file: int | None, pipe: int) -> None:
        os.write(pipe, parallel._ENCODED)  # a kind, and no length nor body

    monkeypatch.setattr(parallel, "_spool", lambda: None)
    monkeypatch.setattr(parallel, "_answer", head_only)
    _refused(workers, "exited with status 0")


def _refused(workers: Workers, how: str) -> None:
    """A run whose worker answered short fails in one line, with no file
    and no channel left open."""
    response = generate(_request(proto_files()))
    expected = f"the worker process rendering it {how} without an answer"
    assert response.error.endswith(expected), response.error
    assert not response.file and workers.forked and not workers.still_open()


_NOISY_WORKERS = """
import os, sys
import protoc_gen_platform.parallel as parallel
import protoc_gen_platform.pipeline as pipeline
from protoc_gen_platform.plugin import main
pipeline.PARALLEL_MIN_SERVICES = 2
pipeline._cores = lambda: 2
parent, render = os.getpid(), parallel.render_modules
def noisy(*args):
    if os.getpid() != parent:
        print("a stray line from a worker", flush=True)
    return render(*args)
parallel.render_modules = noisy
sys.exit(main([]))
"""


def test_a_worker_never_writes_into_protocs_pipe(sequential: bytes) -> None:
    """The plugin as protoc runs it, its standard output a pipe, with
    workers that print: the response is all that comes out."""
    result = subprocess.run(
        [sys.executable, "-c", _NOISY_WORKERS],
        input=_request(proto_files()).SerializeToString(),
        capture_output=True,
        check=True,
    )
    assert result.stdout == sequential


def test_workers_are_reaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker still exiting when its run ends is reaped by the next run:
    none is left a zombie."""
    workers = _in_parallel(monkeypatch)
    assert not generate(_request(proto_files())).error
    first_run = list(workers.forked)
    time.sleep(0.5)  # the first run's worker has exited by now
    assert not generate(_request(proto_files())).error
    for pid in first_run:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped: no longer a child
    deadline = time.monotonic() + 10
    while parallel._EXITING and time.monotonic() < deadline:
        time.sleep(0.01)
        parallel._reap_exited()  # the second run's, as a third run would
    assert not parallel._EXITING


def test_parallel_rendering_fills_the_cache_and_reads_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sequential: bytes
) -> None:
    request = _request(proto_files())
    _in_parallel(monkeypatch)
    monkeypatch.setenv("PROTOC_GEN_PLATFORM_CACHE", str(tmp_path))
    assert encode_response(request) == sequential  # workers fill the cache
    entries = sorted((tmp_path / "modules").rglob("*.py"))
    assert len(entries) == 2 * 13  # every _platform and _testing module
    for entry in [e for e in entries if e.name.endswith("_platform.py")][:6]:
        entry.unlink()  # six files' modules rendered again, in two processes
    assert encode_response(request) == sequential
    assert sorted((tmp_path / "modules").rglob("*.py")) == entries
    assert encode_response(request) == sequential  # all from the cache


def test_one_process_below_the_threshold_or_with_one_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert pipeline._workers(13, pipeline.PARALLEL_MIN_SERVICES - 1) == 1
    monkeypatch.setattr(pipeline, "_cores", lambda: 1)
    assert pipeline._workers(13, 10 * pipeline.PARALLEL_MIN_SERVICES) == 1
    monkeypatch.setattr(pipeline, "_cores", lambda: 8)
    assert pipeline._workers(13, pipeline.PARALLEL_MIN_SERVICES) == 2
    assert pipeline._workers(3, 10 * pipeline.PARALLEL_MIN_SERVICES) == 3


def test_shares_are_runs_of_files_in_order_with_about_as_many_services() -> None:
    names = [f"f{i}.proto" for i in range(10)]
    assert _split(names, dict.fromkeys(names, 10), 2) == [names[:5], names[5:]]
    assert [len(s) for s in _split(names, dict.fromkeys(names, 1), 3)] == [3, 4, 3]
    uneven = {"a": 100, "b": 1, "c": 1}
    shares = _split(list(uneven), uneven, 3)
    assert [name for share in shares for name in share] == list(uneven)
    assert ["a"] in shares  # the big file alone: a share may be left empty


def _read_everything(fd: int, into: list[bytes]) -> None:
    while chunk := os.read(fd, 1 << 16):
        into.append(chunk)


@pytest.mark.parametrize("short", [None, 1, 70_000], ids=["whole", "1 byte", "mid"])
def test_a_workers_answer_arrives_whole_through_a_pipe_in_any_number_of_writes(
    monkeypatch: pytest.MonkeyPatch, short: int | None
) -> None:
    """More chunks than one writev takes, some empty and some larger than a
    pipe holds; ``short`` makes the first writev of each batch stop after
    that many bytes, as a write interrupted by a signal does."""
    chunks = [bytes([i % 251]) * (i * 37 % 5000) for i in range(2500)]
    chunks[7] = b"z" * 300_000
    if short is not None:
        real = os.writev

        def stops_short(fd: int, batch: list[bytes]) -> int:
            return real(fd, [b"".join(batch)[:short]])

        monkeypatch.setattr(os, "writev", stops_short)
    read_end, write_end = os.pipe()
    received: list[bytes] = []
    reader = threading.Thread(target=_read_everything, args=(read_end, received))
    reader.start()
    try:
        parallel._write_all(write_end, chunks)
    finally:
        os.close(write_end)
        reader.join()
        os.close(read_end)
    assert b"".join(received) == b"".join(chunks)
