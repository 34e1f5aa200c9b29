"""The one translation table: every label, tooltip, unit and message shown to people.

``t("key", lang)`` returns the Chinese (default) or English text; ``{name}`` fields are
filled from keyword arguments. Vocabulary labels (statuses, works, funding sources,
places) come from ``geo.schema`` through :func:`vocab`. Add keys in the section of
the feature they belong to; a missing key raises KeyError in tests, never silently.
"""
from __future__ import annotations

from geo import schema

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    # --- common -----------------------------------------------------------------------
    "app.title": ("青羊区老旧小区连片改造“一张图”", "Qingyang Old-Compound Renovation Map"),
    "app.district": ("成都市青羊区", "Qingyang District, Chengdu"),
    "app.illustrative": ("示意数据：位置、边界及未公开数字为生成的示意值", "Illustrative data: positions, boundaries and unreported figures are generated"),
    "app.language": ("语言 / Language", "语言 / Language"),
    "app.as_of": ("截至日期", "As of"),
    "unit.compounds": ("个", "compounds"),
    "unit.households": ("户", "households"),
    "unit.elevators": ("台", "elevators"),
    "unit.km": ("公里", "km"),
    "unit.wan_yuan": ("万元", "10k yuan"),
    "unit.yi_yuan": ("亿元", "100m yuan"),
    "unit.percent": ("%", "%"),
    "unit.chargers": ("个", "chargers"),
    # --- data model field names (exports, tables, records) -------------------------------
    **{f"field.{f.name}": (f.zh, f.en) for f in schema.COMPOUND_FIELDS},
    "field.status": ("状态", "Status"),
    "field.days_late": ("滞后天数", "Days late"),
    # --- explorer: derived columns, units and export (geo/filters.py, geo/export.py) ----
    "field.elevators": ("加装电梯（已建/在建）", "Elevators added (done/building)"),
    "field.elevators_planned": ("计划加装电梯", "Elevators planned"),
    "field.ev_chargers": ("充电桩（已建）", "EV chargers installed"),
    "field.funding_wan_yuan": ("累计资金", "Funding to date"),
    "field.works": ("改造内容", "Works"),
    "field.lon": ("经度", "Longitude"),
    "field.lat": ("纬度", "Latitude"),
    "field.geometry_wkt": ("几何（WKT）", "Geometry (WKT)"),
    "work.elevator": ("加装电梯", "Added elevators"),
    "unit.year": ("年", "year"),
    "unit.buildings": ("栋", "buildings"),
    "unit.m2": ("平方米", "m²"),
    "unit.count": ("个", "count"),
    "unit.days": ("天", "days"),
    "unit.degrees": ("度（{crs}）", "degrees ({crs})"),
    "export.units_row": ("单位", "Unit"),
    "export.error.format": ("不支持的导出格式「{fmt}」，可选：{valid}", "unsupported export format '{fmt}'; valid: {valid}"),
    "export.error.geometry": ("「{fmt}」格式需要几何列；没有几何的表请导出为 CSV、XLSX 或 GPKG", "format '{fmt}' needs a geometry column; export tables without geometry as CSV, XLSX or GPKG"),
    "record.yes": ("是", "Yes"),
    "record.no": ("否", "No"),
    "record.underground": ("地下", "Underground"),
    "record.above_ground": ("地上", "Above ground"),
    "record.location": ("位置", "Location"),
    "record.col.work": ("改造内容", "Work"),
    "record.col.underground": ("地上/地下", "Above/below ground"),
    "record.col.quantity": ("数量", "Quantity"),
    "record.col.plan_start": ("计划开工", "Planned start"),
    "record.col.plan_finish": ("计划完成", "Planned finish"),
    "record.col.actual_start": ("实际开工", "Actual start"),
    "record.col.actual_finish": ("实际完成", "Actual finish"),
    "record.col.done": ("已完成", "Done"),
    "record.col.elevator_id": ("电梯编号", "Elevator ID"),
    "record.col.building": ("楼栋", "Building"),
    "record.col.stage": ("阶段", "Stage"),
    "record.col.source": ("资金来源", "Source"),
    "record.col.total": ("合计", "Total"),
    "explorer.filters": ("筛选条件", "Filters"),
    "explorer.area": ("片区", "Renovation area"),
    "explorer.subdistrict": ("街道（重点街道在前）", "Subdistrict (key ones first)"),
    "explorer.status": ("改造状态", "Status"),
    "explorer.batch": ("改造批次", "Batch"),
    "explorer.works": ("改造内容", "Works"),
    "explorer.works_all": ("须同时具备所选全部内容", "Must have all selected works"),
    "explorer.year_built": ("建成年份", "Year built"),
    "explorer.households": ("户数", "Households"),
    "explorer.funding": ("累计资金（万元）", "Funding to date (10k yuan)"),
    "explorer.any": ("不限", "Any"),
    "explorer.reset": ("清除筛选", "Clear filters"),
    "explorer.link": ("本视图链接（复制即可分享，打开即恢复相同筛选）", "Link to this view (copy to share; it reopens the same filters)"),
    "explorer.scope": ("选择范围", "Select"),
    "explorer.scope.all": ("全部筛选结果", "All filtered"),
    "explorer.scope.drawn": ("地图上绘制的区域", "Drawn on the map"),
    "explorer.scope.view": ("当前地图视野", "What is in view"),
    "explorer.draw_hint": ("用地图左侧的矩形或多边形工具圈选小区", "Draw a rectangle or polygon with the tools on the map's left to select compounds"),
    "explorer.view_hint": ("平移或缩放地图后，表格只列出视野内的小区", "Pan or zoom the map: the table lists only the compounds in view"),
    "explorer.kpi.compounds": ("小区（个）", "Compounds"),
    "explorer.kpi.households": ("户数（户）", "Households"),
    "explorer.kpi.elevators": ("加装电梯（台）", "Elevators added"),
    "explorer.kpi.ev_chargers": ("充电桩（个）", "EV chargers"),
    "explorer.kpi.funding": ("累计资金（万元）", "Funding (10k yuan)"),
    "explorer.counts": ("筛选结果 {filtered} 个小区，当前选择 {selected} 个", "{filtered} compounds match the filters; {selected} selected"),
    "explorer.table": ("小区列表", "Compounds"),
    "explorer.table_hint": ("勾选表格中的行，即在地图上高亮并只统计、导出这些小区", "Tick rows to highlight them on the map and count and export only them"),
    "explorer.record": ("小区档案", "Compound record"),
    "explorer.record_hint": ("点击地图上的小区，查看其完整档案", "Click a compound on the map to see its full record"),
    "explorer.record.works": ("改造内容", "Works"),
    "explorer.record.elevators": ("加装电梯", "Added elevators"),
    "explorer.record.funding": ("资金来源（万元）", "Funding by source (10k yuan)"),
    "explorer.record.none": ("无", "None"),
    "explorer.record.close": ("关闭档案", "Close record"),
    "explorer.export": ("导出所选小区", "Export the selection"),
    "explorer.export_crs": ("坐标系", "Coordinates"),
    "explorer.export_crs.wgs84": ("WGS-84（天地图/GPS）", "WGS-84 (Tianditu/GPS)"),
    "explorer.export_crs.gcj02": ("GCJ-02（高德）", "GCJ-02 (AMap)"),
    "explorer.download": ("下载 {fmt}", "Download {fmt}"),
    "explorer.export_help": ("CSV 为 UTF-8（带 BOM），Excel 可直接打开；XLSX 含中文表头和单位行", "CSV is UTF-8 with BOM (opens in Excel); XLSX has headers and a units row"),
    "explorer.empty": ("没有符合条件的小区，请放宽筛选条件", "No compound matches: relax the filters"),
    # --- dashboard shell (dashboard/app.py, state.py, cached.py) -------------------------
    "page.briefing": ("总览", "Briefing"),
    "page.explorer": ("筛选", "Explorer"),
    "page.screen": ("大屏", "Exhibition screen"),
    "shell.settings": ("显示设置", "Display"),
    "shell.as_of_help": ("可回看2015年1月1日以来任一天的进展", "Replay the progress on any day since 1 Jan 2015"),
    "shell.data_source": ("数据来源：{source}", "Data source: {source}"),
    "error.store": ("数据无法读取：{detail}。请检查 QY_STORE 设置的文件，或运行 python -m geo build-sample 重新生成示意数据。", "The data cannot be read: {detail}. Check the file QY_STORE points to, or run python -m geo build-sample to rebuild the sample."),
    "error.page": ("本页出错：{detail}", "This page failed: {detail}"),
    "shell.coming_soon": ("本页正在建设中", "This page is being built"),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Text for ``key`` in ``lang`` ('zh' or 'en'), with ``{fields}`` filled from ``fmt``."""
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def vocab(kind: str, key: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a vocabulary value: kind is status, decision, batch, work, source, group,
    elevator_stage, greenway_level, site_kind, subdistrict or area."""
    if kind == "work":
        w = schema.WORKS[key]
        return w.en if lang == "en" else w.zh
    if kind == "source":
        s = next(s for s in schema.FUNDING_SOURCES if s.key == key)
        return s.en if lang == "en" else s.zh
    if kind == "subdistrict":
        return schema.SUBDISTRICT_EN.get(key, key) if lang == "en" else key
    if kind == "area":
        return schema.AREA_EN.get(key, key) if lang == "en" else key
    tables = {"status": schema.STATUS_LABELS, "decision": schema.DECISION_LABELS,
              "batch": schema.BATCH_LABELS, "group": schema.FUNDING_GROUPS,
              "elevator_stage": schema.ELEVATOR_STAGE_LABELS, "greenway_level": schema.GREENWAY_LEVELS,
              "site_kind": schema.SITE_KINDS}
    return schema.label(tables[kind], key, lang)
