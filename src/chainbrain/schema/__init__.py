"""Domain types (pydantic v2), one module per concept."""

from chainbrain.schema.bom_line import BomLine
from chainbrain.schema.common import Record, Status
from chainbrain.schema.district import District
from chainbrain.schema.enterprise import Enterprise
from chainbrain.schema.segment import Segment
from chainbrain.schema.site import Site
from chainbrain.schema.supply_link import SupplyLink
from chainbrain.schema.vehicle_model import VehicleModel
from chainbrain.store.tables import SQL_TABLE

#: table name in the store → record type, in load order (parents before children)
TABLES: dict[str, type[Record]] = {
    "districts": District,
    "segments": Segment,
    "enterprises": Enterprise,
    "sites": Site,
    "vehicle_models": VehicleModel,
    "bom_lines": BomLine,
    "supply_links": SupplyLink,
}

__all__ = [
    "SQL_TABLE",
    "TABLES",
    "BomLine",
    "District",
    "Enterprise",
    "Record",
    "Segment",
    "Site",
    "Status",
    "SupplyLink",
    "VehicleModel",
]
