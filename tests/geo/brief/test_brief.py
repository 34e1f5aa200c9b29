"""The briefing pack: content model, PPTX (python-pptx) and PDF (poppler) checks.

One pack per format is built once for the module (whole district, report date).
"""
import io
import json
import re
import shutil
import subprocess
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from geo import metrics
from geo.brief import model, render
from geo.brief.content import brief_from_dataset, week_changes
from geo.cli.main import main as cli_main
from geo.i18n import t
from geo.sample.programme import QINGYANG
from geo.settings import REPORT_DATE
from tests.font_support import missing_glyphs

LATE_DAY = "2026-11-24"  # the sample has compounds behind plan by then
TITLE_KEYS = ("brief.slide.summary", "brief.slide.map", "brief.slide.years", "brief.slide.areas",
              "brief.slide.funding", "brief.slide.facilities", "brief.slide.decisions")
#: Figures the issue asks the summary to show against their targets.
REQUIRED_SOURCES = {"fyp14.target", "year_progress.2021.target", "year_progress.2022.target",
                    "year_progress.2023.target", "year_progress.2024.target", "compounds.eligible",
                    "households.fyp14", "elevators.total", "greenways.tianfu_km", "funding_wan_yuan.total"}
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def pack(sample):
    """(Brief, pptx bytes, pdf bytes, matplotlib warnings) for the district on the report date."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        content = brief_from_dataset(sample, REPORT_DATE)
    return content, render.render(content, "pptx"), render.render(content, "pdf"), [str(w.message) for w in caught]


@pytest.fixture(scope="module")
def deck(pack):
    return Presentation(io.BytesIO(pack[1]))


def _cli_stats(capsys, *args):
    """The JSON of ``python -m geo stats --json`` (run in-process)."""
    capsys.readouterr()
    assert cli_main(["stats", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _lookup(stats, path):
    node = stats
    for part in path.split("."):
        node = next(r for r in node if r["batch"] == part) if isinstance(node, list) else node[part]
    return node


def _summary_numbers_match(slide, stats):
    """Every KPI card's numbers (value and detail lines) equal the stats at its sources; returns the sources."""
    seen = set()
    for shape in slide.shapes:
        if shape.name.startswith("KPI "):
            sources = shape.name[4:].split("|")
            shown = [float(n.replace(",", "")) for p in shape.text_frame.paragraphs[1:] for n in NUMBER.findall(p.text)]
            assert shown == [float(_lookup(stats, s)) for s in sources], shape.text_frame.text
            seen.update(sources)
        elif shape != slide.shapes.title and shape.name != "Footer" and shape.has_text_frame:
            assert not NUMBER.search(shape.text_frame.text), f"unchecked number in {shape.name}"
    return seen


# --- PPTX ----------------------------------------------------------------------------------
def test_deck_is_16_9_with_the_specified_slides_and_titles(deck):
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == [t("brief.title")] + [t(k) for k in TITLE_KEYS]


def test_summary_numbers_equal_python_m_geo_stats(deck, capsys):
    stats = _cli_stats(capsys, "--as-of", REPORT_DATE.isoformat())
    seen = _summary_numbers_match(deck.slides[1], stats)
    assert seen >= REQUIRED_SOURCES
    text = " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    for figure in ("104 / 619", "50 / 50", "54 / 162", "1,034", "57,800", "676"):  # the reported story
        assert figure in text, figure


def test_slides_are_real_text_and_tables_not_pictures(deck):
    kinds = [{sh.shape_type.name if sh.shape_type else "" for sh in s.shapes} for s in deck.slides]
    assert all(len(s.shapes) >= 3 for s in list(deck.slides)[1:])
    tables = [sh for s in deck.slides for sh in s.shapes if sh.has_table]
    assert len(tables) >= 4
    area_table = next(sh.table for sh in deck.slides[4].shapes if sh.has_table)
    assert [area_table.cell(r, 0).text for r in range(1, 9)] == list(QINGYANG.area_names)
    assert "PICTURE" in kinds[2] and "TABLE" in kinds[3]


def test_pptx_parts_are_well_formed_and_fonts_in_schema_order(pack):
    with zipfile.ZipFile(io.BytesIO(pack[1])) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                root = etree.fromstring(z.read(name))
                for rpr in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr"):
                    tags = [etree.QName(c).localname for c in rpr]
                    if "ea" in tags:
                        assert tags.index("latin") < tags.index("ea") and tags[-1] == "ea", (name, tags)


def test_area_pack_has_its_own_numbers_and_map(sample, pack, capsys):
    area = "清溪片区"
    content = brief_from_dataset(sample, REPORT_DATE, area=area)
    deck = Presentation(io.BytesIO(render.render(content, "pptx")))
    assert deck.slides[0].shapes.title.text == t("brief.title_area", area=area)
    stats = _cli_stats(capsys, "--as-of", REPORT_DATE.isoformat(), "--area", area)
    seen = _summary_numbers_match(deck.slides[1], stats)
    assert {"fyp14.target", "year_progress.2022.compounds", "elevators.total"} <= seen
    assert content.slides[2].pictures[0].png != pack[0].slides[2].pictures[0].png


# --- content model -----------------------------------------------------------------------------
def test_no_text_in_the_pack_would_be_tofu(pack):
    content, _, _, caught = pack
    texts = [content.footer]
    for slide in content.slides:
        texts += [slide.title, *slide.notes, *(line.text for line in slide.lines)]
        texts += [f"{k.label}{k.value}{k.ref}" for k in slide.kpis]
        texts += ["".join(c) for tb in slide.tables for c in (tb.columns, *tb.rows)]
    assert missing_glyphs("".join(texts)) == ""
    assert not [m for m in caught if "missing from" in m], caught


def _audit(rows):
    """A hand-made audit trail: (at, compound_id) rows, one field change each."""
    return pd.DataFrame([{"id": i, "at": at, "user": "editor", "version": 2, "compound_id": cid, "layer": "compounds",
                          "record": cid, "field": "actual_finish", "before": None, "after": "2026-11-20"}
                         for i, (at, cid) in enumerate(rows, start=1)])


AUDIT_ROWS = [("2026-11-17T09:00:00", "QY-0001"),  # before the week
              ("2026-11-18T09:00:00", "QY-0002"), ("2026-11-20T10:00:00", "QY-0002"),
              ("2026-11-24T18:00:00", "QY-0003"),  # the as-of day counts
              ("2026-11-25T08:00:00", "QY-0004")]  # after the as-of date


def test_week_changes_counts_the_seven_days_up_to_the_date(sample):
    since, n, changes = week_changes(_audit(AUDIT_ROWS), sample.compounds, LATE_DAY)
    assert (since.isoformat(), n, changes) == ("2026-11-18", 2, 3)
    only = sample.compounds[sample.compounds["compound_id"] == "QY-0003"]
    assert week_changes(_audit(AUDIT_ROWS), only, LATE_DAY)[1:] == (1, 1)
    empty = pd.DataFrame(columns=["id", "at", "user", "version", "compound_id", "layer", "record", "field"])
    assert week_changes(empty, sample.compounds, LATE_DAY)[1:] == (0, 0)


def test_decisions_slide_lists_late_compounds_most_late_first(sample):
    content = brief_from_dataset(sample, LATE_DAY, lang="en", audit=_audit(AUDIT_ROWS))
    slide = content.slides[-1]
    assert slide.title == t("brief.slide.decisions", "en")
    areas, compounds = slide.tables
    late = metrics.behind_plan(sample.compounds, LATE_DAY)
    days = [int(r[-1].replace(",", "")) for r in compounds.rows]
    assert days == sorted(days, reverse=True) == list(late["days_late"].head(len(days)))
    assert {r[1] for r in compounds.rows} <= {s.en for s in QINGYANG.subdistricts}
    assert [int(r[-1].replace(",", "")) for r in areas.rows] == sorted((int(r[-1].replace(",", "")) for r in areas.rows), reverse=True)
    assert str(len(late)) in slide.lines[0].text
    assert slide.lines[1].text == t("brief.changes_week", "en", since="2026-11-18", date=LATE_DAY, n=2, changes=3)


def test_decisions_slide_says_so_when_nothing_is_late(pack):
    slide = pack[0].slides[-1]
    assert not slide.tables and "2022-12-09" in slide.lines[0].text


def test_unknown_area_and_format_are_refused(sample):
    with pytest.raises(metrics.UnknownPlace, match="玉泉片区"):
        brief_from_dataset(sample, REPORT_DATE, area="不存在")
    with pytest.raises(ValueError, match="pptx, pdf"):
        render.pack_bytes(sample, REPORT_DATE, fmt="docx")


# --- PDF -----------------------------------------------------------------------------------
def _tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} missing: run scripts/setup.sh --test (poppler-utils)")
    return path


def test_pdf_pages_are_not_blank(pack, tmp_path):
    (tmp_path / "b.pdf").write_bytes(pack[2])
    subprocess.run([_tool("pdftoppm"), "-r", "24", "-png", str(tmp_path / "b.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == len(model.SLIDE_KEYS)
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"))
        assert pixels.shape == (180, 320)
        assert (pixels < 200).mean() > 0.005, page.name


def test_pdf_embeds_the_cjk_font_and_its_text_is_real_chinese(pack, tmp_path):
    (tmp_path / "b.pdf").write_bytes(pack[2])
    listing = subprocess.run([_tool("pdffonts"), str(tmp_path / "b.pdf")], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing, "no fonts"
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in listing), listing  # emb sub uni
    assert any("WenQuanYi" in line for line in listing)
    text = subprocess.run([_tool("pdftotext"), "-f", "1", "-l", "2", str(tmp_path / "b.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert t("brief.title") in text and "成都市青羊区" in text and "1,034" in text
