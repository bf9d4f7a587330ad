"""The local engine: partitions one after the other, each read in chunks, in this process.

Memory holds one chunk of rows (``[input] chunk_rows``) and the partial aggregates: per cell a
few numbers per measure, plus the distinct (cell, id) pairs when distinct ids are asked for
(see :mod:`gis.aggregate.kernel`). It never grows with the number of rows.
"""

from __future__ import annotations

import logging

from gis.aggregate import kernel
from gis.aggregate.partitions import Partition, list_partitions
from gis.aggregate.spec import AggregationSpec
from gis.progress import Progress, SubProgress, check, ensure

log = logging.getLogger(__name__)


def run(spec: AggregationSpec, progress: Progress | None = None,
        partitions: tuple[Partition, ...] | None = None) -> tuple[kernel.Partial, int]:
    """(combined partial, number of partitions). Progress is weighted by partition size."""
    progress = ensure(progress)
    if partitions is None:
        partitions = list_partitions(spec.input)
    sizes = [max(p.size, 1) for p in partitions]
    total = float(sum(sizes)) or 1.0
    reducer = kernel.TreeReducer(kernel.combine)
    done = 0.0
    for i, (part, size) in enumerate(zip(partitions, sizes)):
        check(progress)
        sub = SubProgress(progress, done / total, (done + size) / total)
        label = f"partition {i + 1} of {len(partitions)}: {part.path}"
        sub.report(0.0, label)
        reducer.push(kernel.partition_partial(part, spec, sub, label))
        done += size
        log.debug("partition %d of %d done: %s", i + 1, len(partitions), part.path)
    check(progress)
    result = reducer.result()
    return (kernel.Partial.empty(spec) if result is None else result), len(partitions)
