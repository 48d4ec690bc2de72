"""The executor seam: results in the jobs' order, setup once per worker, bounded look-ahead, typed errors.

The ray engine's tests (marker ``ray``) share one local Ray of 2 CPUs, shut down after the module.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wirecorpus.errors import AnnotateError
from wirecorpus.executor import ExecutorError, LocalExecutor, RayExecutor, Task, make_executor

_SETUPS: list[int] = []  # in each process: the pids whose setup has run there


def _setup(refuse: bool = False) -> int:
    if refuse:
        raise AnnotateError("this worker refuses: no pipeline")
    _SETUPS.append(os.getpid())
    return len(_SETUPS)


def _work(setups: int, batch: list) -> list:
    """Each job with its worker's pid, how many setups that worker ran, and the batch's size."""
    return [(job, os.getpid(), setups, len(batch)) for job in batch]


def _work_one_short(setups: int, batch: list) -> list:
    return batch[1:]


def _work_crashes(setups: int, batch: list) -> list:
    raise ZeroDivisionError("a bug in the work")


JOBS = [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5), ("f", 6), ("g", 7)]


def _run(executor, task: Task, jobs, batch_size: int) -> list:
    with executor.run(task, jobs, batch_size=batch_size) as results:
        return list(results)


def _check_results(results: list, batch_sizes: list[int]) -> set[int]:
    """The jobs came back in order, whole, each from a batch of the size given; returns the workers' pids."""
    assert [job for job, *_ in results] == JOBS
    assert all(type(job) is tuple for job, *_ in results)
    assert all(setups == 1 for _, _, setups, _ in results), "a worker ran setup more than once"
    assert [size for *_, size in results] == batch_sizes
    return {pid for _, pid, _, _ in results}


@pytest.mark.parametrize("workers", [0, 1, 2])
@pytest.mark.parametrize(("batch_size", "batch_sizes"), [(1, [1] * 7), (3, [3, 3, 3, 3, 3, 3, 1])])
def test_executor_local_results_in_order(workers: int, batch_size: int, batch_sizes: list[int]) -> None:
    _SETUPS.clear()
    pids = _check_results(_run(LocalExecutor(workers), Task(_setup, _work), JOBS, batch_size), batch_sizes)
    if workers == 0:
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids and 1 <= len(pids) <= workers


def test_executor_local_reads_jobs_a_bounded_way_ahead() -> None:
    pulled = []

    def jobs() -> Iterator[int]:
        for job in range(100):
            pulled.append(job)
            yield job

    with LocalExecutor(2, ahead=3).run(Task(_setup, _work), jobs(), batch_size=5) as results:
        first = next(results)
        # three batches in flight, and the next one taken as the first result is handed out
        assert first[0] == 0 and len(pulled) <= 4 * 5
        rest = list(results)
    assert [job for job, *_ in [first, *rest]] == list(range(100))


@pytest.mark.parametrize("workers", [0, 2])
def test_executor_local_errors_reach_the_caller(workers: int) -> None:
    with pytest.raises(AnnotateError, match="this worker refuses: no pipeline"):
        _run(LocalExecutor(workers), Task(functools.partial(_setup, refuse=True), _work), JOBS, 2)
    with pytest.raises(ExecutorError, match=r"returned 1 result\(s\) for a batch of 2 job\(s\)"):
        _run(LocalExecutor(workers), Task(_setup, _work_one_short), JOBS, 2)
    with pytest.raises(ZeroDivisionError):
        _run(LocalExecutor(workers), Task(_setup, _work_crashes), JOBS, 2)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: make_executor("spark"), "unknown engine 'spark'; the engines are local, ray"),
        (lambda: make_executor("local", address="auto"), "an address is for the ray engine only"),
        (lambda: LocalExecutor(-1), "the number of worker processes must be 0 or more, got -1"),
        (lambda: _run(LocalExecutor(0), Task(_setup, _work), JOBS, 0), "the batch size must be at least 1, got 0"),
    ],
)
def test_executor_refuses_unusable_options(make, message: str) -> None:
    with pytest.raises(ExecutorError) as caught:
        make()
    assert str(caught.value).startswith(message)


def test_executor_ray_not_installed_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(ExecutorError) as caught:
        make_executor("ray", workers=2)
    assert str(caught.value) == "the ray engine needs Ray Data, which is not installed; install it with: pip install -e '.[ray]'"


# --------------------------------------------------------------------------
# The ray engine, on a local Ray of 2 CPUs.


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[ray]')")
    # The actors import this module (its setup and work functions) by name.
    paths = [str(Path(__file__).parent), *(os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(paths)}})
    yield
    ray.shutdown()


@pytest.mark.ray
def test_executor_ray_results_in_order(local_ray: None) -> None:
    # Batches of 3 at most for 2 actors: 4 batches (a round for each actor), of even sizes.
    pids = _check_results(_run(RayExecutor(actors=2), Task(_setup, _work), JOBS, 3), [2, 2, 2, 2, 2, 2, 1])
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


@pytest.mark.ray
def test_executor_ray_errors_reach_the_caller(local_ray: None) -> None:
    with pytest.raises(AnnotateError, match="this worker refuses: no pipeline"):
        _run(RayExecutor(actors=2), Task(functools.partial(_setup, refuse=True), _work), JOBS, 2)
    with pytest.raises(ExecutorError, match="(?s)the ray engine failed: .*ZeroDivisionError: a bug in the work"):
        _run(RayExecutor(actors=1), Task(_setup, _work_crashes), JOBS, 2)


@pytest.mark.ray
def test_executor_ray_no_jobs_no_work(local_ray: None) -> None:
    assert _run(RayExecutor(actors=2), Task(functools.partial(_setup, refuse=True), _work), [], 2) == []


@pytest.mark.ray
def test_executor_ray_refuses_no_actors() -> None:
    pytest.importorskip("ray")
    with pytest.raises(ExecutorError, match="the number of actors must be at least 1, got 0"):
        RayExecutor(actors=0)
