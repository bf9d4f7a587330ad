"""The Dask engine: the partition kernel as tasks on a ``dask.distributed`` cluster.

Without a scheduler address a ``LocalCluster`` of worker processes (one thread each) is started
for the run and closed after it; with an address (``tcp://host:8786``) the run is submitted to a
running scheduler. The tasks are:

1. list the partitions (on a worker: the workers, not this machine, must see the data) and check
   the first partition's columns;
2. one task per partition: :func:`gis.aggregate.kernel.partition_partial`, streaming the file in
   chunks;
3. combine tasks in the tree of :class:`gis.aggregate.kernel.TreeReducer`, the same shape the local
   engine uses, so sums are bit-identical;
4. one task that finalises the layer; only the layer comes back to this process.

Progress is the share of partition bytes done; cancelling (or a failed task) cancels every
future of the run. Workers need the same StorePlan version installed (they import
``gis.aggregate.kernel``).
"""

from __future__ import annotations

import logging
import time
import uuid

import pandas as pd

from gis import errors, gridlayer
from gis.aggregate import kernel
from gis.aggregate.partitions import Partition, check_columns, list_partitions
from gis.aggregate.spec import AggregationSpec
from gis.errors import AnalysisError, Cancelled, IntakeError, StorePlanError
from gis.progress import Progress, check, ensure

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
POLL_SECONDS = 0.1
CONNECT_TIMEOUT = "15s"


class _TaskFailure(Exception):
    """A StorePlan error raised on a worker, in a form that survives pickling."""

    def __init__(self, kind: str, path: str | None, message: str):
        super().__init__(kind, path, message)
        self.kind, self.path, self.message = kind, path, message

    @classmethod
    def of(cls, exc: StorePlanError) -> "_TaskFailure":
        message = str(exc)
        path = getattr(exc, "path", None)
        if isinstance(exc, IntakeError) and message.startswith(f"{exc.path}: "):
            message = message[len(exc.path) + 2:]
        return cls(type(exc).__name__, path, message)

    def error(self) -> StorePlanError:
        cls = getattr(errors, self.kind, None)
        if not (isinstance(cls, type) and issubclass(cls, StorePlanError)):
            cls = StorePlanError
        if issubclass(cls, IntakeError):
            return cls(self.path, self.message)
        return cls(self.message)


def _guarded(fn, *args):
    try:
        return fn(*args)
    except StorePlanError as exc:
        raise _TaskFailure.of(exc) from None


# ----- the tasks (module-level so workers import them by name) -----------------------------


def _plan_partitions(spec: AggregationSpec) -> tuple[Partition, ...]:
    parts = list_partitions(spec.input)
    check_columns(parts[0], spec.needed_columns(), spec.input)
    return parts


def plan_task(spec: AggregationSpec) -> tuple[Partition, ...]:
    return _guarded(_plan_partitions, spec)


def partition_task(partition: Partition, spec: AggregationSpec) -> kernel.Partial:
    return _guarded(kernel.partition_partial, partition, spec)


def combine_task(*partials: kernel.Partial) -> kernel.Partial:
    return kernel.combine(partials)


def finalise_task(partial: kernel.Partial | None, spec: AggregationSpec):
    if partial is None:
        partial = kernel.Partial.empty(spec)
    layer = kernel.finalise(partial, spec)
    return pd.DataFrame(layer), partial.rows  # attrs are set again on the client


# ----- the client side ----------------------------------------------------------------------


def local_cluster(n_workers: int = DEFAULT_WORKERS):
    """The ``LocalCluster`` the engine starts when no scheduler is given: ``n_workers`` processes
    with one thread each, no dashboard.

    Dask's nannies set ``MALLOC_TRIM_THRESHOLD_`` in their workers, which also switches off glibc's
    adaptive mmap threshold: every large numpy temporary is then mapped and unmapped afresh, and
    the kernel spent about three times the system CPU time of the local engine on page faults.
    The workers of this short-lived cluster keep glibc's defaults instead.
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                            dashboard_address=None)


def _connect(scheduler: str | None, n_workers: int):
    from distributed import Client

    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise AnalysisError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}. Start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or leave --scheduler out "
                "to run on this machine.") from None
    cluster = local_cluster(n_workers)
    try:
        return Client(cluster, set_as_default=False), cluster
    except BaseException:
        cluster.close()
        raise


def _raise_failure(future, what: str):
    """Raise the error of a failed future as a StorePlan error where it is one."""
    exc = future.exception()
    if isinstance(exc, _TaskFailure):
        raise exc.error() from None
    if isinstance(exc, ImportError):
        raise AnalysisError(f"the Dask workers cannot import StorePlan ({exc}); install the same "
                            "StorePlan version on every worker") from None
    log.error("Dask task for %s failed", what)
    raise exc


class _Run:
    """Futures of one run, so that all of them can be cancelled together."""

    def __init__(self, client):
        self.client = client
        self.futures: list = []
        self.token = uuid.uuid4().hex[:8]

    def submit(self, fn, *args, name: str):
        future = self.client.submit(fn, *args, pure=False, key=f"storeplan-{name}-{self.token}")
        self.futures.append(future)
        return future

    def wait(self, future, progress: Progress, on_poll=None):
        """Wait for ``future``, polling for cancel (and ``on_poll`` for progress and failures)."""
        while True:
            check(progress)
            if on_poll is not None:
                on_poll()
            status = future.status
            if status == "finished":
                return future.result()
            if status == "error":
                _raise_failure(future, future.key)
            if status in ("cancelled", "lost"):
                raise AnalysisError(f"the Dask cluster dropped the task {future.key} ({status}); "
                                    "check that the workers are still running")
            time.sleep(POLL_SECONDS)

    def cancel(self) -> None:
        if self.futures:
            try:
                self.client.cancel(self.futures)
            except Exception:  # the connection may already be gone; nothing left to stop then
                log.debug("cancelling Dask futures failed", exc_info=True)


def run(spec: AggregationSpec, scheduler: str | None = None, progress: Progress | None = None,
        n_workers: int = DEFAULT_WORKERS) -> tuple[pd.DataFrame, kernel.RowCounts, int]:
    """(layer, row counts, number of partitions), computed on a Dask cluster."""
    progress = ensure(progress)
    check(progress)
    progress.report(0.0, f"connecting to the Dask scheduler at {scheduler}" if scheduler
                    else f"starting a local Dask cluster ({n_workers} workers)")
    client, cluster = _connect(scheduler, n_workers)
    job = _Run(client)
    try:
        progress.report(0.02, "listing partitions")
        partitions = job.wait(job.submit(plan_task, spec, name="plan"), progress)
        part_futures = [job.submit(partition_task, p, spec, name=f"partition-{i}")
                        for i, p in enumerate(partitions)]
        level = iter(range(1, 1 << 30))
        reducer = kernel.TreeReducer(lambda items: job.submit(combine_task, *items,
                                                              name=f"combine-{next(level)}"))
        for f in part_futures:
            reducer.push(f)
        final = job.submit(finalise_task, reducer.result(), spec, name="finalise")
        sizes = [max(p.size, 1) for p in partitions]
        total = float(sum(sizes))

        def on_poll():
            done = 0.0
            finished = 0
            for part, f, size in zip(partitions, part_futures, sizes):
                status = f.status
                if status == "error":
                    _raise_failure(f, part.path)
                if status == "finished":
                    done += size
                    finished += 1
            progress.report(0.05 + 0.9 * done / total,
                            f"{finished} of {len(partitions)} partitions aggregated")

        frame, rows = job.wait(final, progress, on_poll)
        layer = gridlayer.make_layer(frame, spec.resolution, spec.intensive_columns())
        return layer, rows, len(partitions)
    except BaseException:
        job.cancel()
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
