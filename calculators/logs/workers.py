"""The worker processes that read big inputs in parallel (CPython only; Pyodide reads in one process).

:func:`in_workers` hands numbered tasks to ``jobs - 1`` worker processes and reads tasks itself whenever no
result is waiting (MAIN_READS), and yields the results in order. The workers end with the process that started
them, however it ends; a worker that dies, stops or falls silent ends the analysis with a one-line error instead
of a hang.

Kept for the standard-library engine because it was measured necessary (2 shared cores, 1 GB of generated Claude
Code logs, 2026-12-04, runs taking turns): this process and one worker took 5.4 to 5.7 s where one process alone
took 8.0 to 9.1 s in the same minutes (the host was slow then; on a quieter host the pair takes about 3.1 s).
Reading in this process too, instead of starting one worker per core, was about 10% quicker (3.85 to 4.51 s against
4.65 to 5.14 s, taking turns): its share of the records is never pickled, and two cores do not carry three busy
processes. The DuckDB engine (:mod:`calculators.logs.engine_duckdb`, which reads in one process with DuckDB's own
threads and never starts these workers) took 12.9 s in an earlier run that day. ``--engine auto`` therefore keeps
this path.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Generator
from typing import Any

from ..errors import PriceError
from . import prices

__all__ = ["MAIN_READS", "STOPPED_SECONDS", "WORKER_TIMEOUT", "in_workers"]


#: This process reads tasks too, between the results of its workers (measured quicker on 2 shared cores than
#: one worker per core: see the module's docstring). Tests of what happens to a worker turn it off.
MAIN_READS = True
#: A worker process that has been stopped (SIGSTOP) this long ends the analysis with a message.
STOPPED_SECONDS = 5.0
#: No answer from any worker process for this long (while tasks are out) ends the analysis with a message
#: ($CLAUDE_COST_WORKER_TIMEOUT overrides it). A task is at most a quarter of PIECE, or one report or CSV file.
WORKER_TIMEOUT = 600.0
_POLL_SECONDS = 0.5


def in_workers(run_task: Callable[[list], list], task_args: list, jobs: int,
               plan_rest: Callable[[], None] | None = None) -> Generator[list, None, None]:
    """``run_task(task_args[i])`` for each i, in order, computed by up to ``jobs`` processes: this one and its
    workers (all ``jobs`` are workers when MAIN_READS is off).

    ``plan_rest``, when given, is called once the workers have their first tasks, and may add more to
    ``task_args`` (the caller plans the rest of its work while the workers begin). Each task's arguments go to
    its worker with its number.

    This process is one of the ``jobs`` (with MAIN_READS): it starts ``jobs - 1`` workers and, whenever no
    result is waiting, runs the next task itself. Each worker holds three tasks at a time, so it does not wait
    while this process reads a task or sums the records the caller was given. (A multiprocessing.Pool spends
    about a CPU-second per GB of logs in its helper threads here, taking turns with the thread that sums.)

    Workers end with this process, however it ends (see _watch_parent). A worker that dies, or stops (SIGSTOP)
    for STOPPED_SECONDS, or a silence of WORKER_TIMEOUT, ends the analysis with a one-line error (and the
    workers are killed) instead of waiting for ever."""
    import multiprocessing as mp
    from multiprocessing.connection import wait

    method = _start_method(mp)
    ctx: Any = mp.get_context(method)
    workers: list = []
    timeout = WORKER_TIMEOUT
    env = os.environ.get("CLAUDE_COST_WORKER_TIMEOUT", "")
    try:
        timeout = float(env) if env else timeout
    except ValueError:
        pass
    try:
        n = max(1, jobs - 1) if MAIN_READS else jobs  # worker processes
        for _ in range(n if plan_rest is not None else min(n, len(task_args))):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_worker_loop, args=(theirs, run_task, prices.PREP, os.getpid(), method),
                               daemon=True)
            proc.start()
            theirs.close()
            workers.append((proc, mine))
        given = 0
        for _, conn in workers * 3:  # three tasks in hand each: one being read, results of others on the way
            if given < len(task_args):
                try:
                    conn.send((given, task_args[given]))
                except OSError:
                    raise PriceError("a worker process reading the logs could not start", "path") from None
                given += 1
        if plan_rest is not None:
            plan_rest()
        ready: dict = {}
        conns: list[Any] = [conn for _, conn in workers]
        heard = time.monotonic()
        stopped: dict[int, float] = {}
        for want in range(len(task_args)):
            while want not in ready:
                if MAIN_READS and given < len(task_args) and not wait(conns, timeout=0):
                    ready[given] = run_task(task_args[given])  # no result is waiting: read the next task here
                    given += 1
                    continue
                got: list[Any] = wait(conns, timeout=_POLL_SECONDS)
                if not got:
                    _check_workers(workers, stopped, heard, timeout)
                    continue
                heard = time.monotonic()
                for conn in got:
                    try:
                        i, ok, value = conn.recv()
                        if ok and given < len(task_args):
                            conn.send((given, task_args[given]))
                            given += 1
                    except (EOFError, OSError):
                        raise PriceError("a worker process reading the logs stopped unexpectedly (out of memory? "
                                         "try CLAUDE_COST_JOBS=1)", "path") from None
                    if not ok:
                        raise value
                    ready[i] = value
            yield ready.pop(want)
        for _, conn in workers:
            try:
                conn.send(None)
            except OSError:
                pass
    finally:
        for proc, _ in workers:
            if proc.is_alive():
                proc.terminate()
        for proc, conn in workers:
            proc.join(timeout=2)
            if proc.is_alive():  # a stopped process does not act on SIGTERM
                proc.kill()
                proc.join()
            conn.close()


def _check_workers(workers: list, stopped: dict, heard: float, timeout: float) -> None:
    """Raise a PriceError when a worker has been stopped for STOPPED_SECONDS, or none answered for ``timeout``."""
    now = time.monotonic()
    for proc, _ in workers:
        if _process_state(proc.pid) == "T":
            since = stopped.setdefault(proc.pid, now)
            if now - since >= STOPPED_SECONDS:
                raise PriceError(f"worker process {proc.pid} reading the logs was stopped (SIGSTOP?) for "
                                 f"{now - since:.0f} s: analysis ended (run again, or with --jobs 1)", "path")
        else:
            stopped.pop(proc.pid, None)
    if now - heard >= timeout:
        raise PriceError(f"no worker process reading the logs answered for {timeout:.0f} s: analysis ended "
                         f"(run again, or with --jobs 1; $CLAUDE_COST_WORKER_TIMEOUT sets the wait)", "path")


def _process_state(pid: int) -> str | None:
    """The state letter of a process from /proc (R, S, D, T, Z...); None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError, UnicodeDecodeError):
        return None


def _start_method(mp) -> str:
    """How to start the workers: ``fork`` (they inherit the task list and ``prices.PREP`` instead of unpickling them)
    when this process runs no other thread; otherwise ``forkserver`` or ``spawn``. Forking a process while
    another of its threads holds a lock can hang the child (a web server or notebook calling ``analyze_paths``),
    and Python 3.12+ warns about it."""
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _watch_parent(parent: int, method: str) -> None:
    """Make this worker process end when the process that started it ends, however that ends (kill -9 too).

    On Linux the kernel sends SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG); everywhere, a thread
    checks twice a second that the parent is still the same process (a process whose parent dies is given
    a new one). With forkserver the parent is the fork server, which ends with the process that started it."""
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError, ValueError):
            pass
    first = os.getppid()
    if method != "forkserver" and first != parent:  # the parent ended before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != first:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="claude-cost-watch-parent").start()


def _worker_loop(conn, run_task: Callable[[list], list], prep, parent: int | None = None, method: str = "fork") -> None:
    """A worker process: read the tasks that arrive on ``conn`` (number, arguments); send back (number, ok,
    result).

    Results are pickled here and written by a second thread, so the worker reads its next task while the main
    process is still busy with an earlier result (a large result does not fit in the connection's buffer)."""
    import queue
    import threading
    from multiprocessing.reduction import ForkingPickler

    if parent is not None:
        _watch_parent(parent, method)
    prices.PREP = prep
    outbox: queue.SimpleQueue = queue.SimpleQueue()

    def send() -> None:
        try:
            while (data := outbox.get()) is not None:
                conn.send_bytes(data)
        except BaseException:  # the main process then sees the connection end, and says so
            conn.close()
            os._exit(1)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        while (task := conn.recv()) is not None:
            i, args = task
            try:
                result: tuple = (i, True, run_task(args))
            except Exception as exc:  # sent to the main process, which raises it
                result = (i, False, exc)
            outbox.put(bytes(ForkingPickler.dumps(result)))
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    outbox.put(None)
    sender.join()

