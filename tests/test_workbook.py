"""report.xlsx from a report's tables (omniseg.report.workbook): numbers read back in the
report language, text kept as text (never a formula), sheet names Excel accepts."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from omniseg.report.workbook import ReportTable, _number, report_tables, workbook_bytes


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1.234", "es", (1234, "#,##0")),
        ("1,234", "en", (1234, "#,##0")),
        ("1.234,50", "es", (1234.5, "#,##0.00")),
        ("0,62", "es", (0.62, "#,##0.00")),
        ("-3", "en", (-3, "#,##0")),
        ("12,7\xa0%", "es", (pytest.approx(0.127), "0.0%")),
        ("62.0%", "en", (pytest.approx(0.62), "0.0%")),
        ("276.116\xa0€", "es", (276116, '#,##0 "€"')),
        ("€1,035,130", "en", (1035130, '#,##0 "€"')),
        ("4.508 (3,1 %)", "es", ("4.508 (3,1 %)", None)),
        ("1.234", "en", (1.234, "#,##0.000")),  # a point is the English decimal mark
        ("127*", "es", ("127*", None)),
        ("S1", "es", ("S1", None)),
    ],
)
def test_cells_shown_as_numbers_become_numbers(text, language, expected):
    value, fmt = _number(text, language, "€")
    assert (value, fmt) == expected


def test_text_that_looks_like_a_formula_stays_text_and_sheet_names_are_valid():
    evil = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "a\x07b"]
    tables = [
        ReportTable(section="Customer segments: what/why?", header=["Label", "Value"],
                    rows=[[e, "1,234"] for e in evil]),
        ReportTable(section="Customer segments: what/why?", header=["A"], rows=[["x"]]),
        ReportTable(section="x" * 60, caption="", header=["A"], rows=[["y"]]),
    ]  # fmt: skip
    book = load_workbook(io.BytesIO(workbook_bytes(tables, language="en", currency_symbol="€",
                                                   title="Report")))  # fmt: skip
    names = book.sheetnames
    assert names[0] == "Contents" and len(names) == 4 and len(set(names)) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    labels = [row[0] for row in book[names[1]].iter_rows(min_row=4)]
    assert [c.value for c in labels] == [*evil[:4], "ab"]  # control characters dropped
    assert all(c.data_type == "s" for c in labels)
    assert [row[1].value for row in book[names[1]].iter_rows(min_row=4)] == [1234] * 5


def test_tables_are_read_with_the_heading_they_are_under():
    html = """<body><h2 id="a">Overview</h2><p>text</p>
    <table><thead><tr><th>K</th><th>V</th></tr></thead><tbody><tr><td>n</td><td>1</td></tr>
    </tbody></table><h3>Sub &amp; more</h3><script>var t = "<table>";</script>
    <table><caption>Cap</caption><tr><th>A</th></tr><tr><td>x <b>y</b></td></tr></table></body>"""
    got = report_tables(html)
    assert [(t.section, t.caption, t.header, t.rows) for t in got] == [
        ("Overview", "", ["K", "V"], [["n", "1"]]),
        ("Sub & more", "Cap", ["A"], [["x y"]]),
    ]
