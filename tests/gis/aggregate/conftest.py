"""A real Dask cluster (two worker processes), started once for the aggregation tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def dask_scheduler():
    """Address of a running ``LocalCluster`` of 2 single-threaded worker processes."""
    pytest.importorskip("distributed")
    from gis.aggregate.dask_engine import local_cluster

    cluster = local_cluster(2)  # LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
