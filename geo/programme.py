"""The programme: the places a renovation programme covers, its areas and its targets, as data.

A programme is what one government runs (a district today; a city or a province the
same way): its places form a hierarchy (nation > province > city > district >
subdistrict > community, ``schema.PLACE_LEVELS``), each place with a level and a
parent; its renovation areas (片区) each lie in one subdistrict; its targets count
compounds or households per plan period or batch, at any of its places.

It is stored with the data set as four plain tables, the ``PROGRAMME_TABLES``
(documented in data/README.md), which the store reads and writes like any other
layer. :func:`programme_from_tables` checks them and builds the typed
:class:`Programme` every page, export and check uses (``Dataset.programme``);
:func:`tables_from_programme` is the way back. Compounds name their subdistrict and
area by name, so names are unique within the subdistrict and area levels; codes
link places to their parent and targets to their place. Centres are WGS-84.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo import schema
from geo.i18n import bilingual, both

#: Table name -> its columns, in order (the store keeps them as non-spatial layers).
PROGRAMME_TABLES: dict[str, tuple[str, ...]] = {
    "programme_info": ("key", "name", "name_en", "place"),
    "programme_places": ("code", "level", "parent", "name", "name_en", "is_key", "lon", "lat"),
    "programme_areas": ("name", "name_en", "subdistrict", "lon", "lat", "located"),
    "programme_targets": ("place", "measure", "period", "batch", "value"),
}
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class ProgrammeError(ValueError):
    """The programme tables are inconsistent; the message lists every problem (zh / en)."""


@dataclass(frozen=True)
class Place:
    """A place of the programme: its code, level, names, parent and approximate centre.

    ``key``: a key (重点) place of the programme (the key subdistricts); ``lon``/``lat``:
    an approximate centre in WGS-84 degrees, None when unknown.
    """

    code: str
    level: str
    name: str
    en: str = ""
    parent: str = ""
    key: bool = False
    lon: float | None = None
    lat: float | None = None

    def label(self, lang: str = "zh") -> str:
        """The name in ``lang`` (the Chinese name when there is no English one)."""
        return (self.en or self.name) if lang == "en" else self.name


@dataclass(frozen=True)
class Area:
    """A renovation area (片区): its subdistrict (by name) and an approximate centre (WGS-84).

    ``located`` False: no source locates the area; its centre is for illustration only.
    """

    name: str
    en: str
    subdistrict: str
    lon: float | None = None
    lat: float | None = None
    located: bool = True

    def label(self, lang: str = "zh") -> str:
        """The name in ``lang`` (the Chinese name when there is no English one)."""
        return (self.en or self.name) if lang == "en" else self.name


@dataclass(frozen=True)
class Target:
    """How many ``measure`` (compounds or households) ``place`` is to renovate.

    In plan ``period`` as a whole (``batch`` empty) or in one of its batches.
    """

    place: str
    measure: str
    period: str
    value: int
    batch: str = ""


@dataclass(frozen=True)
class Programme:
    """One programme: key (for file names), title, the place it covers, places, areas, targets.

    Places and areas are kept in display order (the key subdistricts first).
    """

    key: str
    name: str
    en: str
    place: str
    places: tuple[Place, ...]
    areas: tuple[Area, ...] = ()
    targets: tuple[Target, ...] = ()
    _by_code: dict[str, Place] = field(init=False, repr=False, compare=False)
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {p.code: p for p in self.places})
        object.__setattr__(self, "_index", _Index.of(self))

    # --- places -------------------------------------------------------------------------
    def title(self, lang: str = "zh") -> str:
        """The programme's title in ``lang`` (e.g. the district's renovation programme)."""
        return (self.en or self.name) if lang == "en" else self.name

    @property
    def root(self) -> Place:
        """The place the programme covers (its district)."""
        return self._by_code[self.place]

    def lineage(self, code: str) -> tuple[Place, ...]:
        """The place with ``code`` and its ancestors in the table, from the top down."""
        chain: list[Place] = []
        place = self._by_code.get(code)
        while place is not None:
            chain.insert(0, place)
            place = self._by_code.get(place.parent)
        return tuple(chain)

    def full_name(self, lang: str = "zh") -> str:
        """The covered place after its ancestors: the city then the district in Chinese, "District, City" in English."""
        return self.place_name(self.place, lang)

    def at_level(self, level: str) -> tuple[Place, ...]:
        """The places of one level, in display order."""
        return self._index.levels.get(level, ())

    @property
    def subdistricts(self) -> tuple[Place, ...]:
        """The subdistricts (街道), in display order."""
        return self.at_level("subdistrict")

    @property
    def subdistrict_names(self) -> tuple[str, ...]:
        """Subdistrict names, in display order (how compounds name their subdistrict)."""
        return self._index.subdistrict_names

    @property
    def key_subdistricts(self) -> tuple[str, ...]:
        """Names of the key (重点) subdistricts, in display order."""
        return self._index.key_subdistricts

    def subdistrict(self, name: str) -> Place | None:
        """The subdistrict called ``name``, or None."""
        return self._index.subdistrict_by_name.get(name)

    def communities(self, subdistrict: str) -> tuple[Place, ...]:
        """The known communities (社区) of one subdistrict (by name), in display order."""
        sd = self.subdistrict(subdistrict)
        return () if sd is None else tuple(p for p in self.children(sd.code) if p.level == "community")

    # --- the hierarchy below the programme's place (roll-up) --------------------------------
    def get_place(self, code: str) -> Place | None:
        """The place with ``code``, or None."""
        return self._by_code.get(code)

    def children(self, code: str) -> tuple[Place, ...]:
        """The places whose parent is ``code``, in display order."""
        return self._index.children.get(code, ())

    def is_scope(self, code: str) -> bool:
        """True for a place pages can be scoped to: the programme's place or a place below it,
        down to the subdistricts (communities are not: compounds name them only within a subdistrict)."""
        place = self._by_code.get(code)
        return (place is not None and place.level in SCOPE_LEVELS
                and any(p.code == self.place for p in self.lineage(code)))

    def scope_children(self, code: str) -> tuple[Place, ...]:
        """The children of ``code`` that are scopes themselves (no communities), in display order."""
        return tuple(p for p in self.children(code) if p.level in SCOPE_LEVELS)

    def subdistricts_under(self, code: str) -> tuple[str, ...]:
        """Names of the subdistricts at or below the place ``code``, in display order (() if unknown)."""
        return self._index.under(code)

    def unit_codes(self, code: str, level: str) -> dict[str, str]:
        """Subdistrict name -> the code of its ancestor at ``level``, for the subdistricts under ``code``.

        The units a roll-up groups by: subdistricts without a place at ``level`` above them are left out.
        """
        out = {}
        for name in self.subdistricts_under(code):
            unit = self._index.ancestor(self._index.subdistrict_by_name[name].code, level)
            if unit is not None:
                out[name] = unit
        return out

    def child_units(self, code: str) -> dict[str, str]:
        """Subdistrict name -> the code of the child of ``code`` it lies under (itself for a subdistrict child)."""
        out = {}
        for name in self.subdistricts_under(code):
            chain = self.lineage(self._index.subdistrict_by_name[name].code)
            codes = [p.code for p in chain]
            if code in codes and codes.index(code) + 1 < len(codes):
                out[name] = codes[codes.index(code) + 1]
        return out

    def areas_under(self, code: str) -> tuple[Area, ...]:
        """The renovation areas whose subdistrict lies at or below the place ``code``, in display order."""
        if code == self.place:
            return self.areas
        names = set(self.subdistricts_under(code))
        return tuple(a for a in self.areas if a.subdistrict in names)

    def levels_below(self, code: str) -> tuple[str, ...]:
        """The scope levels present below the place ``code``, from the top down (roll-up units; memoised)."""
        found = self._index.levels_below.get(code)
        if found is not None:
            return found
        place = self._by_code.get(code)
        if place is None or place.level not in SCOPE_LEVELS:
            return ()
        present = {p.level for name in self.subdistricts_under(code)
                   for p in self.lineage(self._index.subdistrict_by_name[name].code)}
        below = list(schema.PLACE_LEVELS)[list(schema.PLACE_LEVELS).index(place.level) + 1:]
        found = tuple(level for level in below if level in present and level in SCOPE_LEVELS)
        self._index.levels_below[code] = found
        return found

    def place_name(self, code: str, lang: str = "zh") -> str:
        """The place's full name: the covered place's ancestors and the place (see :meth:`full_name`)."""
        chain = self.lineage(code)
        if lang == "en":
            return ", ".join(p.label("en") for p in reversed(chain))
        return "".join(p.name for p in chain)

    # --- areas --------------------------------------------------------------------------
    @property
    def area_names(self) -> tuple[str, ...]:
        """Renovation area names, in display order."""
        return tuple(a.name for a in self.areas)

    def area(self, name: str) -> Area | None:
        """The renovation area called ``name``, or None."""
        return next((a for a in self.areas if a.name == name), None)

    def label(self, kind: str, name: str, lang: str = "zh") -> str:
        """Label of a subdistrict or area (kind ``subdistrict`` / ``area``); ``name`` if unknown."""
        found = self.subdistrict(name) if kind == "subdistrict" else self.area(name) if kind == "area" else None
        return name if found is None else found.label(lang)

    # --- targets ------------------------------------------------------------------------
    def target(self, measure: str, period: str, batch: str = "", place: str | None = None) -> int | None:
        """The target of ``place`` (default: the programme's place), or None when none is set.

        A period's target, when not set itself, is the sum of its batches' targets; a place
        with neither rolls up: the sum of its children's targets when every child below it
        that has subdistricts has one (None as soon as one has none).
        """
        return self._index.target(self.place if place is None else place, measure, period, batch)

    def has_targets(self, place: str | None = None, measure: str = "compounds",
                    period: str = schema.PERIOD_FYP14) -> bool:
        """True when ``place`` (default: the programme's place) has a target for ``period``, set or rolled up."""
        where = self.place if place is None else place
        return self.target(measure, period, place=where) is not None or any(
            self.target(measure, period, b, where) is not None for b in schema.PERIODS[period])

    def batch_targets(self, measure: str = "compounds", period: str = schema.PERIOD_FYP14,
                      place: str | None = None) -> dict[str, int]:
        """Target per batch of ``period`` at ``place`` (default: the programme's place; 0 where none is set)."""
        return {b: self.target(measure, period, b, place) or 0 for b in schema.PERIODS[period]}

    def targets_json(self) -> dict[str, dict[str, int]]:
        """The programme place's targets: measure -> period or batch key -> value."""
        out: dict[str, dict[str, int]] = {}
        for measure in schema.TARGET_MEASURES:
            for period, batches in schema.PERIODS.items():
                for scope, batch in ((period, ""), *((b, b) for b in batches)):
                    value = self.target(measure, period, batch)
                    if value is not None:
                        out.setdefault(measure, {})[scope] = value
        return out

    def summary(self) -> dict[str, object]:
        """Key, titles, place and targets as JSON-ready values (the ``stats`` output)."""
        root = self.root
        return {"key": self.key, "name": self.name, "name_en": self.en,
                "place": {"code": root.code, "level": root.level, "name": root.name, "name_en": root.en},
                "targets": self.targets_json()}


#: Levels a page can be scoped to (a place and everything below it).
SCOPE_LEVELS: tuple[str, ...] = ("nation", "province", "city", "district", "subdistrict")


@dataclass
class _Index:
    """Look-ups a programme of thousands of places answers often (built once per programme)."""

    by_code: dict[str, Place]
    levels: dict[str, tuple[Place, ...]]
    children: dict[str, tuple[Place, ...]]
    subdistrict_by_name: dict[str, Place]
    subdistrict_names: tuple[str, ...]
    key_subdistricts: tuple[str, ...]
    targets: dict[tuple[str, str, str, str], int]
    _under: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _rolled: dict[tuple[str, str, str, str], int | None] = field(default_factory=dict)
    levels_below: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Programme.levels_below, memoised
    _position: dict[str, int] | None = None
    _kids: dict[str, tuple[Place, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, p: Programme) -> _Index:
        levels: dict[str, list[Place]] = {}
        children: dict[str, list[Place]] = {}
        for place in p.places:
            levels.setdefault(place.level, []).append(place)
            if place.parent:
                children.setdefault(place.parent, []).append(place)
        subdistricts = levels.get("subdistrict", [])
        targets: dict[tuple[str, str, str, str], int] = {}
        for x in p.targets:
            targets.setdefault((x.place, x.measure, x.period, x.batch), x.value)
        return cls(by_code={x.code: x for x in p.places}, levels={k: tuple(v) for k, v in levels.items()},
                   children={k: tuple(v) for k, v in children.items()},
                   subdistrict_by_name={x.name: x for x in reversed(subdistricts)},
                   subdistrict_names=tuple(x.name for x in subdistricts),
                   key_subdistricts=tuple(x.name for x in subdistricts if x.key), targets=targets)

    def under(self, code: str) -> tuple[str, ...]:
        """Subdistrict names at or below ``code``, in display order (memoised)."""
        found = self._under.get(code)
        if found is None:
            place = self.by_code.get(code)
            if place is None:
                found = ()
            elif place.level == "subdistrict":
                found = (place.name,)
            else:
                names = {n for child in self.children.get(code, ()) for n in self.under(child.code)}
                found = self._in_order(names)
            self._under[code] = found
        return found

    def _in_order(self, names: set[str]) -> tuple[str, ...]:
        """``names`` in display order (sorted by position: a nation's places do not each scan every name)."""
        if self._position is None:
            unique = len(set(self.subdistrict_names)) == len(self.subdistrict_names)
            self._position = {n: i for i, n in enumerate(self.subdistrict_names)} if unique else {}
        if not self._position:  # a name twice: keep every place of it, as listed
            return tuple(n for n in self.subdistrict_names if n in names)
        return tuple(sorted((n for n in names if n in self._position), key=self._position.__getitem__))

    def ancestor(self, code: str, level: str) -> str | None:
        """The code of the place at ``level`` in the lineage of ``code`` (itself included), or None."""
        place = self.by_code.get(code)
        seen = 0
        while place is not None and seen < len(self.by_code):
            if place.level == level:
                return place.code
            place, seen = self.by_code.get(place.parent), seen + 1
        return None

    def target(self, place: str, measure: str, period: str, batch: str) -> int | None:
        key = (place, measure, period, batch)
        if key not in self._rolled:
            self._rolled[key] = None  # a cycle in bad tables reads as "no target" instead of recursing
            self._rolled[key] = self._target(*key)
        return self._rolled[key]

    def _target(self, place: str, measure: str, period: str, batch: str) -> int | None:
        own = self.targets.get((place, measure, period, batch))
        if own is not None:
            return own
        if not batch:
            parts = [self.targets[(place, measure, period, b)] for b in schema.PERIODS.get(period, ())
                     if (place, measure, period, b) in self.targets]
            if parts:
                return sum(parts)
        kids = self._kids.get(place)
        if kids is None:  # the children with subdistricts below them (memoised: every target asks)
            kids = self._kids[place] = tuple(c for c in self.children.get(place, ()) if self.under(c.code))
        if not kids:
            return None
        values = [self.target(c.code, measure, period, batch) for c in kids]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def slug(text: str, default: str = "") -> str:
    """``text`` as a file-name part: lower-case ASCII letters, digits and single dashes."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or default


# --- tables <-> model ---------------------------------------------------------------------------
def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _flag(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "是")


def _records(frame: pd.DataFrame, table: str) -> list[dict[str, object]]:
    missing = [c for c in PROGRAMME_TABLES[table] if c not in frame.columns]
    if missing:
        raise ProgrammeError(bilingual("programme.error.columns", table=table, columns=", ".join(missing)))
    return frame.to_dict(orient="records")


def programme_from_tables(info: pd.DataFrame, places: pd.DataFrame, areas: pd.DataFrame,
                          targets: pd.DataFrame) -> Programme:
    """The programme stored in the four ``PROGRAMME_TABLES`` (rows in display order).

    Raises ProgrammeError naming every inconsistency (unknown level or parent, a
    duplicate name, an area in an unknown subdistrict, a target for an unknown place...).
    """
    rows = _records(info, "programme_info")
    if len(rows) != 1:
        raise ProgrammeError(bilingual("programme.error.info", n=len(rows)))
    head = rows[0]
    place_list = tuple(Place(_text(r["code"]), _text(r["level"]), _text(r["name"]), _text(r["name_en"]),
                             _text(r["parent"]), _flag(r["is_key"]), _number(r["lon"]), _number(r["lat"]))
                       for r in _records(places, "programme_places"))
    area_list = tuple(Area(_text(r["name"]), _text(r["name_en"]), _text(r["subdistrict"]), _number(r["lon"]),
                           _number(r["lat"]), _flag(r["located"]))
                      for r in _records(areas, "programme_areas"))
    target_list = tuple(_target(r) for r in _records(targets, "programme_targets"))
    programme = Programme(_text(head["key"]), _text(head["name"]), _text(head["name_en"]), _text(head["place"]),
                          place_list, area_list, target_list)
    problems = check_programme(programme)
    if problems:
        raise ProgrammeError("; ".join(problems))
    return programme


def _target(row: Mapping[str, object]) -> Target:
    value = _number(row["value"])
    return Target(_text(row["place"]), _text(row["measure"]), _text(row["period"]),
                  -1 if value is None or not float(value).is_integer() else int(value), _text(row["batch"]))


def check_programme(p: Programme) -> list[str]:
    """Every inconsistency of ``p`` as a bilingual message (empty when it is sound)."""
    problems: list[str] = []
    if not _KEY_RE.match(p.key):
        problems.append(bilingual("programme.error.key", name=p.key))
    problems += _place_problems(p)
    if p.place not in {x.code for x in p.places}:
        problems.append(bilingual("programme.error.root", code=p.place))
    if not p.subdistricts:
        problems.append(bilingual("programme.error.no_subdistricts"))
    problems += _area_problems(p)
    problems += _target_problems(p)
    return problems


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _place_problems(p: Programme) -> list[str]:
    levels = list(schema.PLACE_LEVELS)
    by_code = {x.code: x for x in p.places}
    out = [bilingual("programme.error.duplicate", what=both("programme.what.code"), value=v) for v in _duplicates(x.code for x in p.places)]
    out += [bilingual("programme.error.duplicate", what=both("place.subdistrict"), value=v) for v in _duplicates(p.subdistrict_names)]
    for x in p.places:
        if not x.code or not x.name:
            out.append(bilingual("programme.error.place_blank", code=x.code, name=x.name))
        if x.level not in levels:
            out.append(bilingual("programme.error.level", code=x.code, level=x.level, valid=", ".join(levels)))
            continue
        parent = by_code.get(x.parent)
        if x.parent and (parent is None or parent.level not in levels
                         or levels.index(parent.level) >= levels.index(x.level)):
            out.append(bilingual("programme.error.parent", code=x.code, parent=x.parent))
    return out


def _area_problems(p: Programme) -> list[str]:
    out = [bilingual("programme.error.duplicate", what=both("place.area"), value=v) for v in _duplicates(p.area_names)]
    names = set(p.subdistrict_names)
    out += [bilingual("programme.error.area_subdistrict", area=a.name, subdistrict=a.subdistrict)
            for a in p.areas if a.subdistrict not in names]
    out += [bilingual("programme.error.place_blank", code="", name=a.name) for a in p.areas if not a.name]
    out += [bilingual("programme.error.area_reserved", name=a.name) for a in p.areas if a.name == schema.NO_AREA]
    return out


def _target_problems(p: Programme) -> list[str]:
    codes = {x.code for x in p.places}
    out = []
    for x in p.targets:
        ok = (x.place in codes and x.measure in schema.TARGET_MEASURES and x.period in schema.PERIODS
              and (not x.batch or x.batch in schema.PERIODS[x.period]) and x.value >= 0)
        if not ok:
            out.append(bilingual("programme.error.target", place=x.place, measure=x.measure, period=x.period,
                           batch=x.batch or "-", value=x.value))
    keys = [f"{x.place}/{x.measure}/{x.period}/{x.batch}" for x in p.targets]
    out += [bilingual("programme.error.duplicate", what=both("programme.what.target"), value=v) for v in _duplicates(keys)]
    return out


def tables_from_programme(p: Programme) -> dict[str, pd.DataFrame]:
    """The four ``PROGRAMME_TABLES`` of ``p`` (what the store writes), by table name."""
    def frame(table: str, rows: list[tuple]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=list(PROGRAMME_TABLES[table]))

    places = frame("programme_places", [(x.code, x.level, x.parent, x.name, x.en, x.key, x.lon, x.lat)
                                        for x in p.places])
    areas = frame("programme_areas", [(a.name, a.en, a.subdistrict, a.lon, a.lat, a.located) for a in p.areas])
    for table in (places, areas):
        table[["lon", "lat"]] = table[["lon", "lat"]].astype(float)
    return {
        "programme_info": frame("programme_info", [(p.key, p.name, p.en, p.place)]),
        "programme_places": places,
        "programme_areas": areas.astype({"located": bool}),
        "programme_targets": frame("programme_targets", [(x.place, x.measure, x.period, x.batch, x.value)
                                                         for x in p.targets]).astype({"value": "int64"}),
    }

