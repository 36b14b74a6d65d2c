"""Import and export the battery tables (``battery_makers``, ``battery_units``, ``battery_events``).

Files: CSV / XLSX / JSON (read by :mod:`chainbrain.io.readers`) and Parquet for volume (pyarrow). Every row
is checked before anything is written — codes by GB/T 34014, VINs by GB 16735, enterprises, districts and
parent codes against the file and the store — and each problem names the file, row, column and value
(zh-CN). The tables register with :mod:`chainbrain.io.registry`, so ``chainbrain import|export|template``
serve them like every other table, all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from chainbrain.battery import codes as bcodes
from chainbrain.battery import ledger, trees
from chainbrain.battery.vin import check_vin
from chainbrain.io.cells import CellError, coerce
from chainbrain.io.fields import DATE, ENUM, FLOAT, TEXT, Column, normalize_header
from chainbrain.io.problems import Problem
from chainbrain.io.readers import ReadError, Sheet, read_file

Progress = Callable[[int, int], None]
#: dates before this or after today + 1 year are refused as typing mistakes
EARLIEST = dt.date(2011, 1, 1)


@dataclass(frozen=True)
class Spec:
    field: str
    zh: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] | None = None  # closed list: canonical value → Chinese name (both accepted)

    def lookup(self, text: str) -> str | None:
        """The canonical value for ``text`` written as the value or its Chinese name (case-folded)."""
        for canonical, zh in (self.choices or {}).items():
            if text.lower() in (canonical.lower(), zh.lower()):
                return canonical
        return None


def _choices(vocab: dict[str, str]) -> dict[str, str]:
    return dict(vocab)


_PROV = (
    Spec("source", "来源", required=True, aliases=("数据来源",)),
    Spec("as_of", "数据日期", DATE, aliases=("截至日期",)),
    Spec("status", "数据状态", ENUM, required=True, aliases=("状态",)),
)
_KINDS = _choices(ledger.KIND_ZH)

COLUMNS: dict[str, tuple[Spec, ...]] = {
    "battery_makers": (
        Spec("code", "厂商代码", required=True, aliases=("代码",)),
        Spec("enterprise_id", "企业编号", required=True),
        *_PROV,
    ),
    "battery_units": (
        Spec("code", "电池编码", required=True, aliases=("编码",)),
        Spec("kind", "类型", choices=_KINDS, aliases=("产品类型",)),
        Spec("parent_code", "上级编码", aliases=("所属编码",)),
        Spec("maker_id", "生产企业编号", aliases=("电池生产企业",)),
        Spec("vin", "车辆识别代号", aliases=("VIN",)),
        Spec("oem_id", "汽车生产企业编号", aliases=("整车企业编号",)),
        Spec("capacity_kwh", "额定能量(kWh)", FLOAT, aliases=("能量(kWh)", "额定能量")),
        Spec("produced", "生产日期", DATE),
        *_PROV,
    ),
    "battery_events": (
        Spec("id", "事件编号", required=True, aliases=("编号",)),
        Spec("code", "电池编码", required=True, aliases=("编码",)),
        Spec("event", "事件", required=True, choices=_choices(ledger.EVENTS), aliases=("事件类型",)),
        Spec("actor_id", "企业编号", aliases=("主体编号",)),
        Spec("actor_role", "主体类型", choices=_choices(ledger.ROLES), aliases=("主体角色",)),
        Spec("site", "场所", aliases=("网点",)),
        Spec("district_code", "区县代码"),
        Spec("date", "发生日期", DATE, required=True, aliases=("日期",)),
        Spec("reported_at", "上报日期", DATE),
        Spec("ref", "凭证编号", aliases=("证明编号",)),
        *_PROV,
    ),
}
TITLE_ZH = {"battery_makers": "电池厂商代码", "battery_units": "动力电池", "battery_events": "电池溯源事件"}
SQL = {"battery_makers": ("battery_maker", "code"), "battery_units": ("battery_unit", "code"),
       "battery_events": ("battery_event", "id")}  # fmt: skip


def read_any(path: Path, table: str) -> Sheet:
    """A CSV/XLSX/JSON file via :func:`chainbrain.io.readers.read_file`, or a Parquet file."""
    if path.suffix.lower() != ".parquet":
        return read_file(path, table, TITLE_ZH[table])
    import pyarrow.parquet as pq

    if not path.exists():
        raise ReadError(f"文件不存在：{path}")
    try:
        tbl = pq.read_table(path)
    except (OSError, ValueError) as e:
        raise ReadError(f"无法作为 Parquet 文件读取：{e}") from e
    cols = [tbl.column(i).to_pylist() for i in range(tbl.num_columns)]
    rows = [(i + 2, [c[i] for c in cols]) for i in range(tbl.num_rows)]
    return Sheet(path.name, [str(n) for n in tbl.column_names], rows)


def _cell(spec: Spec, value: Any) -> Any:
    if spec.choices is not None:
        if value is None or str(value).strip() == "":
            return None
        s = str(value).strip()
        canonical = spec.lookup(s)
        if canonical is None:
            shown = "、".join(f"{zh}（{k}）" for k, zh in spec.choices.items())
            raise CellError(f"“{s}”不是可选值，可选：{shown}")
        return canonical
    col = Column(spec.field, spec.zh, spec.kind, vocab="status" if spec.field == "status" else None)
    v = coerce(col, value)
    if spec.kind == DATE and v is not None and not EARLIEST <= v <= dt.date.today() + dt.timedelta(days=366):
        raise CellError(f"日期 {v.isoformat()} 超出合理范围（{EARLIEST.isoformat()} 至明年）")
    return v


def _rows(
    table: str, sheet: Sheet, progress: Progress | None
) -> tuple[list[tuple[int, dict[str, Any], dict[str, str]]], list[Problem]]:
    """(row number, values, field → header as written) per row, and the header / cell problems."""
    index = {}
    for s in COLUMNS[table]:
        for h in (s.field, s.zh, *s.aliases):
            index[normalize_header(h)] = s
    problems: list[Problem] = []
    by_pos: dict[int, Spec] = {}
    for pos, h in enumerate(sheet.headers):
        if not h:
            continue
        found = index.get(normalize_header(h))
        if found is None:
            known = "、".join(x.zh for x in COLUMNS[table])
            problems.append(Problem(sheet.file, 1, h, h, f"未知列；{TITLE_ZH[table]}表的列有：{known}"))
        elif found in by_pos.values():
            problems.append(Problem(sheet.file, 1, h, h, f"列重复（都是 {found.field}）"))
        else:
            by_pos[pos] = found
    present = {s.field for s in by_pos.values()}
    for s in COLUMNS[table]:
        if s.required and s.field not in present:
            problems.append(Problem(sheet.file, 1, s.zh, None, f"缺少必填列“{s.zh}”（{s.field}）"))
    if problems:
        return [], problems
    headers = {s.field: sheet.headers[p] for p, s in by_pos.items()}
    out = []
    for n, (rownum, cells) in enumerate(sheet.rows, start=1):
        values: dict[str, Any] = {s.field: None for s in COLUMNS[table]}
        for pos, s in by_pos.items():
            raw = cells[pos] if pos < len(cells) else None
            try:
                values[s.field] = _cell(s, raw)
            except CellError as e:
                problems.append(Problem(sheet.file, rownum, headers[s.field], raw, str(e)))
                values[s.field] = _BAD
        for s in COLUMNS[table]:
            if s.required and values[s.field] is None:
                problems.append(
                    Problem(sheet.file, rownum, headers.get(s.field, s.zh), None, "必填，不能为空")
                )
                values[s.field] = _BAD
        out.append((rownum, values, {**{s.field: s.zh for s in COLUMNS[table]}, **headers}))
        if progress is not None and n % 1000 == 0:
            progress(n, len(sheet.rows))
    return out, problems


_BAD = object()  # a cell already reported: left out of later checks


def validate(
    conn: duckdb.DuckDBPyConnection, table: str, path: Path, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read and check ``path`` as rows of ``table``; nothing is written."""
    try:
        sheet = read_any(Path(path), table)
    except ReadError as e:
        return [], [Problem(Path(path).name, None, None, None, str(e))]
    parsed, problems = _rows(table, sheet, progress)
    if not parsed:
        return [], problems
    # cells already reported are left out of the checks across rows and against the store
    check = {"battery_makers": _check_makers, "battery_units": _check_units, "battery_events": _check_events}
    problems += check[table](conn, sheet.file, parsed)
    problems.sort(key=lambda p: p.row or 0)
    if problems:
        return [], problems
    return [v for _, v, _ in parsed], []


def _dupes(file: str, parsed: list[tuple[int, dict[str, Any], dict[str, str]]], key: str) -> list[Problem]:
    seen: dict[Any, int] = {}
    out = []
    for rownum, v, h in parsed:
        k = v[key]
        if k is _BAD:
            continue
        if k in seen:
            out.append(Problem(file, rownum, h[key], k, f"与第{seen[k]}行重复"))
        else:
            seen[k] = rownum
    return out


def _refs(
    conn: duckdb.DuckDBPyConnection, parsed: list[tuple[int, dict[str, Any], dict[str, str]]], *fields: str
) -> set[str]:
    ids = sorted({v[f] for _, v, _ in parsed for f in fields if isinstance(v[f], str)})
    return ledger.enterprise_ids(conn, ids)


def _check_makers(conn: duckdb.DuckDBPyConnection, file: str, parsed: list[Any]) -> list[Problem]:
    problems = _dupes(file, parsed, "code")
    known = _refs(conn, parsed, "enterprise_id")
    for rownum, v, h in parsed:
        c = v["code"]
        if isinstance(c, str) and (len(c) != 3 or any(ch not in bcodes._ALNUM for ch in c)):
            problems.append(Problem(file, rownum, h["code"], c, "厂商代码应为3位数字或大写英文字母"))
        e = v["enterprise_id"]
        if isinstance(e, str) and e not in known:
            problems.append(Problem(file, rownum, h["enterprise_id"], e, "企业编号不在企业表中"))
    return problems


def _date_span(code: str) -> str:
    """Where a code's production-date symbols sit: 15–17 in the 24-character form, 8–10 in the cascade form."""
    return "15–17" if len(code) == bcodes.LENGTH else "8–10"


def _check_units(conn: duckdb.DuckDBPyConnection, file: str, parsed: list[Any]) -> list[Problem]:
    problems = _dupes(file, parsed, "code")
    known_firms = _refs(conn, parsed, "maker_id", "oem_id")
    makers = ledger.makers(conn)
    in_file: dict[str, str] = {}
    for _, v, _ in parsed:
        p = bcodes.parse(v["code"]) if isinstance(v["code"], str) else None
        if p is not None and p.valid and p.product_type:
            in_file[v["code"]] = p.product_type
    parents = sorted({v["parent_code"] for _, v, _ in parsed if isinstance(v["parent_code"], str)})
    stored = {u.code: u.kind for u in ledger.units(conn, [p for p in parents if p not in in_file])}
    for rownum, v, h in parsed:
        code = v["code"]
        if not isinstance(code, str):
            continue
        p = bcodes.parse(code)
        if not p.valid:
            problems.extend(Problem(file, rownum, h["code"], code, m) for m in p.errors)
            continue
        if v["kind"] not in (None, _BAD) and v["kind"] != p.product_type:
            problems.append(Problem(file, rownum, h["kind"], v["kind"],
                                    f"与编码第4位“{code[3]}”（{ledger.KIND_ZH[str(p.product_type)]}）不符"))  # fmt: skip
        v["kind"] = p.product_type
        if v["produced"] is None:
            v["produced"] = p.production_date
        elif (
            v["produced"] is not _BAD and p.production_date is not None and v["produced"] != p.production_date
        ):
            problems.append(Problem(file, rownum, h["produced"], v["produced"].isoformat(),
                                    f"与编码第{_date_span(code)}位的生产日期 {p.production_date.isoformat()} 不符"))  # fmt: skip
        for f in ("maker_id", "oem_id"):
            if isinstance(v[f], str) and v[f] not in known_firms:
                problems.append(Problem(file, rownum, h[f], v[f], "企业编号不在企业表中"))
        maker = makers.get(str(p.manufacturer))
        if v["maker_id"] is None and maker is not None:
            v["maker_id"] = maker.enterprise_id
        elif isinstance(v["maker_id"], str) and maker is not None and maker.enterprise_id != v["maker_id"]:
            problems.append(Problem(file, rownum, h["maker_id"], v["maker_id"],
                                    f"厂商代码 {p.manufacturer} 登记的企业是 {maker.enterprise_id}"))  # fmt: skip
        parent = v["parent_code"]
        if isinstance(parent, str):
            pkind = in_file.get(parent) or stored.get(parent)
            if parent == code:
                problems.append(Problem(file, rownum, h["parent_code"], parent, "上级编码不能是自身"))
            elif pkind is None:
                problems.append(
                    Problem(file, rownum, h["parent_code"], parent, "上级编码既不在本文件也不在库中")
                )
            elif pkind not in ledger.PARENT_KINDS[str(p.product_type)]:
                problems.append(Problem(file, rownum, h["parent_code"], parent,
                                        f"{ledger.KIND_ZH[str(p.product_type)]}不能挂在{ledger.KIND_ZH[pkind]}之下"))  # fmt: skip
        vin = v["vin"]
        if isinstance(vin, str):
            r = check_vin(vin)
            problems.extend(Problem(file, rownum, h["vin"], vin, m) for m in r.errors)
            if p.product_type != "pack":
                problems.append(Problem(file, rownum, h["vin"], vin, "只有电池包记录车辆识别代号"))
            v["vin"] = r.vin
        cap = v["capacity_kwh"]
        if isinstance(cap, float) and not (0 < cap <= 2000):
            problems.append(Problem(file, rownum, h["capacity_kwh"], cap, "额定能量应大于0且不超过2000 kWh"))
    return problems


def _check_events(conn: duckdb.DuckDBPyConnection, file: str, parsed: list[Any]) -> list[Problem]:
    problems = _dupes(file, parsed, "id")
    known_firms = _refs(conn, parsed, "actor_id")
    codes = sorted({v["code"] for _, v, _ in parsed if isinstance(v["code"], str)})
    produced = {u.code: u.produced for u in ledger.units(conn, codes)}
    stored = set(produced)
    districts = ledger.district_codes(conn)
    for rownum, v, h in parsed:
        if isinstance(v["code"], str) and v["code"] not in stored:
            problems.append(
                Problem(file, rownum, h["code"], v["code"], "电池编码不在库中，请先导入动力电池表")
            )
        if isinstance(v["actor_id"], str) and v["actor_id"] not in known_firms:
            problems.append(Problem(file, rownum, h["actor_id"], v["actor_id"], "企业编号不在企业表中"))
        d = v["district_code"]
        if isinstance(d, str) and d not in districts:
            problems.append(Problem(file, rownum, h["district_code"], d, "区县代码不在行政区划表中"))
        day, rep = v["date"], v["reported_at"]
        made = produced.get(v["code"]) if isinstance(v["code"], str) else None
        if isinstance(day, dt.date) and isinstance(made, dt.date) and day < made:
            problems.append(Problem(file, rownum, h["date"], day.isoformat(),
                                    f"发生日期早于该电池的生产日期 {made.isoformat()}"))  # fmt: skip
        if isinstance(day, dt.date) and isinstance(rep, dt.date) and rep < day:
            problems.append(Problem(file, rownum, h["reported_at"], rep.isoformat(),
                                    f"上报日期早于发生日期 {day.isoformat()}"))  # fmt: skip
    return problems


def write(conn: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> int:
    """Replace the rows, then rebuild the stored trees they touch (:mod:`chainbrain.battery.trees`), in the
    importer's transaction."""
    sql_name, key = SQL[table]
    if table == "battery_units":
        codes = [r["code"] for r in rows]
        before = trees.roots_of(conn, codes)
        n = ledger.replace(conn, sql_name, key, rows)
        trees.refresh(conn, codes, also=before)
        return n
    if table == "battery_events":
        ids = [r["id"] for r in rows]
        old = [r[0] for r in conn.execute(
            "SELECT DISTINCT code FROM battery_event WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchall()]  # fmt: skip
        n = ledger.replace(conn, sql_name, key, rows)
        trees.refresh(conn, event_codes=[*old, *(r["code"] for r in rows)])
        return n
    return ledger.replace(conn, sql_name, key, rows)


def count_existing(conn: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> int:
    sql_name, key = SQL[table]
    return len(ledger.existing_keys(conn, sql_name, key, [r[key] for r in rows]))


def export(conn: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, Any]]:
    sql_name, key = SQL[table]
    cols = ", ".join(s.field for s in COLUMNS[table])
    cur = conn.execute(f"SELECT {cols} FROM {sql_name} ORDER BY {key}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def template(table: str, path: Path) -> None:
    """An Excel template: Chinese headers on the first sheet, one example-free note row per column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = TITLE_ZH[table]
    ws.append([s.zh for s in COLUMNS[table]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    notes = wb.create_sheet("说明")
    notes.append(["列", "英文键", "必填", "可选值"])
    for s in COLUMNS[table]:
        allowed = "、".join(f"{k} {zh}" for k, zh in s.choices.items()) if s.choices else ""
        if s.field == "status":
            allowed = "verified 已核实、illustrative 示意、synthetic 合成"
        notes.append([s.zh, s.field, "是" if s.required else "", allowed])
    wb.save(path)


ALIASES = {
    "battery_makers": ("battery_maker", "电池厂商代码", "厂商代码"),
    "battery_units": ("battery_unit", "batteries", "动力电池", "电池"),
    "battery_events": ("battery_event", "电池事件", "溯源事件"),
}


def _spec(table: str) -> Any:
    from chainbrain.io.registry import TableIO

    def _validate(
        conn: duckdb.DuckDBPyConnection, path: Path, progress: Progress | None
    ) -> tuple[list[dict[str, Any]], list[Problem]]:
        return validate(conn, table, path, progress)

    def _write(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
        return write(conn, table, rows)

    def _template(path: Path) -> None:
        template(table, path)

    def _export(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        return export(conn, table)

    def _count(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> int:
        return count_existing(conn, table, rows)

    return TableIO(
        name=table,
        title_zh=TITLE_ZH[table],
        validate=_validate,
        write=_write,
        template=_template,
        export=_export,
        aliases=ALIASES[table],
        count_existing=_count,
    )


def _register() -> None:
    from chainbrain.io.registry import register

    for table in COLUMNS:
        register(_spec(table))


_register()
