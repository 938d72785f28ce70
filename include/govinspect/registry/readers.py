"""Reading registry exports: XLSX with title rows and merged cells, CSV in UTF-8 or GBK.

A reader only finds the header row and yields cells with their row numbers; what the
columns mean is decided by :mod:`govinspect.registry.schema`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class RegistryFileError(ValueError):
    """A file that cannot be imported at all (not a spreadsheet, no header, required columns missing)."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


@dataclass
class Sheet:
    """The cells of one sheet: ``rows[i]`` is the i-th row below the header, with its 1-based row number."""

    path: Path
    name: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[Any]]]


CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def _clean_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return "".join(text.split()).replace("：", "").replace(":", "").replace("*", "").replace("＊", "")


def _find_header(rows: list[list[Any]], known: set[str], scan: int = 15) -> int | None:
    """Index of the first row among the first ``scan`` with at least two known column names."""
    best, best_hits = None, 1
    for index, row in enumerate(rows[:scan]):
        hits = sum(1 for cell in row if _clean_header(cell) in known)
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def read_xlsx(path: Path, known_headers: set[str]) -> list[Sheet]:
    """Every sheet of a workbook that has a recognisable header row (title rows above it are skipped)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=False, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryFileError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    sheets = []
    for worksheet in workbook.worksheets:
        merged_values: dict[tuple[int, int], Any] = {}
        for merged in worksheet.merged_cells.ranges:
            top_left = worksheet.cell(merged.min_row, merged.min_col).value
            for row in range(merged.min_row, merged.max_row + 1):
                for col in range(merged.min_col, merged.max_col + 1):
                    merged_values[(row, col)] = top_left
        rows: list[list[Any]] = []
        for r_index, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            values = list(row)
            for c_index in range(len(values)):
                if (r_index, c_index + 1) in merged_values and values[c_index] is None:
                    values[c_index] = merged_values[(r_index, c_index + 1)]
            rows.append(values)
        header_index = _find_header(rows, known_headers)
        if header_index is None:
            continue
        header = [_clean_header(c) for c in rows[header_index]]
        body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1 :])]
        sheets.append(Sheet(path, worksheet.title, header_index + 1, header, body))
    workbook.close()
    return sheets


def decode_csv(path: Path, data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryFileError(path, "not UTF-8 or GB18030/GBK text")


def read_csv(path: Path, known_headers: set[str]) -> list[Sheet]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:2048]:
        raise RegistryFileError(path, "binary content in a .csv file (is it a workbook renamed to .csv?)")
    text = decode_csv(path, data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    header_index = _find_header(rows, known_headers)
    if header_index is None:
        return []
    header = [_clean_header(c) for c in rows[header_index]]
    body = [(header_index + 2 + i, [c if c != "" else None for c in row]) for i, row in enumerate(rows[header_index + 1 :])]
    return [Sheet(path, path.stem, header_index + 1, header, body)]


def read_tables(path: Path, known_headers: Iterable[str]) -> list[Sheet]:
    """Sheets of ``path`` with a header row made of names in ``known_headers``."""
    known = {_clean_header(h) for h in known_headers}
    if not path.exists():
        raise RegistryFileError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, known)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, known)
    if suffix == ".xls":
        raise RegistryFileError(path, "the old .xls format is not read; save the export as .xlsx or .csv")
    raise RegistryFileError(path, f"unsupported file type {suffix or '(none)'}; expected .xlsx or .csv")
