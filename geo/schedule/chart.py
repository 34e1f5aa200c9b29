"""一图: the work-face handover timing chart (交叉施工作业面移交时序图), as data.

:func:`compound_timeline` is the view model of one compound on an as-of date: per work a
planned bar and an actual bar (an unfinished work's bar runs to D), its group (sequencing
class), the handovers as milestones, and the findings of the rules (the later work of a
violation drawn red, with the rule's text). :func:`compound_chart` turns it into a Vega-Lite
specification (rendered offline by Streamlit's own Vega-Lite; names are data, drawn as text).

:func:`area_phases` / :func:`area_chart` do the same for the compounds of an area or
subdistrict: one row per compound with its three phases, sorted by lag (or name, or start).
All dates are as known on D (``geo.asof``); labels in ``lang``.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from geo import asof, colors
from geo.asof import AsOf, AsOfLike
from geo.dataset import Dataset
from geo.i18n import t, vocab
from geo.schedule import model
from geo.schedule.daily import daily_table
from geo.schedule.rules import RULE_BY_ID, check_sequence

#: Colour of each class's actual bars; planned bars are light grey-blue; a violation red (``geo.colors``).
CLASS_COLORS: dict[str, str] = {c: colors.SEQUENCE_CLASS[c] for c in model.SEQUENCE_CLASSES}
PLAN_COLOR, VIOLATION_COLOR, WARNING_COLOR, TODAY_COLOR = colors.PLAN, colors.VIOLATION, colors.OVERDUE, colors.TODAY
ROW_PX = 26  # height of a work's row (two bars)
SORTS: tuple[str, ...] = ("lag", "name", "start")


def lag_text(days: int, lang: str = "zh") -> str:
    """A lag in words: 滞后 5 天 / 超前 2 天 / 按计划."""
    if days > 0:
        return t("schedule.chart.lag", lang, n=days)
    return t("schedule.chart.ahead", lang, n=-days) if days < 0 else t("schedule.chart.on_plan", lang)


def _day_text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _finding_text(r: Any, lang: str) -> str:
    rule = RULE_BY_ID[r.rule]
    days = "" if pd.isna(r.days) else f" {int(r.days)}{'+' if r.ongoing else ''} {t('unit.days', lang)}"
    return f"{r.rule} {rule.name(lang)}：{vocab('work', r.first_work, lang)}{days}" if lang != "en" else \
        f"{r.rule} {rule.name(lang)}: {vocab('work', r.first_work, lang)}{days}"


def compound_timeline(ds: Dataset, compound_id: str, as_of: AsOfLike = None, *, lang: str = "zh") -> dict[str, Any]:
    """The chart's data for one compound on ``as_of``: ``bars`` (one row per work and kind: plan or
    actual), ``milestones`` (handovers), ``findings`` (the rules' findings of the compound), the
    row order and the as-of day. Empty bars for a compound without works."""
    d = AsOf.of(as_of)
    works = ds.works[ds.works["compound_id"] == compound_id]
    known = asof.known_on(works, d)
    classes = model.work_class(works)
    one = ds.with_layers(compounds=ds.compounds[ds.compounds["compound_id"] == compound_id], works=works,
                         handovers=ds.handovers[ds.handovers["compound_id"] == compound_id])
    findings = check_sequence(one, d)
    offended: dict[str, list[Any]] = {}
    for r in findings.itertuples():
        offended.setdefault(r.second_work, []).append(r)
    bars, order = [], []
    tomorrow = d.day + pd.Timedelta(days=1)
    ranked = known.assign(cls=classes, _o=classes.map(model.SEQUENCE_ORDER)).sort_values(["_o", "plan_start", "work"])
    for w in ranked.itertuples():
        label = f"{vocab('sequence_class', w.cls, lang)} · {vocab('work', w.work, lang)}"
        order.append(label)
        mine = offended.get(w.work, [])
        worst = next((f for f in mine if f.kind == model.VIOLATION), None) or (mine[0] if mine else None)
        note = "；".join(_finding_text(f, lang) for f in mine)
        base = {"row": label, "work": vocab("work", w.work, lang), "group": vocab("sequence_class", w.cls, lang),
                "contractor": w.contractor if isinstance(w.contractor, str) else "",
                "face": w.work_face if isinstance(w.work_face, str) else "", "finding": note}
        if pd.notna(w.plan_start) and pd.notna(w.plan_finish):
            bars.append({**base, "kind": t("schedule.chart.plan", lang), "start": _day_text(w.plan_start),
                         "end": _day_text(w.plan_finish + pd.Timedelta(days=1)), "color": PLAN_COLOR,
                         "from": _day_text(w.plan_start), "to": _day_text(w.plan_finish)})
        if pd.notna(w.actual_start):
            end = w.actual_finish + pd.Timedelta(days=1) if pd.notna(w.actual_finish) else tomorrow
            color = VIOLATION_COLOR if worst is not None and worst.kind == model.VIOLATION else CLASS_COLORS[w.cls]
            bars.append({**base, "kind": t("schedule.chart.actual", lang), "start": _day_text(w.actual_start),
                         "end": _day_text(end), "color": color, "from": _day_text(w.actual_start),
                         "to": _day_text(w.actual_finish) or t("schedule.chart.ongoing", lang)})
    hv = asof.known_on(ds.handovers[ds.handovers["compound_id"] == compound_id], d)
    labels = dict(zip(ranked["work"], order))
    milestones = [{"row": labels[h.to_work], "date": _day_text(h.actual_date if pd.notna(h.actual_date) else h.plan_date),
                   "done": bool(pd.notna(h.actual_date)),
                   "text": t("schedule.chart.handover", lang, source=vocab("work", h.from_work, lang),
                             target=vocab("work", h.to_work, lang)),
                   "accepted_by": h.accepted_by if isinstance(h.accepted_by, str) else ""}
                  for h in hv.itertuples() if h.to_work in labels and (pd.notna(h.actual_date) or pd.notna(h.plan_date))]
    return {"bars": bars, "milestones": milestones, "findings": findings, "order": order, "as_of": d.isoformat()}


def _today_layer(day: str, lang: str) -> list[dict[str, Any]]:
    data = {"values": [{"date": day, "label": t("schedule.chart.today", lang, date=day)}]}
    return [
        {"data": data, "mark": {"type": "rule", "color": TODAY_COLOR, "strokeWidth": 2, "strokeDash": [5, 3]},
         "encoding": {"x": {"field": "date", "type": "temporal"}}},
        {"data": data, "mark": {"type": "text", "color": TODAY_COLOR, "align": "left", "dx": 4, "dy": -6,
                                "baseline": "bottom", "fontWeight": "bold"},
         "encoding": {"x": {"field": "date", "type": "temporal"}, "y": {"value": 0}, "text": {"field": "label"}}},
    ]


def _legend(lang: str) -> dict[str, Any]:
    names = [t("schedule.chart.plan", lang), *(vocab("sequence_class", c, lang) for c in model.SEQUENCE_CLASSES),
             t("schedule.chart.violation", lang)]
    colors = [PLAN_COLOR, *CLASS_COLORS.values(), VIOLATION_COLOR]
    return {"field": "legend", "type": "nominal", "scale": {"domain": names, "range": colors},
            "legend": {"title": None, "orient": "top", "direction": "horizontal"}}


def compound_chart(timeline: dict[str, Any], lang: str = "zh", *, title: str = "") -> dict[str, Any]:
    """A Vega-Lite specification of :func:`compound_timeline`: works as rows grouped by class
    (planned bar above the actual one), handovers as diamonds (filled = done), today's line, and
    the rule text of every finding beside the work it concerns (red for a violation)."""
    order, day = timeline["order"], timeline["as_of"]
    bars = [{**b, "legend": b["group"] if b["color"] not in (PLAN_COLOR, VIOLATION_COLOR)
             else t("schedule.chart.plan", lang) if b["color"] == PLAN_COLOR else t("schedule.chart.violation", lang)}
            for b in timeline["bars"]]
    y = {"field": "row", "type": "nominal", "sort": order, "title": None,
         "axis": {"labelLimit": 220, "labelFontSize": 12}}
    tip = [{"field": "work", "title": t("schedule.chart.tip.work", lang)},
           {"field": "kind", "title": t("schedule.chart.tip.kind", lang)},
           {"field": "from", "title": t("schedule.chart.tip.from", lang)},
           {"field": "to", "title": t("schedule.chart.tip.to", lang)},
           {"field": "contractor", "title": t("field.contractor", lang)},
           {"field": "face", "title": t("field.work_face", lang)},
           {"field": "finding", "title": t("schedule.chart.tip.finding", lang)}]
    layers: list[dict[str, Any]] = [{
        "data": {"values": bars}, "mark": {"type": "bar", "cornerRadius": 2},
        "encoding": {"y": y, "yOffset": {"field": "kind", "sort": [t("schedule.chart.plan", lang)]},
                     "x": {"field": "start", "type": "temporal", "title": None,
                           "axis": {"format": "%Y-%m", "labelAngle": 0, "tickCount": {"interval": "month", "step": 1}}},
                     "x2": {"field": "end"}, "color": _legend(lang), "tooltip": tip}}]
    if timeline["milestones"]:
        layers.append({"data": {"values": timeline["milestones"]},
                       "mark": {"type": "point", "shape": "diamond", "size": 110, "strokeWidth": 1.5, "color": colors.MILESTONE},
                       "encoding": {"y": y, "x": {"field": "date", "type": "temporal"},
                                    "fill": {"condition": {"test": "datum.done", "value": colors.MILESTONE}, "value": "#ffffff"},
                                    "tooltip": [{"field": "text", "title": t("schedule.chart.tip.handover", lang)},
                                                {"field": "date", "title": t("schedule.chart.tip.date", lang)},
                                                {"field": "accepted_by", "title": t("field.accepted_by", lang)}]}})
    notes = [b for b in bars if b["finding"] and b["kind"] == t("schedule.chart.actual", lang)] or \
        [b for b in bars if b["finding"]]
    if notes:
        seen: dict[str, dict[str, Any]] = {}
        for b in notes:
            seen.setdefault(b["row"], b)
        layers.append({"data": {"values": list(seen.values())},
                       "mark": {"type": "text", "align": "left", "dx": 6, "fontSize": 12, "fontWeight": "bold"},
                       "encoding": {"y": y, "x": {"field": "end", "type": "temporal"}, "text": {"field": "finding"},
                                    "color": {"condition": {"test": f"datum.color == '{VIOLATION_COLOR}'",
                                                            "value": VIOLATION_COLOR}, "value": WARNING_COLOR}}})
    layers += _today_layer(day, lang)
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title or None,
            "width": "container", "height": {"step": ROW_PX}, "layer": layers,
            "config": {"font": '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif', "view": {"stroke": None}}}


# --- an area or subdistrict --------------------------------------------------------------------------
def area_phases(ds: Dataset, as_of: AsOfLike = None, *, lang: str = "zh", window_days: int | None = 56,
                sort: str = "lag") -> pd.DataFrame:
    """One row per compound and phase (sequencing class) of the compounds of ``ds`` (filter it first):
    the phase's span as known on D (actual where started, else planned; an unfinished phase runs to
    D), whether it is actual, the compound's lag on D (its most lagging active work, days), its
    violations and warnings. ``window_days``: only compounds with a phase within that many days of
    D or with a finding (None: all). ``sort``: lag (most first), name or start; ``rank`` is the row order."""
    d = AsOf.of(as_of)
    w = ds.works[ds.works["compound_id"].isin(ds.compounds["compound_id"])]
    dates = asof.work_dates(w, d)
    frame = pd.DataFrame({"compound_id": w["compound_id"], "cls": model.work_class(w),
                          "start": dates["start"].fillna(pd.to_datetime(w["plan_start"]).dt.normalize()),
                          "end": dates["finish"].fillna(dates["exp_finish"]), "actual": dates["start"].notna()})
    phases = frame.groupby(["compound_id", "cls"]).agg(start=("start", "min"), end=("end", "max"),
                                                       actual=("actual", "max")).reset_index().dropna(subset=["start"])
    findings = check_sequence(ds, d)
    if window_days is not None:  # compounds near D, and every compound with a finding
        lo, hi = d.day - pd.Timedelta(days=window_days), d.day + pd.Timedelta(days=window_days)
        near = phases[(phases["end"] >= lo) & (phases["start"] <= hi)]["compound_id"]
        phases = phases[phases["compound_id"].isin(set(near) | set(findings["compound_id"]))]
    lag = daily_table(ds, d).groupby("compound_id")["lag_days"].max()
    counts = findings.groupby(["compound_id", "kind"]).size().unstack(fill_value=0)
    names = ds.compounds.set_index("compound_id")[["name", "area", "subdistrict"]]
    out = phases.join(names, on="compound_id").assign(lag_days=lambda f: f["compound_id"].map(lag))
    for kind in (model.VIOLATION, model.WARNING):
        out[f"{kind}s"] = out["compound_id"].map(counts.get(kind, {})).fillna(0).astype(int)
    first = out.groupby("compound_id")["start"].min()
    keys = {"lag": (out["compound_id"].map(lag).fillna(-1e9), False), "name": (out["name"], True),
            "start": (out["compound_id"].map(first), True)}[sort if sort in SORTS else "lag"]
    ranked = out.assign(_k=keys[0]).sort_values(["_k", "compound_id"], ascending=[keys[1], True], kind="stable")
    order = list(dict.fromkeys(ranked["compound_id"]))
    out["rank"] = out["compound_id"].map({c: i for i, c in enumerate(order)})
    out["phase"] = [vocab("sequence_class", c, lang) for c in out["cls"]]
    return pd.DataFrame(out.sort_values(["rank", "cls"]).reset_index(drop=True))


def area_chart(phases: pd.DataFrame, as_of: AsOfLike, lang: str = "zh") -> dict[str, Any]:
    """A Vega-Lite specification of :func:`area_phases`: compounds as rows in their rank order, each
    phase a bar (light while only planned), a red dot with the count where rules are broken, the lag
    at the right, today's line."""
    d = AsOf.of(as_of)
    rows, marks = [], []
    tomorrow = d.day + pd.Timedelta(days=1)
    for r in phases.itertuples():
        label = f"{r.name}（{r.compound_id}）" if lang != "en" else f"{r.name} ({r.compound_id})"
        lag = "" if pd.isna(r.lag_days) else lag_text(int(r.lag_days), lang)
        base = {"row": label, "rank": int(r.rank), "phase": r.phase, "from": _day_text(r.start),
                "to": _day_text(r.end), "lag": lag, "violations": int(r.violations), "warnings": int(r.warnings),
                "id": r.compound_id}
        end = r.end + pd.Timedelta(days=1)
        if r.actual and end > tomorrow:  # under way: dark up to D, light for what remains
            rows.append({**base, "start": _day_text(r.start), "end": _day_text(tomorrow), "actual": True, "opacity": 1.0})
            rows.append({**base, "start": _day_text(tomorrow), "end": _day_text(end), "actual": False, "opacity": 0.35})
        else:
            rows.append({**base, "start": _day_text(r.start), "end": _day_text(end), "actual": bool(r.actual),
                         "opacity": 1.0 if r.actual else 0.35})
    order = [x["row"] for x in sorted({x["row"]: x for x in rows}.values(), key=lambda x: x["rank"])]
    ends: dict[str, str] = {}
    for x in rows:
        ends[x["row"]] = max(ends.get(x["row"], x["end"]), x["end"])
    for label in order:
        first = next(x for x in rows if x["row"] == label)
        marks.append({**first, "end": ends[label],
                      "flag": (f"⚠ {first['violations']}" if first["violations"] else "") + (f" {first['lag']}" if first["lag"] else "")})
    y = {"field": "row", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 240}}
    phase_names = [vocab("sequence_class", c, lang) for c in model.SEQUENCE_CLASSES]
    tip = [{"field": "row", "title": t("schedule.chart.tip.compound", lang)}, {"field": "phase", "title": t("schedule.chart.tip.phase", lang)},
           {"field": "from", "title": t("schedule.chart.tip.from", lang)}, {"field": "to", "title": t("schedule.chart.tip.to", lang)},
           {"field": "lag", "title": t("schedule.chart.tip.lag", lang)},
           {"field": "violations", "title": t("schedule.chart.tip.violations", lang)}]
    layers: list[dict[str, Any]] = [
        {"data": {"values": rows}, "mark": {"type": "bar", "cornerRadius": 1.5},
         "encoding": {"y": y, "yOffset": {"field": "phase", "sort": phase_names},
                      "x": {"field": "start", "type": "temporal", "title": None,
                                    "axis": {"format": "%Y-%m", "labelAngle": 0}},
                      "x2": {"field": "end"}, "opacity": {"field": "opacity", "type": "quantitative", "legend": None,
                                                          "scale": {"domain": [0, 1]}},
                      "color": {"field": "phase", "type": "nominal", "scale": {"domain": phase_names,
                                                                               "range": list(CLASS_COLORS.values())},
                                "legend": {"title": None, "orient": "top"}},
                      "tooltip": tip}},
        {"data": {"values": marks}, "mark": {"type": "text", "align": "left", "dx": 6, "fontWeight": "bold"},
         "encoding": {"y": y, "x": {"field": "end", "type": "temporal"}, "text": {"field": "flag"},
                      "color": {"condition": {"test": "datum.violations > 0", "value": VIOLATION_COLOR}, "value": colors.LAG_TEXT}}},
        *_today_layer(d.isoformat(), lang),
    ]
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": "container",
            "height": {"step": 9}, "layer": layers,
            "config": {"font": '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif', "view": {"stroke": None}}}
