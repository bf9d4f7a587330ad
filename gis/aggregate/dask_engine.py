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
4. with distinct ids, the (cell, id) pairs split into buckets of cells (twice as many as workers),
   each bucket united and counted in its own tree: the exact distinct count is spread over the
   workers instead of gathered on one;
5. one task that finalises the layer; only the layer comes back to this process.

Progress is the share of partition bytes done, followed through a tiny marker task per
partition (so the client holds no partial results). Cancelling, or a failed task, cancels the
run's futures and closes the client, and the scheduler forgets every task of the run. Workers
need the same StorePlan version installed (they import ``gis.aggregate.kernel``).
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
from gis.errors import AnalysisError, IntakeError, StorePlanError
from gis.progress import Progress, check, ensure

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 2
POLL_SECONDS = 0.1
CONNECT_TIMEOUT = "15s"
MAX_BUCKETS = 64
WORKER_TIMEOUT = 30.0  # seconds to wait for a first worker on a scheduler that has none


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


def partition_task(partition: Partition, spec: AggregationSpec, n_buckets: int = 0):
    """The partition's partial; with ``n_buckets``, (its counts and sums, its pairs by bucket)."""
    partial = _guarded(kernel.partition_partial, partition, spec)
    if not n_buckets:
        return partial
    return kernel.without_pairs(partial), kernel.split_pairs(partial, n_buckets)


def done_task(_result) -> None:
    """A tiny marker that completes with its partition: the client follows these for progress
    and failures without keeping the partitions' results alive."""
    return None


def stats_task(result) -> kernel.Partial:
    return result[0]


def bucket_task(result, bucket: int) -> kernel.PairSet:
    return result[1][bucket]


def combine_task(*partials: kernel.Partial) -> kernel.Partial:
    return kernel.combine(partials)


def combine_pairs_task(*sets: kernel.PairSet) -> kernel.PairSet:
    return kernel.combine_pairs(sets)


def count_pairs_task(pairs: kernel.PairSet):
    return kernel.count_pairs(pairs)


def finalise_task(partial: kernel.Partial | None, distinct: list, spec: AggregationSpec):
    if partial is None:
        partial = kernel.Partial.empty(spec)
    layer = kernel.finalise(partial, spec, distinct if spec.measures.distinct_ids else None)
    return pd.DataFrame(layer), partial.rows  # attrs are set again on the client


# ----- the client side ----------------------------------------------------------------------


def local_cluster(n_workers: int = DEFAULT_WORKERS):
    """The ``LocalCluster`` the engine starts when no scheduler is given: ``n_workers`` processes
    with one thread each; the scheduler's web server takes a free port (8787 may be taken).

    Dask's nannies set ``MALLOC_TRIM_THRESHOLD_`` in their workers, which also switches off glibc's
    adaptive mmap threshold: every large numpy temporary is then mapped and unmapped afresh, and
    the kernel spent about three times the system CPU time of the local engine on page faults.
    The workers of this short-lived cluster keep glibc's defaults instead.
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                            dashboard_address=":0")


def _connect(scheduler: str | None, n_workers: int):
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise AnalysisError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}. Start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or leave --scheduler out "
                "to run on this machine.") from None
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except (TimeoutError, OSError):
            client.close()
            raise AnalysisError(f"the Dask scheduler at {scheduler} has no workers; start some with "
                                f"`dask worker {scheduler}`") from None
        return client, None
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
    """The futures this client holds for one run (markers and the result), to poll and cancel.

    Intermediate results are held by the scheduler only as long as a task still needs them.
    """

    def __init__(self, client):
        self.client = client
        self.held: list = []
        self.token = uuid.uuid4().hex[:8]

    def submit(self, fn, *args, name: str, hold: bool = False):
        future = self.client.submit(fn, *args, pure=False, key=f"storeplan-{name}-{self.token}")
        if hold:
            self.held.append(future)
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
        if self.held:
            try:
                self.client.cancel(self.held)
            except Exception:  # the connection may already be gone; nothing left to stop then
                log.debug("cancelling Dask futures failed", exc_info=True)


def _n_buckets(client, spec: AggregationSpec) -> int:
    if not spec.measures.distinct_ids:
        return 0
    workers = len(client.scheduler_info().get("workers", {})) or 1
    return min(max(2 * workers, 2), MAX_BUCKETS)


def _build(job: _Run, spec: AggregationSpec, partitions, n_buckets: int):
    """Submit the whole graph; return (one marker per partition, the final future).

    Counts and sums are reduced in the tree shape of the local engine (bit-identical sums);
    with distinct ids the pairs are split into ``n_buckets`` buckets of cells, each reduced and
    counted in its own tree, so no one worker holds every pair.
    """
    seq = iter(range(1 << 40))
    stats = kernel.TreeReducer(lambda items: job.submit(combine_task, *items, name=f"combine-{next(seq)}"))
    buckets = [kernel.TreeReducer(lambda items, b=b: job.submit(combine_pairs_task, *items,
                                                                   name=f"pairs-{b}-{next(seq)}"))
               for b in range(n_buckets)]
    markers = []
    for i, part in enumerate(partitions):
        result = job.submit(partition_task, part, spec, n_buckets, name=f"partition-{i}")
        markers.append(job.submit(done_task, result, name=f"done-{i}", hold=True))
        if n_buckets:
            stats.push(job.submit(stats_task, result, name=f"stats-{i}"))
            for b, reducer in enumerate(buckets):
                reducer.push(job.submit(bucket_task, result, b, name=f"bucket-{i}-{b}"))
        else:
            stats.push(result)
    counts = [job.submit(count_pairs_task, r.result(), name=f"count-{b}") for b, r in enumerate(buckets)]
    final = job.submit(finalise_task, stats.result(), counts, spec, name="finalise", hold=True)
    return markers, final


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
        partitions = job.wait(job.submit(plan_task, spec, name="plan", hold=True), progress)
        markers, final = _build(job, spec, partitions, _n_buckets(client, spec))
        sizes = [max(p.size, 1) for p in partitions]
        total = float(sum(sizes))

        def on_poll():
            done = 0.0
            finished = 0
            for part, f, size in zip(partitions, markers, sizes):
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
