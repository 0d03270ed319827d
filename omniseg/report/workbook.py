"""``report.xlsx``: every table of the report in a spreadsheet, one sheet each, with a contents
sheet, for the teams that pass tables around.

Made by the report run from the exported ``report.html`` itself, so the workbook holds exactly
the tables the reader sees, in the report language, each under the section it belongs to. Cells
that the report shows as numbers become numbers again, read with the report language's marks
(``1.234,5``, ``12,7 %``, ``276.116 €`` in Spanish), with a number format that shows them the
same way in the reader's spreadsheet (thousands grouped, percentages, the run's currency);
other cells stay text. Every text cell is written as text, never as a formula, so a label
starting with ``=`` or ``+`` (a CRM field, an interview line) cannot run in the spreadsheet.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel import Locale

from omniseg.atomic import atomic_write
from omniseg.report.i18n import t

__all__ = ["ReportTable", "report_tables", "workbook_bytes", "write_report_workbook"]

#: Excel's limit on a sheet name.
_SHEET_NAME_CHARS = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class ReportTable:
    """One table of the report: the section heading above it, its caption, header and rows."""

    section: str
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class _Tables(HTMLParser):
    """Collects the report's tables (``<table>`` elements) with the heading they follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[ReportTable] = []
        self._heading: str = ""
        self._in_heading = False
        self._heading_text: list[str] = []
        self._table: ReportTable | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._header_row = False
        self._in_caption = False
        self._skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("h2", "h3") and self._table is None:
            self._in_heading, self._heading_text = True, []
        elif tag == "table" and self._table is None:
            self._table = ReportTable(section=self._heading)
        elif self._table is not None:
            if tag == "tr":
                self._row, self._header_row = [], True
            elif tag in ("td", "th") and self._row is not None:
                self._cell = []
                self._header_row &= tag == "th"
            elif tag == "caption":
                self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("h2", "h3") and self._in_heading:
            self._in_heading = False
            self._heading = " ".join("".join(self._heading_text).split())
        elif self._table is not None:
            if tag in ("td", "th") and self._cell is not None and self._row is not None:
                self._row.append(" ".join("".join(self._cell).split()))
                self._cell = None
            elif tag == "tr" and self._row is not None:
                if self._header_row and not self._table.rows and not self._table.header:
                    self._table.header = self._row
                elif self._row:
                    self._table.rows.append(self._row)
                self._row = None
            elif tag == "caption":
                self._in_caption = False
            elif tag == "table":
                self.tables.append(self._table)
                self._table = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_heading:
            self._heading_text.append(data)
        elif self._table is not None and self._in_caption:
            self._table.caption += data
        elif self._cell is not None:
            self._cell.append(data)


def report_tables(html: str) -> list[ReportTable]:
    """The tables of an exported report, in order, each with the heading it is under."""
    parser = _Tables()
    parser.feed(html[html.find("<body") :] if "<body" in html else html)
    return [tbl for tbl in parser.tables if tbl.header or tbl.rows]


@functools.cache
def _marks(language: str) -> tuple[str, str, re.Pattern]:
    """The language's thousands and decimal marks and the pattern of a number written so."""
    symbols = Locale.parse(language).number_symbols["latn"]
    group, decimal = re.escape(symbols["group"]), re.escape(symbols["decimal"])
    pattern = re.compile(rf"[-−]?\d{{1,3}}(?:{group}\d{{3}})*(?:{decimal}\d+)?"
                         rf"|[-−]?\d+(?:{decimal}\d+)?")  # fmt: skip
    return symbols["group"], symbols["decimal"], pattern


def _number(text: str, language: str, currency_symbol: str) -> tuple[Any, str | None]:
    """A cell as shown -> ``(value, number format)``; text that is no number: ``(text, None)``."""
    raw = text.replace("\xa0", " ").replace("\u202f", " ").strip()
    kind = "number"
    if raw.endswith("%"):
        kind, raw = "percent", raw[:-1].strip()
    elif currency_symbol and currency_symbol in raw:
        kind, raw = "money", raw.replace(currency_symbol, "").strip()
    group, decimal, pattern = _marks(language)
    if not pattern.fullmatch(raw):
        return text, None
    digits = raw.replace("−", "-").replace(group, "").replace(decimal, ".")
    value = float(digits)
    places = len(digits.split(".")[1]) if "." in digits else 0
    decimals = "." + "0" * places if places else ""
    if kind == "percent":
        return value / 100, f"0{decimals}%"
    if kind == "money":
        return value, f'#,##0{decimals} "{currency_symbol}"'
    return (int(value) if not places else value), f"#,##0{decimals}"


def _sheet_name(i: int, title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", f"{i:02d} {title}").strip() or f"{i:02d}"
    name = base[:_SHEET_NAME_CHARS].strip()
    n = 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: _SHEET_NAME_CHARS - len(suffix)].strip() + suffix
        n += 1
    used.add(name.lower())
    return name


def _text_cell(cell: Any, text: str) -> None:
    cell.value = _CONTROL.sub("", text)
    cell.data_type = "s"  # text, never a formula, whatever its first character


def workbook_bytes(
    tables: list[ReportTable], *, language: str, currency_symbol: str, title: str
) -> bytes:
    """The ``.xlsx`` file of ``tables``: a contents sheet, then one formatted sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    book = Workbook()
    contents = book.active
    contents.title = t("report.toc", language)[:_SHEET_NAME_CHARS]
    used = {contents.title.lower()}
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF3F6")
    _text_cell(contents.cell(1, 1), title)
    contents.cell(1, 1).font = Font(bold=True, size=14)
    for j, key in enumerate(("workbook.sheet", "workbook.section", "workbook.caption"), start=1):
        _text_cell(contents.cell(3, j), t(key, language))
        contents.cell(3, j).font, contents.cell(3, j).fill = bold, fill
    for i, table in enumerate(tables, start=1):
        name = _sheet_name(i, table.caption or table.section or "", used)
        sheet = book.create_sheet(name)
        link = contents.cell(3 + i, 1)
        _text_cell(link, name)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1")  # in the book
        link.font = Font(color="1F6F8B", underline="single")
        _text_cell(contents.cell(3 + i, 2), table.section)
        _text_cell(contents.cell(3 + i, 3), table.caption)
        top = 1
        if table.section or table.caption:
            _text_cell(sheet.cell(1, 1), " · ".join(x for x in (table.section, table.caption) if x))
            sheet.cell(1, 1).font = Font(bold=True)
            top = 3
        widths: dict[int, int] = {}
        for j, text in enumerate(table.header, start=1):
            cell = sheet.cell(top, j)
            _text_cell(cell, text)
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j] = max(widths.get(j, 0), min(len(text), 30))
        for r, row in enumerate(table.rows, start=top + 1):
            for j, text in enumerate(row, start=1):
                cell = sheet.cell(r, j)
                value, fmt = _number(text, language, currency_symbol)
                if fmt is None:
                    _text_cell(cell, "" if text == "–" else text)
                else:
                    cell.value, cell.number_format = value, fmt
                widths[j] = max(widths.get(j, 0), min(len(text), 60))
        for j, width in widths.items():
            sheet.column_dimensions[sheet.cell(top, j).column_letter].width = width + 2
        sheet.freeze_panes = sheet.cell(top + 1, 1)
    contents.column_dimensions["A"].width = 34
    contents.column_dimensions["B"].width = 40
    contents.column_dimensions["C"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_report_workbook(
    run_dir: Path, *, language: str, currency_symbol: str, title: str
) -> Path | None:
    """Write ``run_dir/report.xlsx`` atomically from ``run_dir/report.html``.

    Returns
    -------
    Path or None
        The file, or None when the report has no table.
    """
    tables = report_tables((run_dir / "report.html").read_text(encoding="utf-8"))
    if not tables:
        return None
    data = workbook_bytes(tables, language=language, currency_symbol=currency_symbol, title=title)
    return atomic_write(run_dir / "report.xlsx", lambda tmp: Path(tmp).write_bytes(data))
