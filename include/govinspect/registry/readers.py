"""Reading registry exports: XLSX with title rows, merged cells and several sheets; CSV in UTF-8,
UTF-8 with BOM, UTF-16 or GBK/GB18030; the HTML tables some systems save as ``.xls``.

What a file is comes from its content, not its name: reporting systems and inspectors rename
files freely. A reader only finds the header row and yields cells with their row numbers;
what the columns mean is decided by :mod:`govinspect.registry.schema`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 200 * 1024 * 1024  # far above any county or province export
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # a workbook inflating beyond this is a zip bomb, not an export
# Cells a table may span (rows × columns), and cells merged or spanned ranges may cover: a province's
# export of 6,000 accounts is about 100,000 cells. Beyond these a reader would build every cell in memory.
MAX_SHEET_CELLS = 2_000_000
MAX_MERGED_CELLS = 200_000
HEADER_SCAN_ROWS = 30
CSV_FIELD_LIMIT = 1024 * 1024


class RegistryFileError(ValueError):
    """A source that cannot be imported at all (not a spreadsheet, no header, required columns missing)."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


@dataclass
class Sheet:
    """The cells of one table: ``rows`` are the rows below the header, with their 1-based row numbers."""

    path: Path
    name: str
    header_row: int
    header: list[str]  # folded by :func:`clean_header`, for matching
    written: list[str]  # as the file writes it, for messages
    rows: list[tuple[int, list[Any]]]


@dataclass
class Workbook:
    """What a reader found in one file: its tables, the tables it passed over, and its digest."""

    path: Path
    format: str  # xlsx | csv | html
    sha256: str
    sheets: list[Sheet] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # names of sheets without a recognisable header


_BRACKETED_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_HEADER_NOISE = re.compile(r"[\s:：*＊_\-]+")


def clean_header(value: Any) -> str:
    """A header as matched: 账号名称（必填） → 账号名称, ``Site_Code`` → ``sitecode``."""
    text = "" if value is None else str(value)
    text = _BRACKETED_NOTE.sub("", text) or text
    return _HEADER_NOISE.sub("", text).lower()


def _find_header(rows: list[list[Any]], known: set[str]) -> int | None:
    """Index of the row, among the first few, with the most known column names (at least two)."""
    best, best_hits = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = len({clean_header(cell) for cell in row if cell is not None} & known)
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def _sheet(path: Path, name: str, rows: list[list[Any]], known: set[str]) -> Sheet | None:
    header_index = _find_header(rows, known)
    if header_index is None:
        return None
    raw = rows[header_index]
    body = [(header_index + 2 + i, row) for i, row in enumerate(rows[header_index + 1:])]
    return Sheet(path, name, header_index + 1, [clean_header(c) for c in raw],
                 ["" if c is None else str(c).strip() for c in raw], body)


# --- what a file is -------------------------------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!doctype\s+html|<html|<head|<meta|<table|<body|<style)", re.I)
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")


def sniff(data: bytes) -> str:
    """``xlsx``, ``zip``, ``ole2``, ``pdf``, ``image``, ``html``, ``text``, ``binary`` or ``empty``."""
    if not data.strip():
        return "empty"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(_OLE2):
        return "ole2"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            if bom == b"\xef\xbb\xbf" and _HTML_START.match(head[3:]):
                return "html"
            return "text"
    if _HTML_START.match(head):
        return "html"
    if b"\x00" in head:
        return "binary"
    return "text"


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]{1,40})"')
_SHEET_LIMITS = (16384, 1048576)  # columns, rows: a whole-column or whole-row range spans all of them


def _merged_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Cells covered by the merged ranges of one part, read as a stream: openpyxl makes an object
    for every merged cell while loading, so a range over a whole sheet must be refused before."""
    from openpyxl.utils.cell import range_boundaries

    total, tail = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 20):
            data, end = tail + chunk, 0
            for match in _MERGE_REF.finditer(data):
                end = match.end()
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii"))
                except (ValueError, TypeError, UnicodeDecodeError):
                    continue  # not a range: openpyxl refuses it while loading
                cols = abs((max_col or _SHEET_LIMITS[0]) - (min_col or 1)) + 1
                rows = abs((max_row or _SHEET_LIMITS[1]) - (min_row or 1)) + 1
                total += cols * rows
            tail = data[max(end, len(data) - 512):]
    return total


def _zip_kind(path: Path) -> str:
    """``xlsx`` for a workbook; otherwise what else the zip holds, for the message."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            merged = 0
            if "xl/workbook.xml" in names and inflated <= MAX_UNZIPPED_BYTES:
                merged = sum(_merged_cells(archive, info) for info in archive.infolist()
                             if info.filename.lower().endswith(".xml"))
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, zlib.error, RuntimeError, NotImplementedError) as exc:
        raise RegistryFileError(path, f"a damaged or incompletely downloaded workbook ({exc})") from exc
    if inflated > MAX_UNZIPPED_BYTES:
        raise RegistryFileError(path, f"the workbook would inflate to {inflated // 2**20} MB; refused")
    if merged > MAX_MERGED_CELLS:
        raise RegistryFileError(path, f"its merged cells cover {merged:,} cells; refused (an export merges a few "
                                      "title cells, not whole sheets)")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        raise RegistryFileError(path, "an OpenDocument spreadsheet (.ods); save it as .xlsx or .csv")
    if "word/document.xml" in names:
        raise RegistryFileError(path, "a Word document, not a spreadsheet")
    raise RegistryFileError(path, "a zip archive, not a workbook; unpack it and load the export inside")


# --- XLSX -----------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """Formula objects as their formula text: a formula is kept as text, never evaluated."""
    text = getattr(value, "text", None)
    if isinstance(text, str) and not isinstance(value, str):
        return text if text.startswith("=") else "=" + text
    return value


def read_xlsx(path: Path, known: set[str]) -> tuple[list[Sheet], list[str]]:
    """Every sheet with a recognisable header row (title rows above it are skipped); merged cells
    give their value to every cell they cover."""
    from openpyxl import load_workbook

    try:
        # From an open file, not a path: openpyxl refuses a path by its suffix, and a workbook
        # saved as 导出.xls or renamed .csv is still a workbook (the content decides, see sniff).
        with path.open("rb") as handle:
            workbook = load_workbook(handle, read_only=False, data_only=False)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl trips on, the file is unusable
        raise RegistryFileError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    sheets, skipped = [], []
    try:
        for worksheet in workbook.worksheets:
            if worksheet.max_row * worksheet.max_column > MAX_SHEET_CELLS:
                raise RegistryFileError(path, f"sheet {worksheet.title!r} spans {worksheet.max_row:,} rows × "
                                              f"{worksheet.max_column:,} columns; refused (a stray cell far below "
                                              "or beside the table?)")
            merged: dict[tuple[int, int], Any] = {}
            for block in worksheet.merged_cells.ranges:
                top_left = worksheet.cell(block.min_row, block.min_col).value
                for row in range(block.min_row, block.max_row + 1):
                    for col in range(block.min_col, block.max_col + 1):
                        merged[(row, col)] = top_left
            rows: list[list[Any]] = []
            for r_index, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                values = [_cell(v) for v in row]
                for c_index, value in enumerate(values):
                    if value is None and (r_index, c_index + 1) in merged:
                        values[c_index] = _cell(merged[(r_index, c_index + 1)])
                rows.append(values)
            sheet = _sheet(path, worksheet.title, rows, known)
            if sheet is None:
                skipped.append(worksheet.title)
            else:
                sheets.append(sheet)
    finally:
        workbook.close()
    return sheets, skipped


# --- CSV ------------------------------------------------------------------------------------------------


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RegistryFileError(path, f"damaged UTF-16 text ({exc.reason} at byte {exc.start})") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryFileError(path, "text in neither UTF-8 nor GBK/GB18030")


def read_csv(path: Path, data: bytes, known: set[str]) -> list[Sheet]:
    text = decode_text(path, data)
    if "\x00" in text:
        raise RegistryFileError(path, "binary content (NUL bytes) in a text file")
    candidates = [",", "\t", ";", "|"]
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters="".join(candidates)).delimiter
        candidates.remove(sniffed)
        candidates.insert(0, sniffed)
    except csv.Error:
        pass
    limit = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        for delimiter in candidates:
            try:
                rows = [[c if c.strip() else None for c in row]
                        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
            except csv.Error as exc:
                raise RegistryFileError(path, f"not readable as CSV ({exc})") from exc
            sheet = _sheet(path, path.stem, rows, known)
            if sheet is not None:
                return [sheet]
    finally:
        csv.field_size_limit(limit)
    return []


# --- HTML tables saved as .xls --------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)


def _html_text(path: Path, data: bytes) -> str:
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii").lower().replace("gb2312", "gb18030")
                               .replace("gbk", "gb18030"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(path, data)


def read_html_tables(path: Path, data: bytes, known: set[str]) -> tuple[list[Sheet], list[str]]:
    """Tables of an HTML page (``导出Excel`` of many systems writes one), with colspan and rowspan."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_html_text(path, data))
    sheets, skipped = [], []
    for number, table in enumerate(tree.css("table"), start=1):
        grid: dict[tuple[int, int], str] = {}
        spanned = 0
        rows = table.css("tr")
        for r, tr in enumerate(rows):
            c = 0
            for td in tr.css("td, th"):
                while (r, c) in grid:
                    c += 1
                value = td.text(separator=" ", strip=True)
                span_r = _span(td.attributes.get("rowspan"))
                span_c = _span(td.attributes.get("colspan"))
                spanned += span_r * span_c - 1
                if spanned > MAX_MERGED_CELLS:
                    raise RegistryFileError(path, f"table {number}: its rowspan and colspan cover more than "
                                                  f"{MAX_MERGED_CELLS:,} cells; refused")
                if len(grid) >= MAX_SHEET_CELLS:
                    raise RegistryFileError(path, f"table {number} has more than {MAX_SHEET_CELLS:,} cells; refused")
                for dr in range(span_r):
                    for dc in range(span_c):
                        grid[(r + dr, c + dc)] = value
                c += span_c
        width = max((c for _r, c in grid), default=-1) + 1
        height = max((r for r, _c in grid), default=-1) + 1
        cells = [[grid.get((r, c)) or None for c in range(width)] for r in range(height)]
        name = f"表格{number}"
        sheet = _sheet(path, name, cells, known)
        if sheet is None:
            skipped.append(name)
        else:
            sheets.append(sheet)
    return sheets, skipped


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


# --- entry point ----------------------------------------------------------------------------------------


def read_workbook(path: Path, known_headers: Iterable[str]) -> Workbook:
    """The tables of ``path`` whose header row is made of names in ``known_headers``."""
    known = {clean_header(h) for h in known_headers}
    path = Path(path)
    if not path.is_file():
        raise RegistryFileError(path, "no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RegistryFileError(path, f"{size // 2**20} MB is larger than any registry export; refused")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "empty":
        raise RegistryFileError(path, "the file is empty")
    if kind == "zip":
        _zip_kind(path)
        sheets, skipped = read_xlsx(path, known)
        return Workbook(path, "xlsx", digest, sheets, skipped)
    if kind == "ole2":
        if _ENCRYPTED_MARK in data:
            raise RegistryFileError(path, "a password-protected workbook; save a copy without the password")
        raise RegistryFileError(
            path, "an old Excel 97-2003 workbook (.xls format, whatever its name); open it in Excel or WPS "
                  "and save it as .xlsx, or export .csv")
    if kind == "pdf":
        raise RegistryFileError(path, "a PDF document, not a spreadsheet; download the export as .xlsx or .csv")
    if kind == "image":
        raise RegistryFileError(path, "an image, not a spreadsheet")
    if kind == "binary":
        raise RegistryFileError(path, "binary content that is not a workbook (.xlsx) or a CSV file")
    if kind == "html":
        sheets, skipped = read_html_tables(path, data, known)
        return Workbook(path, "html", digest, sheets, skipped)
    return Workbook(path, "csv", digest, read_csv(path, data, known))


def read_tables(path: Path, known_headers: Iterable[str]) -> list[Sheet]:
    """Sheets of ``path`` with a header row made of names in ``known_headers``."""
    return read_workbook(path, known_headers).sheets
