"""Public table names and the SQL tables they live in (a plain mapping: importing it loads no model)."""

#: public table name → SQL table name, in load order (parents before children)
SQL_TABLE = {
    "districts": "district",
    "segments": "segment",
    "enterprises": "enterprise",
    "sites": "site",
    "vehicle_models": "vehicle_model",
    "bom_lines": "bom_line",
    "supply_links": "supply_link",
}
