"""Every number shown anywhere (pages, briefing pack, command line) comes from here.

All functions are pure: they take the data set (or a layer) and an as-of date and
return new values. Money is in 万元 (10,000 yuan); lengths in km.

Figures are made in two steps. :class:`Facts` are small aggregates of a set of compounds
on one as-of date (counts and sums by group, batch, status...); every figure is then
read off the facts by the functions here. Facts are built from a data set in memory by
:func:`facts_from_dataset`, or by the database for a store that can (``Store.facts``; PostGIS:
``geo.store.postgis_facts``): the same data give the same facts, so a figure is the same whichever built them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo import asof, schema
from geo.asof import AsOf, AsOfLike, days_late, derive_status
from geo.dataset import Dataset
from geo.i18n import bilingual, both, choices
from geo.programme import Programme
from geo.schedule import metrics as schedule_metrics
from geo.schedule.issues import issue_stats
from geo.schedule.rules import check_sequence

#: The construction layers, filtered with their compounds, and the blocks of :func:`stats` they give
#: (read from the loaded data set, not from the facts).
CONSTRUCTION_LAYERS: tuple[str, ...] = ("handovers", "daily_progress", "issue_log")
CONSTRUCTION_KEYS: tuple[str, ...] = ("sequencing", "issues", "daily")
#: Grouping of facts: None (one group), "area" (the compound's area, NO_AREA outside every
#: area), or subdistrict name -> group key (e.g. ``Programme.unit_codes``).
By = str | Mapping[str, str] | None
#: Key columns of each facts table (besides ``g``, the group; None for rows of no compound).
FACT_KEYS: dict[str, tuple[str, ...]] = {
    "compounds": ("g", "batch", "status", "decision", "is_old", "late"),
    "elevators": ("g", "batch", "stage", "in_year"),
    "works": ("g", "batch", "work"),
    "funding": ("g", "batch", "year", "source"),
}
#: Value columns of each facts table.
FACT_VALUES: dict[str, tuple[str, ...]] = {
    "compounds": ("n", "households"), "elevators": ("n",), "works": ("compounds", "done", "quantity_done"),
    "funding": ("amount",),
}


class UnknownPlace(ValueError):
    """An area, subdistrict or place that is not the programme's; the message lists valid ones."""


def _check(name: str | None, valid: tuple[str, ...] | list[str], what: str) -> None:
    if name is not None and name not in valid:
        shown = [*valid[:20], *(["…"] if len(valid) > 20 else [])]
        raise UnknownPlace(bilingual("error.unknown_place", what=both(f"place.{what}"), name=name, valid=choices(shown)))


def check_place(programme: Programme, place: str | None) -> None:
    """UnknownPlace unless ``place`` is None or a scope of ``programme`` (its place or one below it)."""
    if place is not None and not programme.is_scope(place):
        valid = [programme.place, *(p.code for p in programme.scope_children(programme.place))]
        _check(place, valid, "code")


def check_scope(programme: Programme, *, area: str | None = None, subdistrict: str | None = None,
                place: str | None = None) -> None:
    """UnknownPlace unless the area, subdistrict and place (each optional) are the programme's."""
    _check(area, programme.area_names, "area")
    _check(subdistrict, programme.subdistrict_names, "subdistrict")
    check_place(programme, place)


def outline_of(district: pd.DataFrame, programme: Programme, place: str) -> pd.DataFrame:
    """The district layer's outlines of the scope: rows of ``place``, its ancestors or its descendants."""
    if "adcode" not in district.columns:
        return district
    codes = {p.code for p in programme.lineage(place)}
    frontier = [place]
    while frontier:
        kids = [c.code for code in frontier for c in programme.children(code)]
        codes.update(kids)
        frontier = kids
    keep = district["adcode"].astype(str).isin(codes)
    below = district["adcode"].astype(str).isin(codes - {p.code for p in programme.lineage(place)[:-1]})
    return district[below] if below.any() else district[keep] if keep.any() else district


def filter_dataset(ds: Dataset, *, area: str | None = None, subdistrict: str | None = None,
                   place: str | None = None) -> Dataset:
    """The data set restricted to a place (code), one area and/or subdistrict: compounds and what hangs on them.

    Greenways and sites are kept where they intersect the area polygon / lie in the subdistrict
    (or a subdistrict under the place). With ``place`` (other than the programme's own), the
    subdistrict, area and outline layers keep only the place's. None everywhere: ``ds`` itself.
    """
    check_scope(ds.programme, area=area, subdistrict=subdistrict, place=place)
    if place == ds.programme.place:
        place = None
    if area is None and subdistrict is None and place is None:
        return ds
    c, greenways, sites, layers = ds.compounds, ds.greenways, ds.sites, {}
    if place is not None:
        names = set(ds.programme.subdistricts_under(place))
        c = c[c["subdistrict"].isin(names)]
        greenways, sites = greenways[greenways["subdistrict"].isin(names)], sites[sites["subdistrict"].isin(names)]
        layers = {"subdistricts": ds.subdistricts[ds.subdistricts["name"].isin(names)],
                  "areas": ds.areas[ds.areas["subdistrict"].isin(names)], "district": outline_of(ds.district, ds.programme, place)}
    if area is not None:
        c = c[c["area"] == area]
        poly = ds.areas.loc[ds.areas["name"] == area].geometry.union_all()  # empty when not drawn
        greenways, sites = greenways[greenways.intersects(poly)], sites[sites.within(poly)]
    if subdistrict is not None:
        c = c[c["subdistrict"] == subdistrict]
        greenways, sites = greenways[greenways["subdistrict"] == subdistrict], sites[sites["subdistrict"] == subdistrict]
    ids = set(c["compound_id"])
    return ds.with_layers(
        compounds=c, greenways=greenways, sites=sites,
        works=ds.works[ds.works["compound_id"].isin(ids)],
        elevators=ds.elevators[ds.elevators["compound_id"].isin(ids)],
        funding=ds.funding[ds.funding["compound_id"].isin(ids)],
        footprints=ds.footprints[ds.footprints["compound_id"].isin(ids)],
        **layers,
        **{name: getattr(ds, name)[getattr(ds, name)["compound_id"].isin(ids)] for name in CONSTRUCTION_LAYERS},
    )


# --- facts ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """Aggregates of a set of compounds on one as-of date: what every figure is read from.

    One frame per kind, keyed by ``FACT_KEYS`` with ``FACT_VALUES``; ``g`` is the group
    (see ``By``), None for rows that belong to no compound of the set (works, elevators
    or money of no compound: counted only when the set is the whole data set); ``batch``
    and ``decision`` are '' when empty. Compounds: derived status, ``late`` = behind plan,
    n and households; elevators: stage and ``in_year`` = completed in D's year; works:
    compounds having the work, those where it is done and the quantity done; funding:
    the money counted by D (万元). Greenways and sites are the rows of the set's places.
    """

    as_of: AsOf
    compounds: pd.DataFrame
    elevators: pd.DataFrame
    works: pd.DataFrame
    funding: pd.DataFrame
    greenways: pd.DataFrame
    sites: pd.DataFrame


def _text_key(values: pd.Series) -> np.ndarray:
    return np.array(["" if v is None or v != v else str(v) for v in values.tolist()], dtype=object)


def _groups(compounds: pd.DataFrame, by: By) -> np.ndarray:
    """The group of each compound for ``by`` (None where the mapping has no key)."""
    if by is None:
        return np.full(len(compounds), "", dtype=object)
    if isinstance(by, str):
        if by != "area":
            raise ValueError(f"unknown grouping {by!r}: 'area' or a mapping of subdistricts")
        return np.array([schema.NO_AREA if a is None or a != a or a == "" else a
                         for a in compounds["area"].tolist()], dtype=object)
    mapping = dict(by)
    return np.array([mapping.get(s) for s in compounds["subdistrict"].tolist()], dtype=object)


def _aggregate(frame: pd.DataFrame, kind: str, *, distinct: Mapping[str, str] = {}) -> pd.DataFrame:
    """Sum the value columns of ``frame`` by the kind's keys (``distinct``: value column -> the id
    column whose distinct non-empty values it counts instead). Empty keys (None) form groups too."""
    keys, values = list(FACT_KEYS[kind]), list(FACT_VALUES[kind])
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in keys else "int64") for c in (*keys, *values)})
    codes, uniques = zip(*(pd.factorize(frame[k].to_numpy(), use_na_sentinel=False) for k in keys))
    dims = tuple(max(len(u), 1) for u in uniques)
    groups, inverse = np.unique(np.ravel_multi_index(codes, dims), return_inverse=True)
    out = {k: u[c] for k, u, c in zip(keys, uniques, np.unravel_index(groups, dims))}
    for column in values:
        if column in distinct:
            ids = frame[distinct[column]]
            known = ids.notna().to_numpy()
            codes_of_ids, distinct_ids = pd.factorize(ids[known].to_numpy())
            pairs = np.unique(inverse[known].astype("int64") * max(len(distinct_ids), 1) + codes_of_ids)
            out[column] = np.bincount(pairs // max(len(distinct_ids), 1), minlength=len(groups)).astype("int64")
        else:
            sums = np.bincount(inverse, weights=frame[column].to_numpy(dtype=float), minlength=len(groups))
            integer = frame[column].dtype.kind in "iub"
            out[column] = np.rint(sums).astype("int64") if integer else sums
    result = pd.DataFrame(out)
    result["g"] = result["g"].astype(object).where(result["g"].notna(), None)
    return result


def compound_facts(compounds: pd.DataFrame, as_of: AsOfLike = None, *, by: By = None) -> pd.DataFrame:
    """The compounds facts of a compound layer on ``as_of`` (see :class:`Facts`)."""
    frame = pd.DataFrame({
        "g": _groups(compounds, by), "batch": _text_key(compounds["batch"]),
        "status": derive_status(compounds, as_of).to_numpy(), "decision": _text_key(compounds["decision"]),
        "is_old": compounds["is_old"].astype(bool).to_numpy(), "late": (days_late(compounds, as_of) > 0).to_numpy(),
        "n": 1, "households": compounds["households"].astype("int64").to_numpy(),
    })
    return _aggregate(frame, "compounds")


def _keys_of(ds: Dataset, rows: pd.DataFrame, by: By) -> pd.DataFrame:
    """``rows`` (works, elevators or funding) with the g and batch of their compound (None/'' for none)."""
    c = ds.compounds
    ids = c["compound_id"].to_numpy()
    at = pd.Index(ids).get_indexer(rows["compound_id"].to_numpy())
    groups, batches = _groups(c, by), _text_key(c["batch"])
    found = at >= 0
    safe = np.where(found, at, 0)
    none = np.full(len(at), None, dtype=object)
    g = np.where(found, groups[safe], none) if len(ids) else none
    batch = np.where(found, batches[safe], "") if len(ids) else np.full(len(at), "", dtype=object)
    return rows.assign(g=g, batch=batch)


def facts_from_dataset(ds: Dataset, as_of: AsOfLike = None, *, by: By = None) -> Facts:
    """The facts of every compound of ``ds`` on ``as_of`` (filter the data set first: :func:`filter_dataset`)."""
    day = AsOf.of(as_of)
    el = _keys_of(ds, ds.elevators[["compound_id"]], by).assign(
        stage=asof.elevator_stage(ds.elevators, day).to_numpy(),
        in_year=asof.elevators_completed_in_year(ds.elevators, day).to_numpy(), n=1)
    done = asof.works_done(ds.works, day)
    works = _keys_of(ds, ds.works[["compound_id", "work"]], by).assign(
        done_id=ds.works["compound_id"].where(done), quantity_done=ds.works["quantity"].where(done, 0),
        compounds=0, done=0)
    counted = ds.funding[asof.funding_to_date(ds.funding, day)]
    money = _keys_of(ds, counted[["compound_id", "source"]], by).assign(
        year=pd.to_numeric(counted["year"]).astype("int64"), amount=counted["amount_wan_yuan"])
    return Facts(
        as_of=day,
        compounds=compound_facts(ds.compounds, day, by=by),
        elevators=_aggregate(el, "elevators"),
        works=_aggregate(works, "works", distinct={"compounds": "compound_id", "done": "done_id"}),
        funding=_aggregate(money, "funding"),
        greenways=ds.greenways, sites=ds.sites,
    )


# --- figures read off the facts ---------------------------------------------------------------------
def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A facts frame as records (facts of one scope are a few hundred rows: summed in plain Python)."""
    return frame.to_dict(orient="records")


def _total(rows: list[dict[str, Any]], column: str, **match: Any) -> int:
    """Sum of ``column`` over the rows whose keys equal ``match`` (a value may be a set of allowed values)."""
    def ok(row: dict[str, Any]) -> bool:
        return all(row[k] in v if isinstance(v, (set, frozenset)) else row[k] == v for k, v in match.items())
    return int(sum(row[column] for row in rows if ok(row)))


def counts_from_facts(facts: pd.DataFrame) -> dict[str, int]:
    """Compound counts (surveyed, old, eligible, no_need, redeveloped, not_old and by status) of compound facts."""
    rows = _rows(facts)
    out = {"surveyed": _total(rows, "n"), "old": _total(rows, "n", is_old=True),
           "eligible": _total(rows, "n", decision=schema.DECISION_ELIGIBLE)}
    for key, status in (("no_need", schema.STATUS_NO_NEED), ("redeveloped", schema.STATUS_REDEVELOPED),
                        ("not_old", schema.STATUS_NOT_OLD), ("completed", schema.STATUS_COMPLETED),
                        ("under_construction", schema.STATUS_UNDER_CONSTRUCTION), ("planned", schema.STATUS_PLANNED)):
        out[key] = _total(rows, "n", status=status)
    return out


def compound_counts(compounds: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Counts: surveyed, old, eligible, no_need, redeveloped, not_old, and by derived status."""
    return counts_from_facts(compound_facts(compounds, as_of))


def _batch_counts(facts: pd.DataFrame) -> dict[str, int]:
    rows = _rows(facts)
    return {b: _total(rows, "n", batch=b) for b in schema.BATCHES}


def batch_counts(compounds: pd.DataFrame) -> dict[str, int]:
    """Compounds per programme batch ('2015-2020', '2021' ... '2025')."""
    counts = compounds["batch"].value_counts()
    return {b: int(counts.get(b, 0)) for b in schema.BATCHES}


def _household_counts(facts: pd.DataFrame) -> dict[str, int]:
    rows, fyp14, done = _rows(facts), set(schema.FYP14_BATCHES), schema.STATUS_COMPLETED
    return {
        "surveyed": _total(rows, "households"),
        "eligible": _total(rows, "households", decision=schema.DECISION_ELIGIBLE),
        "fyp13": _total(rows, "households", batch=schema.BATCH_FYP13),
        "fyp14": _total(rows, "households", batch=fyp14),
        "benefited": _total(rows, "households", status=done),
        "fyp14_benefited": _total(rows, "households", batch=fyp14, status=done),
    }


def household_counts(compounds: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Households: in eligible compounds, per plan period, and benefited (completed by as_of)."""
    return _household_counts(compound_facts(compounds, as_of))


def _elevator_counts(facts: pd.DataFrame) -> dict[str, int]:
    rows = _rows(facts)
    done, building = _total(rows, "n", stage="completed"), _total(rows, "n", stage="under_construction")
    return {"total": done + building, "completed": done, "under_construction": building,
            "planned": _total(rows, "n", stage="planned"), "completed_in_year": _total(rows, "n", in_year=True)}


def elevator_counts(elevators: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Elevators added: total (= completed + under construction), planned, completed in the as-of year."""
    frame = pd.DataFrame({"g": "", "batch": "", "stage": asof.elevator_stage(elevators, as_of),
                          "in_year": asof.elevators_completed_in_year(elevators, as_of), "n": 1}, index=elevators.index)
    return _elevator_counts(_aggregate(frame, "elevators"))


def _work_counts(facts: pd.DataFrame) -> dict[str, dict[str, int]]:
    rows = _rows(facts)
    return {key: {c: _total(rows, c, work=key) for c in ("compounds", "done", "quantity_done")}
            for key in schema.WORK_KEYS}


def work_counts(works: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, dict[str, int]]:
    """Per work type: compounds planned to get it, compounds where it is done, and quantity done."""
    done = asof.works_done(works, as_of)
    frame = works.assign(g="", batch="", done_id=works["compound_id"].where(done),
                         quantity_done=works["quantity"].where(done, 0), compounds=0, done=0)
    return _work_counts(_aggregate(frame, "works", distinct={"compounds": "compound_id", "done": "done_id"}))


def greenway_stats(greenways: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, float | int]:
    """Greenways completed by as_of: Tianfu km and community count, in total and in the as-of year."""
    done = greenways[asof.greenways_completed(greenways, as_of)]
    in_year = asof.greenways_completed_in_year(done, as_of)
    tianfu, community = done["level"] == "tianfu", done["level"] == "community"
    return {"tianfu_km": round(float(done.loc[tianfu, "length_km"].sum()), 2),
            "community_count": int(community.sum()),
            "community_km": round(float(done.loc[community, "length_km"].sum()), 2),
            "tianfu_km_in_year": round(float(done.loc[tianfu & in_year, "length_km"].sum()), 2),
            "community_count_in_year": int((community & in_year).sum())}


def site_counts(sites: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Back lanes, feature streets, 金角银边 sites and fitness spaces completed by as_of."""
    done = sites[asof.sites_completed(sites, as_of)]
    counts = done["kind"].value_counts()
    return {k: int(counts.get(k, 0)) for k in schema.SITE_KINDS}


def _money(x: float) -> float:
    return round(float(x), 2)


def _funding_summary(facts: pd.DataFrame) -> dict[str, Any]:
    by_source: dict[str, float] = {}
    by_year: dict[tuple[int, str], float] = {}
    for row in _rows(facts):
        year, source = int(row["year"]), str(row["source"])
        by_source[source] = by_source.get(source, 0.0) + row["amount"]
        by_year[(year, source)] = by_year.get((year, source), 0.0) + row["amount"]
    groups: dict[str, float] = {}
    for source, amount in by_source.items():
        groups[schema.SOURCE_GROUP[source]] = groups.get(schema.SOURCE_GROUP[source], 0.0) + amount
    years = sorted({y for y, _ in by_year})
    return {
        "total": _money(sum(by_source.values())),
        "by_source": {k: _money(by_source.get(k, 0.0)) for k in schema.FUNDING_KEYS},
        "by_group": {g: _money(groups.get(g, 0.0)) for g in schema.FUNDING_GROUPS},
        "by_year": {str(y): {k: _money(by_year[(y, k)]) for k in schema.FUNDING_KEYS if (y, k) in by_year}
                    for y in years},
    }


def funding_summary(funding: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, Any]:
    """Funding (万元) counted by as_of (``asof.funding_to_date``): by source, by group, by year, and total."""
    f = funding[asof.funding_to_date(funding, as_of)]
    frame = f.assign(g="", batch="", year=pd.to_numeric(f["year"]).astype("int64"), amount=f["amount_wan_yuan"])
    return _funding_summary(_aggregate(frame, "funding"))


def _year_table(facts: pd.DataFrame, targets: Mapping[str, int] | None) -> pd.DataFrame:
    records, rows = _rows(facts), []
    for batch in schema.FYP14_BATCHES:
        n = _total(records, "n", batch=batch)
        target = n if targets is None else int(targets.get(batch, 0))
        done = _total(records, "n", batch=batch, status=schema.STATUS_COMPLETED)
        rows.append({"batch": batch, "target": target, "compounds": n, "completed": done,
                     "under_construction": _total(records, "n", batch=batch, status=schema.STATUS_UNDER_CONSTRUCTION),
                     "planned": _total(records, "n", batch=batch, status=schema.STATUS_PLANNED),
                     "pct_completed": round(100.0 * done / target, 1) if target else None})
    return pd.DataFrame(rows)


def funding_years(summary: Mapping[str, Any], as_of: AsOfLike = None) -> list[int]:
    """The years a funding panel can show for ``summary`` (:func:`funding_summary` as of
    ``as_of``): from the first year with money to the as-of year, newest first (nothing later)."""
    last = AsOf.of(as_of).year
    first = min([last, *(int(y) for y in summary["by_year"])])
    return list(range(last, first - 1, -1))


def funding_of_year(summary: Mapping[str, Any], year: int) -> dict[str, Any]:
    """The money of one ``year`` out of a :func:`funding_summary` (万元): total, by source, by group.

    ``summary`` is already as of its date, so a year after it holds nothing (all zeros).
    """
    row = summary["by_year"].get(str(int(year)), {})
    by_source = {k: _money(row.get(k, 0.0)) for k in schema.FUNDING_KEYS}
    by_group = {g: _money(sum(v for k, v in by_source.items() if schema.SOURCE_GROUP[k] == g))
                for g in schema.FUNDING_GROUPS}
    return {"year": int(year), "total": _money(sum(by_source.values())), "by_source": by_source, "by_group": by_group}


def progress_by_year(compounds: pd.DataFrame, as_of: AsOfLike = None, *,
                     targets: Mapping[str, int] | None = None) -> pd.DataFrame:
    """One row per 14th-FYP batch: target, compounds, completed, building, planned, % of target done.

    ``targets``: batch -> target, e.g. the programme's ``Programme.batch_targets()`` (0 where
    none is set); for a part of the district (an area, a subdistrict) leave it None and the
    batch's own size is the target.
    """
    return _year_table(compound_facts(compounds, as_of), targets)


def year_progress_from_facts(facts: Facts, targets: Mapping[str, int] | None = None) -> pd.DataFrame:
    """:func:`progress_by_year` read off facts."""
    return _year_table(facts.compounds, targets)


def group_progress(facts: Facts, order: Sequence[str]) -> pd.DataFrame:
    """Per-group progress of 14th-FYP compounds, one row per group key in ``order`` (facts grouped ``by`` them).

    name, compounds, households, completed, under construction, planned, % completed, elevators
    added, EV chargers installed and funding (万元) counted by the facts' date.
    """
    fyp14, sums = set(schema.FYP14_BATCHES), {g: dict.fromkeys(_GROUP_SUMS, 0) for g in order}

    def add(g: Any, column: str, value: Any) -> None:
        if g in sums:
            sums[g][column] += value

    for row in _rows(facts.compounds):
        if row["batch"] in fyp14:
            add(row["g"], "compounds", row["n"])
            add(row["g"], "households", row["households"])
            if row["status"] in _GROUP_STATUSES:
                add(row["g"], row["status"], row["n"])
    for row in _rows(facts.elevators):
        if row["batch"] in fyp14 and row["stage"] != "planned":
            add(row["g"], "elevators", row["n"])
    for row in _rows(facts.works):
        if row["batch"] in fyp14 and row["work"] == asof.EV_CHARGERS:
            add(row["g"], "ev_chargers", row["quantity_done"])
    for row in _rows(facts.funding):
        if row["batch"] in fyp14:
            add(row["g"], "funding", row["amount"])
    rows = []
    for g in order:
        v = sums[g]
        rows.append({"name": g, "compounds": int(v["compounds"]), "households": int(v["households"]),
                     "completed": int(v["completed"]), "under_construction": int(v["under_construction"]),
                     "planned": int(v["planned"]),
                     "pct_completed": round(100.0 * v["completed"] / v["compounds"], 1) if v["compounds"] else 0.0,
                     "elevators": int(v["elevators"]), "ev_chargers": int(v["ev_chargers"]),
                     "funding_wan_yuan": _money(v["funding"])})
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


#: Columns of :func:`group_progress`.
GROUP_COLUMNS: tuple[str, ...] = ("name", "compounds", "households", "completed", "under_construction", "planned",
                                  "pct_completed", "elevators", "ev_chargers", "funding_wan_yuan")
_GROUP_STATUSES = (schema.STATUS_COMPLETED, schema.STATUS_UNDER_CONSTRUCTION, schema.STATUS_PLANNED)
_GROUP_SUMS = ("compounds", "households", *_GROUP_STATUSES, "elevators", "ev_chargers", "funding")


def status_by_group(facts: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per group key in ``order``, from compound facts: compounds by status, the 14th-FYP
    compounds and their % completed (the roll-up map's units)."""
    counts = facts.pivot_table(index="g", columns="status", values="n", aggfunc="sum", fill_value=0)
    fyp14 = facts[facts["batch"].isin(schema.FYP14_BATCHES)]
    n14 = fyp14.groupby("g")["n"].sum()
    done14 = fyp14[fyp14["status"] == schema.STATUS_COMPLETED].groupby("g")["n"].sum()
    rows = []
    for g in order:
        by_status = {s: int(counts.at[g, s]) if g in counts.index and s in counts.columns else 0
                     for s in schema.STATUSES}
        n, done = int(n14.get(g, 0)), int(done14.get(g, 0))
        rows.append({"name": g, "compounds": sum(by_status.values()), **by_status, "fyp14": n,
                     "fyp14_completed": done, "pct_completed": round(100.0 * done / n, 1) if n else None})
    return pd.DataFrame(rows, columns=["name", "compounds", *schema.STATUSES, "fyp14", "fyp14_completed",
                                       "pct_completed"])


def _group_table(ds: Dataset, by: By, order: list[str], as_of: AsOfLike) -> pd.DataFrame:
    """:func:`group_progress` of the data set's 14th-FYP compounds (the others do not count in it)."""
    c = ds.compounds[ds.compounds["batch"].isin(schema.FYP14_BATCHES)]
    ids = set(c["compound_id"])
    fyp14 = ds.with_layers(compounds=c, **{name: getattr(ds, name)[getattr(ds, name)["compound_id"].isin(ids)]
                                           for name in ("works", "elevators", "funding")})
    return group_progress(facts_from_dataset(fyp14, as_of, by=by), order)


def progress_by_area(ds: Dataset, as_of: AsOfLike = None, *, place: str | None = None) -> pd.DataFrame:
    """14th-FYP progress per renovation area of the programme (those under ``place``, default all),
    plus '其他' for compounds outside every area."""
    areas = ds.programme.areas_under(place or ds.programme.place)
    return _group_table(ds, "area", [*(a.name for a in areas), schema.NO_AREA], as_of)


def area_completion(progress: pd.DataFrame, programme: Programme) -> dict[str, float]:
    """Area name -> % of its 14th-FYP compounds completed, from a :func:`progress_by_area` frame
    (the programme's areas only: '其他' is left out)."""
    areas = set(programme.area_names)
    return {name: float(pct) for name, pct in zip(progress["name"], progress["pct_completed"]) if name in areas}


def behind_plan(compounds: pd.DataFrame, as_of: AsOfLike = None) -> pd.DataFrame:
    """Compounds behind plan on as_of, most late first: id, name, subdistrict, area, batch, status, days late."""
    late = days_late(compounds, as_of)
    out = compounds.loc[late > 0, ["compound_id", "name", "subdistrict", "area", "batch",
                                   "plan_start", "plan_finish", "actual_start"]].copy()
    out["status"] = derive_status(compounds, as_of)[late > 0]
    out["days_late"] = late[late > 0]
    return pd.DataFrame(out.sort_values(["days_late", "compound_id"], ascending=[False, True]).reset_index(drop=True))


def behind_plan_by_area(compounds: pd.DataFrame, as_of: AsOfLike = None, *, programme: Programme) -> pd.DataFrame:
    """Areas of ``programme`` with compounds behind plan on as_of, most late first: area, its
    subdistrict, late compounds, longest and total delay (days). Compounds outside every area are left out."""
    late = behind_plan(compounds, as_of)
    late = late[late["area"].isin(programme.area_names)]
    home = {a.name: a.subdistrict for a in programme.areas}
    out = (late.groupby("area")["days_late"].agg(late="size", max_days_late="max", total_days_late="sum")
           .reset_index())
    out.insert(1, "subdistrict", out["area"].map(home))
    out = out.astype({"late": int, "max_days_late": int, "total_days_late": int})
    return pd.DataFrame(out.sort_values(["max_days_late", "late", "area"], ascending=[False, False, True])
                        .reset_index(drop=True))


def scope_targets(programme: Programme, place: str | None = None, *, whole: bool = True
                  ) -> tuple[int | None, dict[str, int] | None]:
    """(14th-FYP compound target, batch -> target) of a scope; (None, None) when it has none.

    The programme's place: its targets (0 where none is set). Another place: its own or
    rolled-up targets when it has any. ``whole`` False (an area or subdistrict inside the
    scope): none.
    """
    code = place or programme.place
    if not whole:
        return None, None
    if code == programme.place:
        return programme.target("compounds", schema.PERIOD_FYP14) or 0, programme.batch_targets()
    if not programme.has_targets(code):
        return None, None
    return (programme.target("compounds", schema.PERIOD_FYP14, place=code) or 0,
            programme.batch_targets(place=code))


def stats_from_facts(facts: Facts, programme: Programme, *, illustrative: bool = False, area: str | None = None,
                     subdistrict: str | None = None, place: str | None = None) -> dict[str, Any]:
    """All headline metrics as a JSON-ready dict, read off the facts of the scope (one group)."""
    day, c = facts.as_of, facts.compounds
    period_target, batch_targets = scope_targets(programme, place, whole=area is None and subdistrict is None)
    fyp14 = _year_table(c, batch_targets)
    scope = programme.get_place(place or programme.place)
    return {
        "as_of": day.isoformat(),
        "programme": programme.summary(),
        "place": None if scope is None else {"code": scope.code, "level": scope.level, "name": scope.name,
                                             "name_en": scope.en},
        "area": area, "subdistrict": subdistrict,
        "illustrative": illustrative,
        "compounds": counts_from_facts(c),
        "batches": _batch_counts(c),
        "fyp14": {"target": int(fyp14["compounds"].sum()) if period_target is None else period_target,
                  "compounds": int(fyp14["compounds"].sum()), "completed": int(fyp14["completed"].sum()),
                  "under_construction": int(fyp14["under_construction"].sum()),
                  "planned": int(fyp14["planned"].sum())},
        "year_progress": fyp14.replace({np.nan: None}).to_dict(orient="records"),
        "households": _household_counts(c),
        "elevators": _elevator_counts(facts.elevators),
        "ev_chargers": _work_counts(facts.works)["ev_chargers"]["quantity_done"],
        "works": _work_counts(facts.works),
        "greenways": greenway_stats(facts.greenways, day),
        "sites": site_counts(facts.sites, day),
        "funding_wan_yuan": _funding_summary(facts.funding),
        "behind_plan": _total(_rows(c), "n", late=True),
    }


def stats(ds: Dataset, as_of: AsOfLike = None, *, area: str | None = None,
          subdistrict: str | None = None, place: str | None = None) -> dict[str, Any]:
    """All headline metrics as a JSON-ready dict (the `python -m geo stats --json` output): the
    figures read off the facts (:func:`stats_from_facts`) and the construction blocks
    (:func:`construction_stats`, keys :data:`CONSTRUCTION_KEYS`).

    ``place``: a place code of the programme (its own place by default) to roll up;
    ``area`` / ``subdistrict``: one area or subdistrict inside it.
    """
    day = AsOf.of(as_of)
    sub = filter_dataset(ds, area=area, subdistrict=subdistrict, place=place)
    return {**stats_from_facts(facts_from_dataset(sub, day), ds.programme, illustrative=ds.illustrative,
                               area=area, subdistrict=subdistrict, place=place),
            **construction_stats(sub, day)}


def construction_stats(ds: Dataset, as_of: AsOfLike = None) -> dict[str, Any]:
    """The construction blocks of :func:`stats` for a (filtered) data set: ``sequencing`` (rule
    violations and planning warnings, geo.schedule.rules), ``issues`` (the issue log) and
    ``daily`` (day D's progress reports), all as of ``as_of``."""
    day = AsOf.of(as_of)
    return {"sequencing": schedule_metrics.sequencing_stats(check_sequence(ds, day)),
            "issues": issue_stats(ds.issue_log, day),
            "daily": schedule_metrics.daily_stats(ds, day)}
