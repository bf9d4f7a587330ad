"""Store siting (选址): the Huff model, candidate sites and the choice of new sites.

Arrays first (:mod:`gis.siting.huff`, :mod:`gis.siting.selection`), with :func:`run_siting`
as the adapter from the project's tables.
"""

from gis.siting.params import SitingParams
from gis.siting.pipeline import SitingResult, run_siting

__all__ = ["SitingParams", "SitingResult", "run_siting"]
