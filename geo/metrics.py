"""Every number shown anywhere (pages, briefing pack, command line) comes from here.

All functions are pure: they take the data set (or a layer) and an as-of date and
return new values. Money is in 万元 (10,000 yuan); lengths in km.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from geo import asof, schema
from geo.asof import AsOf, AsOfLike, days_late, derive_status, elevator_stage
from geo.dataset import Dataset
from geo.i18n import bilingual, both, choices
from geo.programme import Programme


class UnknownPlace(ValueError):
    """An area or subdistrict name that is not the programme's; the message lists valid ones."""


def _check(name: str | None, valid: tuple[str, ...] | list[str], what: str) -> None:
    if name is not None and name not in valid:
        raise UnknownPlace(bilingual("error.unknown_place", what=both(f"place.{what}"), name=name, valid=choices(valid)))


def filter_dataset(ds: Dataset, *, area: str | None = None, subdistrict: str | None = None) -> Dataset:
    """The data set restricted to one area and/or subdistrict (compounds and what hangs on them).

    Greenways and sites are kept where they intersect the area polygon / lie in the subdistrict.
    """
    _check(area, ds.programme.area_names, "area")
    _check(subdistrict, ds.programme.subdistrict_names, "subdistrict")
    if area is None and subdistrict is None:
        return ds
    c, greenways, sites = ds.compounds, ds.greenways, ds.sites
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
    )


def compound_counts(compounds: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Counts: surveyed, old, eligible, no_need, redeveloped, not_old, and by derived status."""
    status = derive_status(compounds, as_of)
    counts = status.value_counts()
    return {
        "surveyed": int(len(compounds)),
        "old": int(compounds["is_old"].astype(bool).sum()),
        "eligible": int((compounds["decision"] == schema.DECISION_ELIGIBLE).sum()),
        "no_need": int(counts.get(schema.STATUS_NO_NEED, 0)),
        "redeveloped": int(counts.get(schema.STATUS_REDEVELOPED, 0)),
        "not_old": int(counts.get(schema.STATUS_NOT_OLD, 0)),
        "completed": int(counts.get(schema.STATUS_COMPLETED, 0)),
        "under_construction": int(counts.get(schema.STATUS_UNDER_CONSTRUCTION, 0)),
        "planned": int(counts.get(schema.STATUS_PLANNED, 0)),
    }


def batch_counts(compounds: pd.DataFrame) -> dict[str, int]:
    """Compounds per programme batch ('2015-2020', '2021' ... '2025')."""
    counts = compounds["batch"].value_counts()
    return {b: int(counts.get(b, 0)) for b in schema.BATCHES}


def household_counts(compounds: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Households: in eligible compounds, per plan period, and benefited (completed by as_of)."""
    hh = compounds["households"].astype(int)
    status = derive_status(compounds, as_of)
    fyp14 = compounds["batch"].isin(schema.FYP14_BATCHES)
    return {
        "surveyed": int(hh.sum()),
        "eligible": int(hh[compounds["decision"] == schema.DECISION_ELIGIBLE].sum()),
        "fyp13": int(hh[compounds["batch"] == schema.BATCH_FYP13].sum()),
        "fyp14": int(hh[fyp14].sum()),
        "benefited": int(hh[status == schema.STATUS_COMPLETED].sum()),
        "fyp14_benefited": int(hh[fyp14 & (status == schema.STATUS_COMPLETED)].sum()),
    }


def elevator_counts(elevators: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, int]:
    """Elevators added: total (= completed + under construction), planned, completed in the as-of year."""
    stage = elevator_stage(elevators, as_of).value_counts()
    done, building = int(stage.get("completed", 0)), int(stage.get("under_construction", 0))
    in_year = asof.elevators_completed_in_year(elevators, as_of)
    return {"total": done + building, "completed": done, "under_construction": building,
            "planned": int(stage.get("planned", 0)), "completed_in_year": int(in_year.sum())}


def work_counts(works: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, dict[str, int]]:
    """Per work type: compounds planned to get it, compounds where it is done, and quantity done."""
    done = asof.works_done(works, as_of)
    out = {}
    for key in schema.WORK_KEYS:
        rows = works["work"] == key
        out[key] = {"compounds": int(works.loc[rows, "compound_id"].nunique()),
                    "done": int(works.loc[rows & done, "compound_id"].nunique()),
                    "quantity_done": int(works.loc[rows & done, "quantity"].sum())}
    return out


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


def funding_summary(funding: pd.DataFrame, as_of: AsOfLike = None) -> dict[str, Any]:
    """Funding (万元) counted by as_of (``asof.funding_to_date``): by source, by group, by year, and total."""
    f = funding[asof.funding_to_date(funding, as_of)]
    by_source = f.groupby("source")["amount_wan_yuan"].sum()
    by_year = f.groupby(["year", "source"])["amount_wan_yuan"].sum()
    groups = by_source.groupby(lambda s: schema.SOURCE_GROUP[s]).sum()
    years = sorted({int(y) for y in f["year"]})
    return {
        "total": _money(by_source.sum()),
        "by_source": {k: _money(by_source.get(k, 0.0)) for k in schema.FUNDING_KEYS},
        "by_group": {g: _money(groups.get(g, 0.0)) for g in schema.FUNDING_GROUPS},
        "by_year": {str(y): {k: _money(by_year.get((y, k), 0.0)) for k in schema.FUNDING_KEYS
                             if (y, k) in by_year.index} for y in years},
    }


def progress_by_year(compounds: pd.DataFrame, as_of: AsOfLike = None, *,
                     targets: Mapping[str, int] | None = None) -> pd.DataFrame:
    """One row per 14th-FYP batch: target, compounds, completed, building, planned, % of target done.

    ``targets``: batch -> target, e.g. the programme's ``Programme.batch_targets()`` (0 where
    none is set); for a part of the district (an area, a subdistrict) leave it None and the
    batch's own size is the target.
    """
    status = derive_status(compounds, as_of)
    rows = []
    for batch in schema.FYP14_BATCHES:
        s = status[compounds["batch"] == batch]
        target = int(len(s)) if targets is None else int(targets.get(batch, 0))
        done = int((s == schema.STATUS_COMPLETED).sum())
        rows.append({"batch": batch, "target": target, "compounds": int(len(s)), "completed": done,
                     "under_construction": int((s == schema.STATUS_UNDER_CONSTRUCTION).sum()),
                     "planned": int((s == schema.STATUS_PLANNED).sum()),
                     "pct_completed": round(100.0 * done / target, 1) if target else None})
    return pd.DataFrame(rows)


def _group_table(ds: Dataset, key: str, order: list[str], as_of: AsOfLike) -> pd.DataFrame:
    """Per-group progress of 14th-FYP compounds (grouped by compound column ``key``)."""
    c = ds.compounds[ds.compounds["batch"].isin(schema.FYP14_BATCHES)].copy()
    c["status"] = derive_status(c, as_of)
    c["_g"] = c[key].fillna(schema.NO_AREA)
    groups = c[["compound_id", "_g"]]
    el = ds.elevators[asof.elevators_added(ds.elevators, as_of)].merge(groups, on="compound_id")
    ev = ds.works[asof.chargers_installed(ds.works, as_of)].merge(groups, on="compound_id")
    money = ds.funding[asof.funding_to_date(ds.funding, as_of)].merge(groups, on="compound_id")
    rows = []
    for g in order:
        s = c[c["_g"] == g]
        done = int((s["status"] == schema.STATUS_COMPLETED).sum())
        rows.append({"name": g, "compounds": int(len(s)), "households": int(s["households"].sum()),
                     "completed": done,
                     "under_construction": int((s["status"] == schema.STATUS_UNDER_CONSTRUCTION).sum()),
                     "planned": int((s["status"] == schema.STATUS_PLANNED).sum()),
                     "pct_completed": round(100.0 * done / len(s), 1) if len(s) else 0.0,
                     "elevators": int((el["_g"] == g).sum()),
                     "ev_chargers": int(ev.loc[ev["_g"] == g, "quantity"].sum()),
                     "funding_wan_yuan": _money(money.loc[money["_g"] == g, "amount_wan_yuan"].sum())})
    return pd.DataFrame(rows)


def progress_by_area(ds: Dataset, as_of: AsOfLike = None) -> pd.DataFrame:
    """14th-FYP progress per renovation area of the programme, plus '其他' for compounds outside every area."""
    return _group_table(ds, "area", [*ds.programme.area_names, schema.NO_AREA], as_of)


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


def stats(ds: Dataset, as_of: AsOfLike = None, *, area: str | None = None,
          subdistrict: str | None = None) -> dict[str, Any]:
    """All headline metrics as a JSON-ready dict (the `python -m geo stats --json` output)."""
    day = AsOf.of(as_of)
    sub = filter_dataset(ds, area=area, subdistrict=subdistrict)
    c = sub.compounds
    whole = area is None and subdistrict is None
    fyp14 = progress_by_year(c, day, targets=ds.programme.batch_targets() if whole else None)
    period_target = ds.programme.target("compounds", schema.PERIOD_FYP14)
    return {
        "as_of": day.isoformat(),
        "programme": ds.programme.summary(),
        "area": area, "subdistrict": subdistrict,
        "illustrative": ds.illustrative,
        "compounds": compound_counts(c, day),
        "batches": batch_counts(c),
        "fyp14": {"target": (period_target or 0) if whole else int(fyp14["compounds"].sum()),
                  "compounds": int(fyp14["compounds"].sum()), "completed": int(fyp14["completed"].sum()),
                  "under_construction": int(fyp14["under_construction"].sum()),
                  "planned": int(fyp14["planned"].sum())},
        "year_progress": fyp14.replace({np.nan: None}).to_dict(orient="records"),
        "households": household_counts(c, day),
        "elevators": elevator_counts(sub.elevators, day),
        "ev_chargers": work_counts(sub.works, day)["ev_chargers"]["quantity_done"],
        "works": work_counts(sub.works, day),
        "greenways": greenway_stats(sub.greenways, day),
        "sites": site_counts(sub.sites, day),
        "funding_wan_yuan": funding_summary(sub.funding, day),
        "behind_plan": int(len(behind_plan(c, day))),
    }
