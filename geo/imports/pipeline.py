"""The upload pipeline, for the app and the command line: read -> validate -> plan.

    checked = check_upload(data, filename, loaded.dataset, UploadOptions(crs="gcj02"))  # bytes from a browser
    checked = check_path(path, loaded.dataset, UploadOptions())                          # a file on disk
    checked.report.ok, checked.plan.changes, ...

A file is read in a separate process with time and memory limits
(:func:`geo.imports.sandbox.read_isolated`); uploaded bytes are first written to a
private temporary folder under a name the pipeline chooses (the uploaded name is only
shown, cleaned: :func:`upload_name`). The table is then validated against the data set
(:func:`geo.imports.validate.validate_table`) and, when nothing blocks it, planned
(:func:`geo.imports.planning.plan_import`): what the import would change, field by field.
Nothing is written to the store here; ``geo.writes.commit_import`` does that.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from geo.dataset import Dataset
from geo.imports.issues import UnreadableFile
from geo.imports.planning import ImportPlan, plan_import
from geo.imports.readers import ACCEPTED, RawTable
from geo.imports.sandbox import read_isolated
from geo.imports.validate import Report, validate_table
from geo.imports.values import clean_text

_MAX_NAME = 120
_SPREADSHEETS = (".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class UploadOptions:
    """How to read a file: the sheet or layer (``choice``), the CSV encoding, the CRS of its
    coordinates (None: from the headers, else WGS-84) and headers mapped by hand (header -> field)."""

    choice: str | None = None
    encoding: str | None = None
    crs: str | None = None
    mapping: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, *, choice: str | None = None, encoding: str | None = None, crs: str | None = None,
           mapping: Mapping[str, str] | None = None) -> UploadOptions:
        """Options with ``mapping`` given as a dict (kept sorted, so equal options compare equal)."""
        return cls(choice or None, encoding or None, crs or None, tuple(sorted((mapping or {}).items())))


@dataclass(frozen=True)
class Checked:
    """A file read, validated and (when it has no errors) planned."""

    raw: RawTable
    report: Report
    plan: ImportPlan | None


def upload_name(filename: object) -> str:
    """The uploaded file's name as shown: its last part, without control or bidi characters.

    Raises UnreadableFile("bad_name") for a name that is no file name ('', '.', '..', no extension).
    """
    text = re.sub(r"\s+", " ", clean_text(str(filename or ""))[0])
    name = text.replace("\\", "/").rsplit("/", 1)[-1].strip()[:_MAX_NAME]
    if name in ("", ".", "..") or not Path(name).suffix or Path(name).stem in ("", "."):
        raise UnreadableFile("bad_name", text.strip()[:_MAX_NAME] or "-")
    return name


def check_table(raw: RawTable, dataset: Dataset, options: UploadOptions = UploadOptions()) -> Checked:
    """Validate a table already read and plan it when it has no errors."""
    report = validate_table(raw, dataset, crs=options.crs, mapping=dict(options.mapping))
    return Checked(raw, report, plan_import(dataset, report) if report.ok else None)


def check_path(path: str | Path, dataset: Dataset, options: UploadOptions = UploadOptions(),
               name: str | None = None) -> Checked:
    """Read the file at ``path`` in the sandbox, validate and plan it. Raises UnreadableFile.

    Raises ValueError for an unknown ``options.crs``.
    """
    name = name or Path(path).name
    sheet, layer = _choice(name, options.choice)
    raw = read_isolated(path, name=name, sheet=sheet, layer=layer, encoding=options.encoding)
    return check_table(raw, dataset, options)


def check_upload(data: bytes, filename: str, dataset: Dataset, options: UploadOptions = UploadOptions()) -> Checked:
    """:func:`check_path` for uploaded bytes named ``filename`` (see the module doc). Raises UnreadableFile."""
    name = upload_name(filename)
    with _saved(data, name) as path:
        return check_path(path, dataset, options, name=name)


def read_upload(data: bytes, filename: str, *, sheet: str | None = None) -> RawTable:
    """Uploaded bytes read in the sandbox like an import (bounded, isolated), not checked (e.g. a daily sheet)."""
    name = upload_name(filename)
    with _saved(data, name) as path:
        return read_isolated(path, name=name, sheet=sheet)


@contextmanager
def _saved(data: bytes, name: str) -> Iterator[Path]:
    """``data`` in a temporary file with ``name``'s suffix, removed afterwards; refuses a format no reader takes."""
    suffix = Path(name).suffix.lower()
    if suffix not in (*ACCEPTED, ".xls"):
        raise UnreadableFile("format", name, suffix=suffix, accepted=" ".join(ACCEPTED))
    with tempfile.TemporaryDirectory(prefix="qy-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        try:
            path.write_bytes(data)
        except OSError as exc:  # a full disk, a quota
            raise UnreadableFile("disk_full", name, reason=exc.strerror or type(exc).__name__) from None
        yield path


def _choice(name: str, choice: str | None) -> tuple[str | None, str | None]:
    """(sheet, layer): the choice is a sheet for a spreadsheet, a layer for anything else."""
    return (choice, None) if Path(name).suffix.lower() in _SPREADSHEETS else (None, choice)
