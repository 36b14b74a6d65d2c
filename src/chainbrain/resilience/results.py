"""Typed answers of the resilience package: the rows the CLI prints and the API returns.

Field order is the order of the JSON objects the CLI and the API emit. ``tts`` is None when the time to
survive is unbounded (the disruption never costs a unit of demand); ``extra_stock`` is None when no amount
of stock closes the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    """One disruption (a node, or a set of nodes under one name) down for ``ttr`` days."""

    node: str
    ttr: float
    loss: float | None
    tts: float | None


@dataclass(frozen=True)
class SweepRow:
    """A sweep scenario with its risk exposure index ``rei`` = loss / the sweep's largest loss."""

    node: str
    ttr: float
    loss: float
    tts: float | None
    rei: float


@dataclass(frozen=True)
class RankedSite:
    """A site's sweep row with its name, firm, district and segment; ``at_risk`` = TTS < TTR."""

    node: str
    name: str
    firm: str | None
    district: str | None
    segment: str | None
    ttr: float
    loss: float
    tts: float | None
    rei: float
    at_risk: bool


@dataclass(frozen=True)
class AtRiskSite(RankedSite):
    """A site with TTS < TTR and the least extra stock of its output that makes TTS ≥ TTR."""

    extra_stock: float | None = None


@dataclass(frozen=True)
class Backup:
    """Another site of the failed site's segment, tried as a supplier of all of its buyers."""

    backup: str
    name: str
    district: str | None
    local: bool
    spare_per_day: float | None  # None: capacity not limited
    loss_before: float
    loss_after: float
    loss_averted: float
    tts_after: float | None


@dataclass(frozen=True)
class SiteActions(RankedSite):
    """What can be done about one site: the stock that closes its gap (0 when not at risk) and backups."""

    extra_stock: float | None = None
    backups: list[Backup] = field(default_factory=list)


@dataclass(frozen=True)
class Recommendation:
    """A node with TTS < TTR: the stock that closes the gap and the best backup suppliers."""

    node: str
    ttr: float
    tts: float | None
    loss: float | None
    rei: float | None  # None when the node was solved alone, outside a sweep
    name: str
    extra_stock: float | None
    backups: list[Backup]


@dataclass(frozen=True)
class SoleSource:
    """A segment local finished-product plants buy from a single site, seen without that site's identity."""

    segment: str
    district: str | None
    oems: list[str]
    ttr: float | None
    loss: float | None


@dataclass(frozen=True)
class ChokePoint:
    """A segment local finished-product plants (OEMs) buy from one supplier site, and its TTR loss."""

    segment: str
    supplier: str
    supplier_name: str
    district: str | None
    oems: list[str]
    ttr: float | None
    loss: float | None

    def anonymous(self) -> SoleSource:
        """The same choke point without the supplier (what a viewer may see)."""
        return SoleSource(self.segment, self.district, self.oems, self.ttr, self.loss)


@dataclass(frozen=True)
class NodeSetScenario:
    """A node set down together: loss, TTS and lost units per finished product."""

    nodes: list[str]
    ttr: float | None
    loss: float | None
    tts: float | None
    lost_units: dict[str, float]


@dataclass(frozen=True)
class DistrictScenario:
    """Every site of a district down at once (a flood, a lockdown)."""

    district: str
    nodes: list[str]
    ttr: float | None
    loss: float | None
    tts: float | None
    lost_units: dict[str, float]


@dataclass(frozen=True)
class OemShortfall:
    """Units of a finished-product plant's demand lost in a scenario."""

    node: str
    name: str
    firm: str | None
    units: float


@dataclass(frozen=True)
class DistrictImpact:
    """A district scenario as an aggregate: sites down, loss, TTS and the OEM plants short, largest first."""

    district: str
    district_name: str
    ttr: float | None
    sites: int
    loss: float | None
    tts: float | None
    oems: list[OemShortfall]


@dataclass(frozen=True)
class NetworkNode:
    """A site of the supply network, for a graph view; ``local`` = its district is in the city."""

    id: str
    name: str
    firm: str | None
    segment: str | None
    district: str | None
    local: bool
    finished: bool
    rei: float


@dataclass(frozen=True)
class NetworkEdge:
    """A supply edge: ``source`` ships ``material`` to ``target``."""

    source: str
    target: str
    material: str


@dataclass(frozen=True)
class NetworkView:
    """Nodes (sites) and supply edges, for a graph view."""

    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    count: int
