"""Merge validated rows into the data set: what an import would change, before it is written.

``plan_import(ds, report)`` matches each row to a stored compound (by 小区编号, else by
name within the stated subdistrict, else by a district-unique name), updates only the
columns the file has, adds new compounds with fresh IDs (QY-nnnn), fills missing
subdistrict/area from the location, and applies the extra columns: elevator count (adds
planned elevators; never deletes), EV chargers (the ``ev_chargers`` work quantity) and
funding by source (万元, for ``funding_year`` or the batch year). Pure: returns a new
:class:`geo.dataset.Dataset`; the store writes it (``Store.commit``, through ``geo.writes.commit_import``).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import schema
from geo.dataset import Dataset
from geo.imports.issues import WARNING, Issue
from geo.imports.validate import Report
from geo.spatial import assign_by_location

SAME_PLACE_DEG = 5e-6  # about 0.5 m: a re-imported point this close keeps the stored one
_ID_RE = re.compile(r"^QY-(\d+)$")


@dataclass
class ImportPlan:
    """The data set after the import and what it changes."""

    dataset: Dataset
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)
    extras_changed: bool = False  # elevators, chargers or funding changed

    @property
    def changed(self) -> bool:
        """True when the import would change anything at all."""
        return bool(self.added or self.updated or self.extras_changed)


def _next_ids(existing: pd.Series, n: int) -> list[str]:
    numbers = [int(m.group(1)) for m in existing.dropna().astype(str).map(_ID_RE.match) if m]
    start = max(numbers, default=0) + 1
    return [f"QY-{i:04d}" for i in range(start, start + n)]


def _match(rows: gpd.GeoDataFrame, stored: pd.DataFrame) -> pd.Series:
    """Stored index label for each row (NaN = new compound)."""
    by_id = pd.Series(stored.index, index=stored["compound_id"].values)
    by_id = by_id[~by_id.index.duplicated()]
    key = stored["name"].astype(str) + "|" + stored["subdistrict"].astype(str)
    by_key = pd.Series(stored.index, index=key.values)
    by_key = by_key[~by_key.index.duplicated(keep=False)]
    by_name = pd.Series(stored.index, index=stored["name"].values)
    by_name = by_name[~by_name.index.duplicated(keep=False)]
    out = []
    for _, row in rows.iterrows():
        cid, name, sd = row.get("compound_id"), row.get("name"), row.get("subdistrict")
        if isinstance(cid, str) and cid in by_id.index:
            out.append(by_id[cid])
        elif not isinstance(cid, str) and isinstance(sd, str) and f"{name}|{sd}" in by_key.index:
            out.append(by_key[f"{name}|{sd}"])
        elif not isinstance(cid, str) and not isinstance(sd, str) and name in by_name.index:
            out.append(by_name[name])
        else:
            out.append(np.nan)
    return pd.Series(out, index=rows.index, dtype=object)


def _same(a: object, b: object) -> bool:
    if isinstance(a, shapely.Geometry) and isinstance(b, shapely.Geometry):
        return bool(a.distance(b) <= SAME_PLACE_DEG)
    if isinstance(a, shapely.Geometry) or isinstance(b, shapely.Geometry):
        return False
    if pd.isna(a) if not isinstance(a, (list, tuple)) else False:
        return bool(pd.isna(b)) if not isinstance(b, (list, tuple)) else False
    if isinstance(a, (float, int, np.number)) and isinstance(b, (float, int, np.number)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-6
    return a == b


def plan_import(ds: Dataset, report: Report) -> ImportPlan:
    """The data set with ``report``'s rows merged in (see the module doc). Needs ``report.ok``."""
    stored = ds.compounds
    rows = report.rows
    fields = [f for f in report.fields if f != "geometry"] + ["geometry"]
    matched = _match(rows, stored)
    new_rows = rows[matched.isna()]
    ids = _next_ids(stored["compound_id"], int(new_rows["compound_id"].isna().sum()) if "compound_id" in new_rows
                    else len(new_rows))
    plan = ImportPlan(ds)
    updated = stored.copy()
    for label, target in matched.dropna().items():
        changed = False
        for f in fields:
            new = rows.at[label, f]
            if f in ("subdistrict", "area") and new is None:
                continue
            if not _same(updated.at[target, f], new):
                updated.at[target, f] = new
                changed = True
        cid = updated.at[target, "compound_id"]
        (plan.updated.append(cid) if changed else None)
        plan.unchanged += 0 if changed else 1
    added = _new_compounds(new_rows, ids, stored, ds)
    plan.added = list(added["compound_id"])
    with warnings.catch_warnings():  # all-empty new columns: the stored dtypes are restored below
        warnings.simplefilter("ignore", FutureWarning)
        compounds = pd.concat([updated, added], ignore_index=True) if len(added) else updated
    compounds = _coerce_like(gpd.GeoDataFrame(compounds, geometry="geometry", crs=stored.crs), stored)
    row_ids = _row_ids(rows, matched, stored, added)
    works, elevators, funding = _apply_extras(ds, report, row_ids, compounds, plan)
    plan.extras_changed = not (works.equals(ds.works) and elevators.equals(ds.elevators) and funding.equals(ds.funding))
    plan.dataset = ds.with_layers(compounds=compounds, works=works, elevators=elevators, funding=funding)
    return plan


def _coerce_like(frame: gpd.GeoDataFrame, like: pd.DataFrame) -> gpd.GeoDataFrame:
    """Give columns the stored dtypes (ints stay ints when nothing is missing)."""
    out = frame.copy()
    for col, dtype in like.dtypes.items():
        if col == "geometry" or col not in out or out[col].dtype == dtype:
            continue
        if dtype.kind in "iu":
            values = pd.to_numeric(out[col], errors="coerce")
            out[col] = values.astype("int64") if values.notna().all() else values.astype("Int64")
        elif dtype.kind == "b":
            out[col] = out[col].astype(bool) if out[col].notna().all() else out[col]
        elif dtype.kind == "f":
            out[col] = pd.to_numeric(out[col], errors="coerce")
    return out


def _new_compounds(new_rows: gpd.GeoDataFrame, ids: list[str], stored: gpd.GeoDataFrame,
                   ds: Dataset) -> gpd.GeoDataFrame:
    if not len(new_rows):
        return stored.iloc[0:0].copy()
    out = gpd.GeoDataFrame(new_rows.copy(), geometry="geometry", crs=stored.crs)
    if "compound_id" not in out:
        out["compound_id"] = None
    missing = out["compound_id"].isna()
    out.loc[missing, "compound_id"] = ids[: int(missing.sum())]
    for f in stored.columns:
        if f not in out:
            out[f] = None
    out = assign_by_location(out, ds.subdistricts, name_col="name", target_col="subdistrict")
    out = assign_by_location(out, ds.areas, name_col="name", target_col="area")
    built = pd.to_numeric(out["year_built"], errors="coerce")
    out["is_old"] = out["is_old"].where(out["is_old"].notna(), built.le(schema.OLD_BUILT_BEFORE_END_OF) | built.isna())
    eligible = out["decision"].isna() & out["is_old"].astype(bool) & out["batch"].notna()
    out.loc[eligible, "decision"] = schema.DECISION_ELIGIBLE
    for f in ("plan_start", "plan_finish", "actual_start", "actual_finish"):
        out[f] = pd.to_datetime(out[f])
    return out[list(stored.columns)].reset_index(drop=True)


def _row_ids(rows: pd.DataFrame, matched: pd.Series, stored: pd.DataFrame, added: pd.DataFrame) -> pd.Series:
    """compound_id for every imported row (stored or newly assigned)."""
    out = pd.Series(index=rows.index, dtype=object)
    for label, target in matched.dropna().items():
        out[label] = stored.at[target, "compound_id"]
    new_labels = list(matched[matched.isna()].index)
    out[new_labels] = list(added["compound_id"])
    return out


def _apply_extras(ds: Dataset, report: Report, row_ids: pd.Series, compounds: pd.DataFrame,
                  plan: ImportPlan) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    extras = report.extras
    works, elevators, funding = ds.works, ds.elevators, ds.funding
    if "elevators" in extras:
        elevators = _elevators(elevators, extras["elevators"], row_ids, plan, report.source)
    if "ev_chargers" in extras:
        works = _chargers(works, extras["ev_chargers"], row_ids)
    money = [c for c in extras.columns if c.startswith("funding:")]
    if money:
        batch = compounds.set_index("compound_id")["batch"]
        funding = _funding(funding, extras, money, row_ids, batch)
    return works, elevators, funding


def _elevators(elevators: pd.DataFrame, counts: pd.Series, row_ids: pd.Series, plan: ImportPlan,
               source: str) -> pd.DataFrame:
    have = elevators["compound_id"].value_counts()
    numbers = [int(m.group(1)) for m in elevators["elevator_id"].astype(str).map(re.compile(r"^EL-(\d+)$").match) if m]
    next_no = max(numbers, default=0) + 1
    new = []
    for label, count in counts.dropna().items():
        cid, stored = row_ids[label], int(have.get(row_ids[label], 0))
        if count < stored:
            plan.issues.append(Issue("elevators_fewer", WARNING, int(label), "elevators", str(count), source,
                                     {"stored": stored}))
        for _ in range(int(count) - stored):
            new.append({"elevator_id": f"EL-{next_no:04d}", "compound_id": cid, "building": None})
            next_no += 1
    if not new:
        return elevators
    added = pd.DataFrame(new, columns=list(elevators.columns))
    for f in ("plan_start", "actual_start", "actual_finish"):
        added[f] = pd.NaT
    return _append(elevators, added)


def _append(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``rows`` below it, keeping ``frame``'s dtypes where the new rows are empty."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat([frame, rows], ignore_index=True)


def _chargers(works: pd.DataFrame, counts: pd.Series, row_ids: pd.Series) -> pd.DataFrame:
    out = works.copy()
    new = []
    for label, count in counts.dropna().items():
        cid = row_ids[label]
        mask = (out["compound_id"] == cid) & (out["work"] == "ev_chargers")
        if mask.any():
            out.loc[mask, "quantity"] = int(count)
        elif count > 0:
            new.append({"compound_id": cid, "work": "ev_chargers", "underground": False, "quantity": int(count)})
    if new:
        out = _append(out, pd.DataFrame(new, columns=list(out.columns)))
    return out


def _funding(funding: pd.DataFrame, extras: pd.DataFrame, money: list[str], row_ids: pd.Series,
             batch: pd.Series) -> pd.DataFrame:
    out = funding.copy()
    this_year = pd.Timestamp.today().year
    keyed = {(c, int(y), s): i for i, (c, y, s) in enumerate(zip(out["compound_id"], out["year"], out["source"]))}
    new = []
    for label in extras.index:
        cid = row_ids[label]
        year = extras.at[label, "funding_year"] if "funding_year" in extras else None
        if year is None or pd.isna(year):
            b = batch.get(cid)
            year = int(b) if isinstance(b, str) and b.isdigit() else this_year
        for col in money:
            amount = extras.at[label, col]
            if amount is None or pd.isna(amount):
                continue
            key = (cid, int(year), col.split(":", 1)[1])
            if key in keyed:
                out.loc[out.index[keyed[key]], "amount_wan_yuan"] = float(amount)
            else:
                new.append({"compound_id": cid, "year": int(year), "source": key[2], "amount_wan_yuan": float(amount)})
    if new:
        out = _append(out, pd.DataFrame(new, columns=list(out.columns)))
    return out
