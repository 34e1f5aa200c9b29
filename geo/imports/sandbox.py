"""Read an uploaded file in a separate process with time, CPU and memory limits.

GDAL, openpyxl and the csv module parse what a stranger sent; a hostile file may make any
of them run for ever or take all memory. :func:`read_isolated` runs
:func:`geo.imports.readers.read_file` in a child process, forked from a clean server process
that has the readers imported once (multiprocessing's "forkserver": no threads, no sockets
and no data of the app are inherited), under these limits from the settings:

- address space: ``import_memory_mb`` more than the reader starts with (``RLIMIT_AS``);
- CPU time: ``import_timeout_seconds`` (``RLIMIT_CPU``), and the same in wall-clock time
  from the moment the child runs (not counting the fork server's start), after which the
  child is killed;
- size of any file it writes (a zip's members): four times ``import_max_mb`` (``RLIMIT_FSIZE``);
- at most ``import_workers`` files read at once; a caller waits for a free worker for at
  most the time limit.

A child never runs the parent's main script: multiprocessing re-runs the file of the
parent's ``__main__`` in each child (as ``__mp_main__``), and under Streamlit that module is
the page script (``streamlit run`` sets ``__main__.__file__`` to dashboard/app.py and leaves
it), so each reader would first run the whole app; children are started with a bare ``__main__``.

Whatever the child does, the caller gets the :class:`~geo.imports.readers.RawTable` or an
:class:`~geo.imports.issues.UnreadableFile` saying why (timeout, memory, a crash), never a hang.
"""
from __future__ import annotations

import multiprocessing
import pickle
import resource
import signal
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from geo.imports.issues import UnreadableFile
from geo.imports.readers import RawTable, ReadLimits, read_file
from geo.settings import get_settings

#: Modules the fork server imports once, so each reader process starts with them loaded.
_PRELOAD = ["geo.imports.sandbox"]
_LOCK = threading.Lock()
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_CONTEXT: list[Any] = []
#: How long a reader process may take to start (the fork server's first start imports the readers).
_STARTUP_SECONDS = 300
_READY = b"ready"
#: The ``__main__`` children are started with: no file, no spec, so they import no main script.
_BARE_MAIN = types.ModuleType("__main__")


@dataclass(frozen=True)
class Budget:
    """What one read may use: wall-clock and CPU seconds, address space and written file size (MB)."""

    seconds: int = 60
    memory_mb: int = 1536
    file_mb: int = 200
    workers: int = 2

    @classmethod
    def from_settings(cls) -> Budget:
        """The budget the settings give (``QY_IMPORT_TIMEOUT_SECONDS``, ``QY_IMPORT_MEMORY_MB`` ...)."""
        s = get_settings()
        return cls(max(1, s.import_timeout_seconds), max(256, s.import_memory_mb), 4 * s.import_max_mb,
                   max(1, s.import_workers))


def read_isolated(path: str | Path, *, name: str | None = None, sheet: str | None = None, layer: str | None = None,
                  encoding: str | None = None, limits: ReadLimits | None = None,
                  budget: Budget | None = None) -> RawTable:
    """:func:`geo.imports.readers.read_file` in a child process under ``budget`` (see the module doc).

    ``limits`` and ``budget`` default to the settings'. Raises UnreadableFile.
    """
    name = name or Path(path).name
    limits = limits or ReadLimits.from_settings()
    budget = budget or Budget.from_settings()
    slots = _slots(budget.workers)
    if not slots.acquire(timeout=budget.seconds):
        raise UnreadableFile("busy", name)
    try:
        return _run(str(path), name, {"sheet": sheet, "layer": layer, "encoding": encoding}, limits, budget)
    finally:
        slots.release()


def preload(*modules: str) -> None:
    """Have the fork server import ``modules`` too (call before the first read).

    multiprocessing runs the parent's main script again in each child (as ``__mp_main__``);
    preloading what that script imports keeps a child's start cheap. The Streamlit app
    preloads its launcher's ``streamlit.web.cli`` (measured: 0.5 s less per file read).
    """
    with _LOCK:
        _PRELOAD.extend(m for m in modules if m not in _PRELOAD)


def _slots(workers: int) -> threading.BoundedSemaphore:
    with _LOCK:
        return _SLOTS.setdefault(workers, threading.BoundedSemaphore(workers))


def _context() -> Any:
    """The forkserver context (started on first use with the readers preloaded); spawn where there is none."""
    with _LOCK:
        if not _CONTEXT:
            ctx: Any
            if "forkserver" in multiprocessing.get_all_start_methods():
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(_PRELOAD)
            else:
                ctx = multiprocessing.get_context("spawn")
            _CONTEXT.append(ctx)
        return _CONTEXT[0]


@contextmanager
def _bare_main() -> Iterator[None]:
    """While a child is started: a bare ``__main__``, so it does not run the parent's main script.

    Only the start reads it (multiprocessing's preparation data); under the lock, so two
    starts never restore each other's module.
    """
    with _LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = _BARE_MAIN
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


def _run(path: str, name: str, options: dict[str, str | None], limits: ReadLimits, budget: Budget) -> RawTable:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, path, name, options, limits, budget), daemon=True,
                        name=f"qy-read-{name[:40]}")
    with _bare_main():
        child.start()
    sender.close()
    try:
        # the clock starts once the child runs: a fork server that is still starting (it imports
        # the readers once) on a busy machine is no file's fault
        if not receiver.poll(_STARTUP_SECONDS):
            raise UnreadableFile("busy", name)
        first = receiver.recv_bytes()
        if first == _READY:
            if not receiver.poll(budget.seconds):
                raise UnreadableFile("timeout", name, seconds=budget.seconds)
            first = receiver.recv_bytes()
        message = pickle.loads(first)
    except (EOFError, OSError, pickle.UnpicklingError):  # the child died before it answered
        child.join(5)
        raise _died(child.exitcode, name, budget) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    return _answer(message, name, budget)


def _died(exitcode: int | None, name: str, budget: Budget) -> UnreadableFile:
    if exitcode == -signal.SIGXCPU:  # its CPU time ran out
        return UnreadableFile("timeout", name, seconds=budget.seconds)
    reason = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit {exitcode}"
    return UnreadableFile("too_complex", name, memory_mb=budget.memory_mb, reason=reason)


def _answer(message: tuple[Any, ...], name: str, budget: Budget) -> RawTable:
    kind, payload = message
    if kind == "ok":
        return payload
    code, file, fmt = payload
    if code == "too_complex":
        fmt = {**fmt, "memory_mb": budget.memory_mb}
    fmt.pop("file", None)
    raise UnreadableFile(code, file or name, **fmt)


# --- in the child ----------------------------------------------------------------------------------
def _address_space() -> int:
    """Bytes of address space this process holds now (0 where /proc is not there)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit(budget: Budget) -> None:
    """Apply the budget to this process; a limit already lower (set for the whole server) stays.

    The memory budget is what the read may add to the address space the reader starts with:
    that start depends on what the fork server preloaded (the app preloads Streamlit, whose
    libraries reserve hundreds of MB), and an absolute limit left some readers no room at all.
    """
    _lower(resource.RLIMIT_AS, _address_space() + budget.memory_mb * 2**20)
    _lower(resource.RLIMIT_CPU, budget.seconds, slack=1)
    _lower(resource.RLIMIT_FSIZE, budget.file_mb * 2**20)
    _lower(resource.RLIMIT_CORE, 0)


def _lower(kind: int, value: int, slack: int = 0) -> None:
    """Set soft limit ``value`` (hard: ``value + slack``), never above the limits in force."""
    soft, hard = resource.getrlimit(kind)
    cap = lambda v: v if hard == resource.RLIM_INFINITY else min(v, hard)  # noqa: E731
    new_soft = min(value, soft) if soft != resource.RLIM_INFINITY else value
    resource.setrlimit(kind, (cap(new_soft), cap(max(new_soft, value + slack))))


def _child(conn: Connection, path: str, name: str, options: dict[str, str | None], limits: ReadLimits,
           budget: Budget) -> None:
    """Read the file and send ("ok", table) or ("unreadable", (code, file, fmt)) back."""
    try:
        _limit(budget)
        conn.send_bytes(_READY)
        table = read_file(path, name=name, limits=limits, **options)
        message: tuple[Any, ...] = ("ok", table)
    except UnreadableFile as exc:
        message = ("unreadable", (exc.code, exc.file, exc.fmt))
    except MemoryError:
        message = ("unreadable", ("too_complex", name, {"reason": "MemoryError"}))
    except Exception as exc:  # whatever a parser raises for a hostile file: a message, never a traceback
        message = ("unreadable", ("too_complex", name, {"reason": type(exc).__name__}))
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("unreadable", ("too_complex", name, {"reason": "MemoryError"})))
    try:
        conn.send_bytes(data)
    finally:
        conn.close()
