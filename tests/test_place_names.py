"""No place of the bundled sample programme is written in the code: places are data.

Searches geo/ and dashboard/ (minus geo/sample/, which defines the sample) for the
names of Qingyang, its city, its subdistricts and areas, in Chinese and English.
"""
from __future__ import annotations

import re

from geo.sample.programme import QINGYANG
from geo.settings import ROOT

SUFFIXES = {".py", ".js", ".css", ".md", ".toml", ".html", ".txt"}
#: File names under data/ (the bundled sample and the working copy's default name), not place names.
DATA_FILE_NAMES = ("qingyang_sample.gpkg", "qingyang.gpkg")


def _names() -> tuple[set[str], set[str]]:
    chinese = {"青羊", *(p.name for p in QINGYANG.places if p.level in ("district", "subdistrict"))}
    english = {"Qingyang", *(p.en.removesuffix(" District") for p in QINGYANG.places if p.en and p.level != "city")}
    for area in QINGYANG.areas:
        chinese |= {area.name, area.name.removesuffix("片区")}
        english.add(area.en)
    return chinese, english


def _sources():
    for folder in ("geo", "dashboard"):
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT)
            if path.suffix in SUFFIXES and path.is_file() and rel.parts[:2] != ("geo", "sample") \
                    and "static" not in rel.parts and "__pycache__" not in rel.parts:
                yield rel, path.read_text(encoding="utf-8")


def test_the_names_searched_for_are_the_sample_programmes():
    chinese, english = _names()
    assert {"青羊区", "草堂", "少城", "清溪片区", "清溪", "方池街—包家巷片区"} <= chinese
    assert {"Qingyang", "Caotang", "Fangchijie-Baojiaxiang"} <= english


def test_no_sample_place_name_in_geo_or_dashboard():
    chinese, english = _names()
    words = re.compile(r"\b(" + "|".join(map(re.escape, sorted(english, key=len, reverse=True))) + r")\b", re.I)
    found = []
    for rel, text in _sources():
        for name in DATA_FILE_NAMES:
            text = text.replace(name, "")
        for number, line in enumerate(text.splitlines(), start=1):
            hits = [n for n in chinese if n in line] + words.findall(line)
            found += [f"{rel}:{number}: {hit}" for hit in hits]
    assert not found, "place names belong in the programme data:\n" + "\n".join(found)
