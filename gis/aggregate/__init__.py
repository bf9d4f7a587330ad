"""Aggregating raw location pings (10⁸–10¹⁰ rows, partitioned Parquet/CSV) to an H3 layer.

One :class:`~gis.aggregate.spec.AggregationSpec` (read from TOML by
:func:`~gis.aggregate.spec.load_spec`) is executed by either engine through the same partition
kernel (:mod:`gis.aggregate.kernel`): ``"local"`` streams the partitions one chunk at a time in
this process; ``"dask"`` runs the kernel on a Dask cluster (a local one, or a scheduler at an
address). Both give identical layers on the same input. :func:`~gis.aggregate.run.aggregate`
runs an engine and writes the layer atomically.
"""

from gis.aggregate.run import ENGINES, AggregateStats, aggregate
from gis.aggregate.spec import AggregationSpec, load_spec, parse_spec

__all__ = ["ENGINES", "AggregateStats", "AggregationSpec", "aggregate", "load_spec", "parse_spec"]
