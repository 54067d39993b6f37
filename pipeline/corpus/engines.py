"""Where the per-article work runs: in this process, in local worker processes, or on a Dask cluster.

Every engine runs the same function (work.process_batch) over batches and hands the results back in input
order, with a bounded number of batches in flight, so the output is the same bytes whatever the engine
and memory does not grow with the corpus.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import types
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Iterable, Iterator

from pipeline.errors import ConfigError
from pipeline.records import Article
from pipeline.corpus.work import BatchOutput, WorkSpec, context, process_batch

ENGINES = ("local", "dask")


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _in_order(submit, batches: Iterable[list[Article]], window: int) -> Iterator[BatchOutput]:
    """Submit batches keeping at most `window` in flight; yield their results in submission order."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class SerialEngine:
    """One worker: this process."""

    def __init__(self, spec: WorkSpec):
        self.spec = spec
        context(spec)

    def map(self, batches: Iterable[list[Article]]) -> Iterator[BatchOutput]:
        for batch in batches:
            yield process_batch(batch, self.spec)

    def close(self) -> None:
        pass


def _init_worker(spec: WorkSpec) -> None:
    context(spec)


class ProcessEngine:
    """Local worker processes; forked where the system allows, so they start with the lexicons loaded."""

    def __init__(self, spec: WorkSpec, workers: int):
        self.spec, self.workers = spec, workers
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            context(spec)
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(spec,))

    def map(self, batches: Iterable[list[Article]]) -> Iterator[BatchOutput]:
        return _in_order(lambda b: self.pool.submit(process_batch, b, self.spec), batches, 2 * self.workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


LOCAL_CLUSTER_ATTEMPTS = 3
"""A worker process that starts too slowly on a loaded machine fails the whole cluster; try again this often."""
LOCAL_CLUSTER_TIMEOUT = "180s"
"""How long a local worker may take to start and reach the scheduler (Dask's default is 30 s)."""


def _start_local_cluster(local_cluster, workers: int):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": LOCAL_CLUSTER_TIMEOUT,
                          "distributed.comm.timeouts.tcp": LOCAL_CLUSTER_TIMEOUT,
                          "distributed.deploy.lost-worker-timeout": LOCAL_CLUSTER_TIMEOUT}):
        for attempt in range(1, LOCAL_CLUSTER_ATTEMPTS + 1):
            try:
                return local_cluster(n_workers=workers, threads_per_worker=1, processes=True,
                                     dashboard_address=":0", silence_logs=logging.ERROR,
                                     death_timeout=LOCAL_CLUSTER_TIMEOUT)
            except (OSError, TimeoutError, RuntimeError):
                if attempt == LOCAL_CLUSTER_ATTEMPTS:
                    raise


@contextmanager
def _plain_main():
    """Spawned workers re-run the main script unless it is a package's __main__; a script without a main
    guard (a Streamlit page, a test runner's stand-in) must not run again in them: they need only this package."""
    main = sys.modules.get("__main__")
    if main is None or getattr(getattr(main, "__spec__", None), "name", None):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class DaskEngine:
    """Batches as tasks on a dask.distributed cluster: the one at `scheduler`, or a LocalCluster started here.

    Workers of an existing cluster need this package importable and the data folder at the same path.
    """

    def __init__(self, spec: WorkSpec, workers: int, scheduler: str | None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as err:
            raise ConfigError("--engine dask needs dask.distributed: pip install 'dask[distributed]'") from err
        self.spec, self.cluster = spec, None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="30s")
            else:
                with _plain_main():
                    self.cluster = _start_local_cluster(LocalCluster, workers)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError, RuntimeError) as err:
            if self.cluster is not None:
                self.cluster.close()
            raise ConfigError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {err}") from err
        self.window = 2 * max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def map(self, batches: Iterable[list[Article]]) -> Iterator[BatchOutput]:
        return _in_order(lambda b: self.client.submit(process_batch, b, self.spec, pure=False), batches, self.window)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(spec: WorkSpec, engine: str, workers: int, scheduler: str | None):
    if engine == "dask":
        return DaskEngine(spec, workers, scheduler)
    if engine != "local":
        raise ConfigError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    return ProcessEngine(spec, workers) if workers > 1 else SerialEngine(spec)
