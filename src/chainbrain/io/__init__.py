"""Importers and exporters: CSV / XLSX / JSON, every row validated, all-or-nothing writes.

``import_file`` validates then writes; ``export_table`` writes CSV (UTF-8 with BOM), XLSX or JSON;
``write_template`` writes a fill-in Excel template. Tables are served through :mod:`chainbrain.io.registry`.
"""

from chainbrain.io.export import FORMATS, export_table
from chainbrain.io.importer import ImportResult, import_file
from chainbrain.io.problems import ImportRejected, Problem

__all__ = ["FORMATS", "ImportRejected", "ImportResult", "Problem", "export_table", "import_file"]
