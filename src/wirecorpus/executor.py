"""One seam for parallel work: jobs in, results out, in the jobs' order.

A :class:`Task` says what a worker does: ``setup()`` once, to build its state
(a loaded pipeline, compiled checks), then ``work(state, batch)`` for each
batch of jobs, returning one result per job. An engine runs a task over jobs
and yields the results in the jobs' order. The calling process alone writes
files: workers read nothing of the repository that is not in their jobs or
their task, so they can be on other machines.

Engines (:func:`make_executor`):

- ``local`` (:class:`LocalExecutor`): a process pool on this machine, at most
  ``ahead`` batches in flight, so that memory is bounded however many jobs
  there are; ``workers=0`` runs everything in the calling process.
- ``ray`` (:class:`RayExecutor`): Ray Data on a Ray cluster, joined by its
  address or started on this machine. The jobs become a dataset
  (``ray.data.from_items``); each batch goes to a pool of actors
  (``map_batches`` with a callable class whose ``__init__`` runs ``setup``);
  the results stream back in order (``preserve_order``).

Decisions:

- ``setup`` and ``work`` must pickle (module-level functions, instances of
  module-level classes, ``functools.partial`` of them): they go to other
  processes, and with ``ray`` to other machines.
- ``setup`` runs in a worker's first batch rather than in the pool's
  initializer, so that what it raises reaches the caller as it was raised
  (a failing initializer only breaks the pool, with no word of why).
- Ray gets jobs and results pickled in a binary column, so that they come
  back exactly as they were: Arrow would turn a tuple into a list, a str
  into a numpy string.
- A :class:`~wirecorpus.errors.WirecorpusError` raised by ``setup`` or
  ``work`` reaches the caller unchanged, with either engine; whatever else
  Ray raises (no cluster at the address, a lost actor) becomes an
  :class:`ExecutorError`.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .errors import WirecorpusError

S = TypeVar("S")
J = TypeVar("J")
R = TypeVar("R")

ENGINES = ("local", "ray")
RAY_INSTALL_COMMAND = "pip install -e '.[ray]'"
# Batches in flight per local worker: the one it works on and one queued, so that a pause
# of the caller (a file being written) does not idle the workers.
AHEAD_PER_WORKER = 2


class ExecutorError(WirecorpusError):
    """Parallel work could not be run: an engine missing or unusable, or its options wrong."""


@dataclass(frozen=True)
class Task(Generic[S, J, R]):
    """What each worker does: ``setup()`` once, then ``work(state, batch)`` for each batch (one result per job)."""

    setup: Callable[[], S]
    work: Callable[[S, list[J]], list[R]]


class Executor(Protocol):
    """An engine: runs a task over jobs, at most ``batch_size`` jobs to a call of ``work``.

    ``with executor.run(task, jobs) as results:`` starts the work on entry (so
    the caller may do something else while the workers start) and yields an
    iterator of the results in the jobs' order; leaving the block stops
    whatever work is still pending.
    """

    def run(self, task: Task[S, J, R], jobs: Iterable[J], *, batch_size: int = 1) -> AbstractContextManager[Iterator[R]]: ...


def make_executor(engine: str, *, workers: int | None = None, address: str | None = None) -> Executor:
    """The engine of that name: ``local`` with ``workers`` processes (0: in this process, None: one per CPU),
    or ``ray`` with ``workers`` actors (None: one per CPU of the cluster) on the cluster at ``address``."""
    if engine == "local":
        if address is not None:
            raise ExecutorError("an address is for the ray engine only; the local engine runs on this machine")
        return LocalExecutor(available_cpus() if workers is None else workers)
    if engine == "ray":
        return RayExecutor(address=address, actors=workers)
    raise ExecutorError(f"unknown engine {engine!r}; the engines are {', '.join(ENGINES)}")


def available_cpus() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _check_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise ExecutorError(f"the batch size must be at least 1, got {batch_size}")


def _batches(jobs: Iterable[J], batch_size: int) -> Iterator[list[J]]:
    jobs = iter(jobs)
    while batch := list(itertools.islice(jobs, batch_size)):
        yield batch


def _results_of(batch: list, results: list) -> list:
    if len(results) != len(batch):
        raise ExecutorError(f"a work function returned {len(results)} result(s) for a batch of {len(batch)} job(s)")
    return results


# --------------------------------------------------------------------------
# local: a process pool on this machine.


class LocalExecutor:
    """Engine ``local``: ``workers`` processes (0: the calling process), at most ``ahead`` batches in flight.

    Batches of ``batch_size`` jobs, the last one the rest; the jobs are read as the batches are sent.
    """

    def __init__(self, workers: int, *, ahead: int | None = None) -> None:
        if workers < 0:
            raise ExecutorError(f"the number of worker processes must be 0 or more, got {workers}")
        self.workers = workers
        self.ahead = ahead or AHEAD_PER_WORKER * max(workers, 1)

    @contextlib.contextmanager
    def run(self, task: Task[S, J, R], jobs: Iterable[J], *, batch_size: int = 1) -> Iterator[Iterator[R]]:
        _check_batch_size(batch_size)
        batches = _batches(jobs, batch_size)
        if self.workers == 0:
            state = task.setup()
            yield (result for batch in batches for result in _results_of(batch, task.work(state, batch)))
            return
        pool = ProcessPoolExecutor(self.workers, initializer=_start_worker, initargs=(task,))
        try:
            pending = deque((batch, pool.submit(_work_in_worker, batch)) for batch in itertools.islice(batches, self.ahead))
            yield self._drain(pool, pending, batches)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _drain(pool: ProcessPoolExecutor, pending: deque[tuple[list, Future]], batches: Iterator[list]) -> Iterator:
        while pending:
            batch, future = pending.popleft()
            for next_batch in itertools.islice(batches, 1):
                pending.append((next_batch, pool.submit(_work_in_worker, next_batch)))
            yield from _results_of(batch, future.result())


_WORKER: dict[str, Any] = {}


def _start_worker(task: Task) -> None:
    _WORKER.clear()
    _WORKER["task"] = task


def _work_in_worker(batch: list) -> list:
    task = _WORKER["task"]
    if "state" not in _WORKER:
        _WORKER["state"] = task.setup()
    return task.work(_WORKER["state"], batch)


# --------------------------------------------------------------------------
# ray: Ray Data on a cluster.


def import_ray() -> Any:
    """The ``ray`` module with Ray Data, or an :class:`ExecutorError` naming the install command."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ExecutorError(f"the ray engine needs Ray Data, which is not installed; install it with: {RAY_INSTALL_COMMAND}") from None
    return ray


class RayExecutor:
    """Engine ``ray``: ``actors`` actors (None: one per CPU of the cluster), each running ``setup`` once.

    ``address`` (``auto``, ``ray://host:port``) joins a running cluster; None
    starts Ray on this machine with its CPUs, quietly and offline (no usage
    statistics, no dashboard), and stops it after the run. A Ray already
    connected in this process is used as it is. The jobs are read at once;
    batches are of even size, at most ``batch_size``, a round for every actor.
    """

    def __init__(self, *, address: str | None = None, actors: int | None = None) -> None:
        if actors is not None and actors < 1:
            raise ExecutorError(f"the number of actors must be at least 1, got {actors}")
        self.ray = import_ray()
        self.address = address
        self.actors = actors

    @contextlib.contextmanager
    def run(self, task: Task[S, J, R], jobs: Iterable[J], *, batch_size: int = 1) -> Iterator[Iterator[R]]:
        _check_batch_size(batch_size)
        items = [{"job": pickle.dumps(job)} for job in jobs]
        if not items:
            yield iter(())
            return
        started = self._connect()
        stream = self._stream(task, items, batch_size)
        try:
            with _quiet_ray_data():
                yield stream
        finally:
            stream.close()  # before Ray goes, so that the dataset's execution ends first
            if started:
                self.ray.shutdown()

    def _connect(self) -> bool:
        """Connect to the cluster (or start one here); whether this call started Ray."""
        if self.ray.is_initialized():
            return False
        try:
            if self.address is not None:
                self.ray.init(address=self.address)
            else:
                start_local_ray(max(available_cpus(), self.actors or 0))
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            raise ExecutorError(f"cannot connect to {where}: {exc}") from None
        return True

    def _stream(self, task: Task, items: list[dict], batch_size: int) -> Iterator:
        ray = self.ray
        actors = min(self.actors or max(int(ray.cluster_resources().get("CPU", 1)), 1), len(items))
        # Each block is a batch (batch_size=None below); as many blocks of even size as make a
        # round for every actor, so that no actor works alone at the end.
        batches = min(math.ceil(math.ceil(len(items) / batch_size) / actors) * actors, len(items))
        dataset = ray.data.from_items(items, override_num_blocks=batches)
        context = dataset.context
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        results = dataset.map_batches(
            _TaskActor,
            fn_constructor_args=(task,),
            batch_size=None,
            batch_format="pyarrow",
            # One batch at a time per actor: with more, the first actor ready takes batches
            # that would have waited less for the others.
            compute=ray.data.ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1),
            num_cpus=1,
        )
        try:
            for row in results.iter_rows():
                result = pickle.loads(row["result"])
                if isinstance(result, _Raised):
                    raise result.error
                yield result
        except WirecorpusError:
            raise
        except Exception as exc:  # Ray's own errors, and those of setup or work that Ray carried
            raise ExecutorError(f"the ray engine failed: {type(exc).__name__}: {exc}") from exc


def start_local_ray(cpus: int) -> None:
    """Start Ray on this machine with ``cpus`` CPUs, and connect: no dashboard, no usage statistics, Ray's notices off."""
    ray = import_ray()
    # Read by ray.init: no usage statistics are sent anywhere (this may run offline).
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # Ray turns token authentication on for a local cluster, and says so on stderr each time.
    notices = logging.getLogger("ray._private.authentication")
    level = notices.level
    notices.setLevel(logging.ERROR)
    try:
        ray.init(
            num_cpus=cpus,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
    finally:
        notices.setLevel(level)


@contextlib.contextmanager
def _quiet_ray_data() -> Iterator[None]:
    """Ray Data's messages on stderr at warning level and above only, less the notice that progress bars are off."""
    loggers = {logging.getLogger("ray.data"): logging.WARNING, logging.getLogger("ray.data._internal.progress"): logging.ERROR}
    levels = {logger: logger.level for logger in loggers}
    for logger, level in loggers.items():
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, level in levels.items():
            logger.setLevel(level)


@dataclass(frozen=True)
class _Raised:
    """A WirecorpusError of setup or work, carried back as a result: Ray would retry and log it as a crash."""

    error: WirecorpusError


class _TaskActor:
    """The callable class of ``map_batches``: one per actor, ``setup`` once, ``work`` per batch."""

    def __init__(self, task: Task) -> None:
        self.task = task
        try:
            self.state, self.raised = task.setup(), None
        except WirecorpusError as error:
            self.state, self.raised = None, _Raised(error)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa  # here, where Ray Data has it loaded: the local engine does without

        jobs = [pickle.loads(job) for job in batch.column("job").to_pylist()]
        results = [self.raised] * len(jobs) if self.raised else self._work(jobs)
        return pa.table({"result": pa.array([pickle.dumps(result) for result in results], pa.binary())})

    def _work(self, jobs: list) -> list:
        try:
            return _results_of(jobs, self.task.work(self.state, jobs))
        except WirecorpusError as error:
            return [_Raised(error)] * len(jobs)
