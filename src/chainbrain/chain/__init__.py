"""Chain-map analytics: local supporting rate, gaps, supplier concentration, what-if scenarios.

Every function takes a DuckDB connection to a store and returns plain data (dataclasses).
"""

from chainbrain.chain.boundary import Boundary, BoundaryError, haversine_km, parse_boundary
from chainbrain.chain.gaps import Concentration, GapRow, concentration, gaps
from chainbrain.chain.local_rate import RateRow, city_rate, local_rate
from chainbrain.chain.whatif import WhatIfError, WhatIfResult, whatif

__all__ = [
    "Boundary",
    "BoundaryError",
    "Concentration",
    "GapRow",
    "RateRow",
    "WhatIfError",
    "WhatIfResult",
    "city_rate",
    "concentration",
    "gaps",
    "haversine_km",
    "local_rate",
    "parse_boundary",
    "whatif",
]
