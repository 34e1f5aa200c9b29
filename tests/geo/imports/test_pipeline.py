"""geo.imports.pipeline: one upload pipeline for the app and the command line."""
from __future__ import annotations

import errno

import pytest

from geo.imports import pipeline
from geo.imports.issues import UnreadableFile
from geo.imports.pipeline import UploadOptions, check_path, check_upload, upload_name
from tests.data.corpus_cases import CORPUS


@pytest.mark.parametrize("given, shown", [("x.csv", "x.csv"), ("C:\\\\报送\\\\x.xlsx", "x.xlsx"), ("a/b/../x.csv", "x.csv"),
                                          ("院\u202e.csv", "院.csv"), ("a\nb.csv", "a b.csv")])
def test_upload_names_are_shown_cleaned(given, shown):
    assert upload_name(given) == shown


@pytest.mark.parametrize("given", [".", "..", "", "   ", ".csv", "no_extension", "a/.."])
def test_names_that_are_no_file_names_are_refused(given, sample):
    with pytest.raises(UnreadableFile) as refused:
        check_upload("小区名称,经度,纬度\n".encode(), given, sample)
    assert refused.value.code == "bad_name" and "Traceback" not in refused.value.bilingual()


def test_an_upload_is_checked_as_the_same_file_on_disk(sample):
    path = CORPUS / "ok" / "extras.csv"
    uploaded = check_upload(path.read_bytes(), "报送/extras.csv", sample)
    on_disk = check_path(path, sample)
    assert uploaded.raw.source == on_disk.raw.source == "extras.csv"
    assert uploaded.report.rows.equals(on_disk.report.rows) and uploaded.plan.added == on_disk.plan.added


def test_options_choose_sheet_crs_and_mapping(sample):
    checked = check_path(CORPUS / "ok" / "extras.csv", sample, UploadOptions.of(crs="wgs84", mapping={"备注": "address"}))
    assert checked.report.unknown == [] and checked.report.mapping["备注"] == "address"
    assert UploadOptions.of(mapping={"b": "x", "a": "y"}) == UploadOptions.of(mapping={"a": "y", "b": "x"})


def test_a_full_disk_while_saving_the_upload_is_a_clear_message(sample, monkeypatch):
    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.Path, "write_bytes", full)
    with pytest.raises(UnreadableFile) as refused:
        check_upload(b"x", "x.csv", sample)
    assert refused.value.code == "disk_full" and "No space left" in refused.value.message("en")
    assert "服务器空间不足" in refused.value.message("zh")


def test_a_spreadsheet_choice_is_a_sheet_and_anything_else_a_layer(sample):
    with pytest.raises(UnreadableFile) as sheet:
        check_path(CORPUS / "bad" / "sheet.xlsx", sample, UploadOptions.of(choice="不存在"))
    with pytest.raises(UnreadableFile) as layer:
        check_path(CORPUS / "bad" / "layers.gpkg", sample, UploadOptions.of(choice="compounds"))
    assert (sheet.value.code, layer.value.code) == ("unknown_sheet", "unknown_layer")
