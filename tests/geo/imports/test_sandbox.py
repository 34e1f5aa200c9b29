"""geo.imports.sandbox: files are read in another process that a bad file cannot stall."""
from __future__ import annotations

import sys
import threading
import types

import openpyxl
import pytest

from geo.imports.issues import UnreadableFile
from geo.imports.readers import read_file
from geo.imports.sandbox import Budget, read_isolated
from tests.data.corpus_cases import CORPUS


@pytest.fixture(scope="module")
def slow_xlsx(tmp_path_factory):
    """A valid 20,000-row workbook: about 2 s to read here."""
    path = tmp_path_factory.mktemp("sandbox") / "big.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("小区")
    ws.append(["小区名称", "经度", "纬度", "所属街道", "户数", "楼栋数", "计划开工", "计划竣工"])
    for i in range(20_000):
        ws.append([f"院{i}", 104.05, 30.67, "少城", 100, 3, "2024-03-01", "2024-12-01"])
    wb.save(path)
    return path


@pytest.mark.parametrize("name", ["ok/title_total_hidden.xlsx", "ok/shp_gbk_no_cpg.zip", "ok/points.kml", "ok/gbk.csv"])
def test_the_table_is_the_one_read_in_process(name):
    isolated, direct = read_isolated(CORPUS / name), read_file(CORPUS / name)
    assert isolated.cells.equals(direct.cells) and isolated.kind == direct.kind
    assert [i.code for i in isolated.issues] == [i.code for i in direct.issues]
    assert (isolated.geometry is None) == (direct.geometry is None)


def test_refusals_come_back_as_the_readers_own(tmp_path):
    with pytest.raises(UnreadableFile) as refused:
        read_isolated(CORPUS / "bad" / "recursive_view.gpkg")
    assert refused.value.code == "gpkg_view" and "recursive_view.gpkg" in refused.value.message("en")


def test_a_read_that_takes_too_long_is_stopped(slow_xlsx):
    with pytest.raises(UnreadableFile) as refused:
        read_isolated(slow_xlsx, budget=Budget(seconds=1))
    assert refused.value.code == "timeout" and "1 s" in refused.value.message("en")
    assert len(read_isolated(slow_xlsx, budget=Budget(seconds=60)).cells) == 20_000  # the next read is fine


def test_a_read_over_the_memory_limit_is_stopped(tmp_path):
    path = tmp_path / "long.csv"  # 20 MB: a reader holds it in memory at once
    with path.open("w", encoding="utf-8") as handle:
        handle.write("小区名称,经度,纬度,备注\n")
        handle.writelines(f"院{i},104.05,30.67,{'x' * 1000}\n" for i in range(20_000))
    with pytest.raises(UnreadableFile) as refused:
        read_isolated(path, budget=Budget(memory_mb=16))  # the read may add 16 MB: less than the file decoded
    assert refused.value.code == "too_complex" and "16 MB" in refused.value.message("en")
    assert len(read_isolated(path).cells) == 20_000  # with the settings' budget it is read


def test_more_files_than_workers_wait_and_are_then_refused(slow_xlsx):
    first: dict = {}
    reader = threading.Thread(target=lambda: first.update(table=read_isolated(slow_xlsx, budget=Budget(workers=1))))
    reader.start()
    try:
        while not reader.is_alive():
            pass
        with pytest.raises(UnreadableFile) as refused:
            read_isolated(CORPUS / "ok" / "gbk.csv", budget=Budget(seconds=1, workers=1))
        assert refused.value.code == "busy"
    finally:
        reader.join()
    assert len(first["table"].cells) == 20_000


def test_a_reader_never_runs_the_parents_main_script(tmp_path, monkeypatch):
    """Under ``streamlit run`` ``__main__`` is the page script; a reader must not run it first."""
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('the page ran in the reader')\n", encoding="utf-8")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    source = tmp_path / "f.csv"
    source.write_text("小区名称,经度,纬度\n宽巷子新院,104.05373,30.66784\n", encoding="utf-8")
    assert read_isolated(source).cells.shape == (1, 3)
    assert not marker.exists()
    assert sys.modules["__main__"] is page
