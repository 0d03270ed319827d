"""Property-based tests of the loader: whatever the file holds, the only outcomes are a loaded,
typed table or a DataValidationError (any other exception is a bug).

The examples are derandomised and no example database is kept, so every run (and CI) draws the
same examples; the example counts keep the whole file well under a minute.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from omniseg.errors import DataValidationError
from omniseg.ingest.io import load_customers, load_data, load_interactions

FAST = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(FAST, max_examples=20)

ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16")
DELIMITERS = (",", ";", "\t", "|")
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S+02:00",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%m/%d/%Y",
    "%Y%m%d",
    "%d.%m.%Y",
    "%b %d %Y",
    "%d %B %Y %H:%M",
    "%Y/%m/%d",
    "%s",
)

cell_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
)  # any character, quotes, delimiters and newlines included
any_cell = st.one_of(
    cell_text,
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e400", "null", "-", "N/A", "sí", "no"]),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def outcome(load, *args, **kwargs):
    """The loaded table, or None when the loader refused the input with a DataValidationError."""
    try:
        result = load(*args, **kwargs)
    except DataValidationError as exc:
        assert exc.problems and all(p.source for p in exc.problems)
        str(exc)  # the message itself must render
        event("refused")
        return None
    event("loaded")
    return result


def csv_text(rows: list[list[str]], delimiter: str, quoted: bool) -> str:
    if not quoted:  # as a careless export writes it: ragged or split lines are possible
        return "\n".join(delimiter.join(r) for r in rows) + "\n"
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def load_file(load, name: str, data: bytes, **kwargs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return outcome(load, path, **kwargs)


def check_interactions(df: pd.DataFrame | None) -> None:
    if df is None:
        return
    assert len(df) > 0
    assert str(df["timestamp"].dtype) == "datetime64[ns]"
    assert df["timestamp"].notna().all()
    for col in ("revenue", "satisfaction"):
        if col in df:
            values = df[col].dropna().to_numpy(dtype=float)
            assert np.isfinite(values).all()
    if "revenue" in df:
        assert (df["revenue"].dropna() >= 0).all()


# ------------------------------------------------------------------ bytes and encodings


@FAST
@given(data=st.binary(max_size=400), name=st.sampled_from(["crm.csv", "crm.csv.gz", "crm.tsv"]))
def test_random_bytes(data, name):
    load_file(load_customers, name, data)


@FAST
@given(
    prefix=st.sampled_from(
        [
            b"",
            b"customer_id,age\n",
            b"timestamp;channel;event;email\n",
            b"\xef\xbb\xbf",
            b"\xff\xfe",
        ]
    ),
    data=st.binary(max_size=300),
)
def test_random_bytes_after_a_plausible_header(prefix, data):
    load_file(load_customers, "crm.csv", prefix + data)
    load_file(load_interactions, "events.csv", prefix + data)


@FAST
@given(
    header=st.lists(
        st.sampled_from(["customer_id", "email", "age", "birth_year", "signup_date", "consent_sms"])
        | cell_text,
        min_size=1,
        max_size=5,
    ),
    body=st.lists(st.lists(any_cell, min_size=0, max_size=6), max_size=6),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
    quoted=st.booleans(),
)
def test_random_text_customers(header, body, delimiter, encoding, quoted):
    text = csv_text([header, *body], delimiter, quoted)
    df = load_file(load_customers, "crm.csv", text.encode(encoding, errors="replace"))
    if df is not None:
        assert len(df) > 0 and df["customer_id"].notna().all()
        for col in ("age", "birth_year"):
            if col in df:
                assert str(df[col].dtype) == "Int64"
        if "signup_date" in df:
            assert str(df["signup_date"].dtype) == "datetime64[ns]"


@FAST
@given(
    body=st.lists(st.lists(any_cell, min_size=6, max_size=6), min_size=1, max_size=6),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
    quoted=st.booleans(),
)
def test_random_text_interactions(body, delimiter, encoding, quoted):
    header = ["timestamp", "channel", "event", "email", "revenue", "satisfaction"]
    text = csv_text([header, *body], delimiter, quoted)
    df = load_file(load_interactions, "events.csv", text.encode(encoding, errors="replace"))
    check_interactions(df)


recent = st.datetimes(min_value=datetime(1991, 1, 1), max_value=datetime(2026, 1, 1))
plausible_row = st.tuples(
    st.builds(
        lambda moment, fmt: moment.strftime(fmt),
        recent,
        st.sampled_from(["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%SZ", "%d-%m-%Y"]),
    ),
    st.sampled_from(["Web", "Tienda", "app", "E-mail", "call centre", "kiosko", " WEB "]),
    st.sampled_from(["view", "compra", "purchase", "click", "complaint", "visita"]),
    st.sampled_from(["ana@x.es", "BO@X.ES", "", "c@d.com"]),
    st.sampled_from(["", "0", "12,5", "1.234,56", "1,234.56", "€9.99", "40.5", "3e2"]),
    st.sampled_from(["", "1", "4", "4,5", "5"]),
).map(list)
mostly_plausible_row = st.one_of(
    *[plausible_row] * 8, st.lists(any_cell, min_size=6, max_size=6)
)  # about one row in nine is noise


@FAST
@given(
    body=st.lists(mostly_plausible_row, min_size=1, max_size=8),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
)
def test_mostly_plausible_interactions(body, delimiter, encoding):
    header = ["Timestamp", "Canal", "event", "EMAIL", "revenue", "satisfaction"]
    text = csv_text([header, *body], delimiter, quoted=True)
    df = load_file(
        load_interactions,
        "events.csv",
        text.encode(encoding, errors="replace"),
        columns={"canal": "channel"},
    )
    check_interactions(df)
    if df is not None:
        assert set(df["channel"]) <= {"web", "store", "app", "email", "phone", "kiosko"}


# ------------------------------------------------------------------ dates and numbers


dates = st.builds(
    lambda moment, fmt: moment.strftime(fmt) if fmt != "%s" else str(int(moment.timestamp())),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(DATE_FORMATS),
)


@st.composite
def numbers(draw) -> str:
    """A number as exports write it: decimal comma or point, grouped, signed, currency, exp."""
    value = draw(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=0, max_value=1e9),
            st.integers(0, 10**12).map(float),
        )
    )
    style = draw(st.sampled_from(["repr", "point", "comma", "grouped_point", "grouped_comma"]))
    if style == "repr" or not math.isfinite(value):
        text = repr(value) if draw(st.booleans()) else f"{value:e}"
    elif style == "point":
        text = f"{value:.2f}"
    elif style == "comma":
        text = f"{value:.2f}".replace(".", ",")
    elif style == "grouped_point":
        text = f"{value:,.2f}"
    else:
        text = f"{value:,.2f}".translate(str.maketrans(",.", ".,"))
    sign = draw(st.sampled_from(["", "", "€", "$ ", "£"]))
    return sign + text if draw(st.booleans()) else text + sign.strip()


@FAST
@given(
    rows=st.lists(st.tuples(dates, numbers(), numbers()), min_size=1, max_size=5),
    delimiter=st.sampled_from(DELIMITERS),
)
def test_random_dates_and_numbers(rows, delimiter):
    body = [[d, "web", "purchase", "C1", r, s] for d, r, s in rows]
    header = ["timestamp", "channel", "event", "customer_id", "revenue", "satisfaction"]
    text = csv_text([header, *body], delimiter, quoted=True)
    df = load_file(load_interactions, "events.csv", text.encode("utf-8"))
    check_interactions(df)


@FAST
@given(
    value=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    style=st.sampled_from(["grouped_point", "grouped_comma", "point", "comma", "currency"]),
    moment=recent,
)
def test_unambiguous_numbers_are_read_exactly(value, style, moment):
    number = float(value)
    text = {
        "grouped_point": f"{number:,.2f}",
        "grouped_comma": f"{number:,.2f}".translate(str.maketrans(",.", ".,")),
        "point": f"{number:.2f}",
        "comma": f"{number:.2f}".replace(".", ","),
        "currency": f"€{number:.2f}",
    }[style]
    if style == "grouped_point" and number < 1000:
        text = f"{number:.2f}"  # no group: a plain decimal point
    frame = pd.DataFrame(
        {
            "timestamp": [moment.isoformat()],
            "channel": ["web"],
            "event": ["purchase"],
            "customer_id": ["C1"],
            "revenue": [text],
        }
    )
    df = load_interactions(frame)
    assert df["revenue"].iloc[0] == round(number, 2)


@FAST
@given(moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_timestamps_are_loaded_only_inside_the_window(moment):
    frame = pd.DataFrame(
        {
            "timestamp": [moment.isoformat()],
            "channel": ["web"],
            "event": ["view"],
            "email": ["a@b.c"],
        }
    )
    df = outcome(load_interactions, frame)
    end = datetime.now() + timedelta(days=2)  # the window ends today, UTC
    inside = datetime(1990, 1, 1) <= moment <= end
    if df is not None:
        assert inside and df["timestamp"].iloc[0] == pd.Timestamp(moment)
    else:
        assert not (datetime(1990, 1, 1) <= moment <= datetime.now() - timedelta(days=2))


# ------------------------------------------------------------------ DataFrames of any dtype

column_values = st.one_of(
    st.lists(st.one_of(st.none(), any_cell), min_size=3, max_size=3),
    st.lists(st.one_of(st.none(), st.integers(-(10**12), 10**12)), min_size=3, max_size=3),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.lists(st.one_of(st.none(), st.datetimes()), min_size=3, max_size=3),
    st.lists(st.one_of(st.none(), recent), min_size=3, max_size=3),
    st.lists(st.one_of(st.none(), st.lists(st.integers(), max_size=2)), min_size=3, max_size=3),
    st.lists(
        st.one_of(st.none(), st.dictionaries(cell_text, st.integers(), max_size=1)),
        min_size=3,
        max_size=3,
    ),
)


@FAST
@given(
    columns=st.dictionaries(
        st.sampled_from(
            ["timestamp", "channel", "event", "customer_id", "email", "revenue", "satisfaction"]
        ),
        column_values,
        min_size=1,
    )
)
def test_dataframes_of_any_dtype(columns):
    frame = pd.DataFrame(columns)
    check_interactions(outcome(load_interactions, frame))
    outcome(load_customers, frame)


# ------------------------------------------------------------------ Excel and whole datasets

excel_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=10
)  # openpyxl refuses control characters in cells


@FEW
@given(
    cells=st.lists(
        st.tuples(excel_text, st.one_of(excel_text, numbers()), st.one_of(dates, excel_text)),
        min_size=0,
        max_size=4,
    )
)
def test_random_excel_customers(cells):
    frame = pd.DataFrame(cells, columns=["customer_id", "age", "signup_date"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crm.xlsx"
        frame.to_excel(path, index=False)
        outcome(load_customers, path)


@FAST
@given(
    customers=st.lists(st.tuples(any_cell, any_cell, any_cell), min_size=0, max_size=4),
    interactions=st.lists(
        st.tuples(st.one_of(dates, any_cell), any_cell, any_cell, any_cell, numbers()),
        min_size=0,
        max_size=4,
    ),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(ENCODINGS),
)
def test_random_load_data(customers, interactions, delimiter, encoding):
    crm = csv_text([["customer_id", "email", "age"], *map(list, customers)], delimiter, True)
    ev = csv_text(
        [["timestamp", "channel", "event", "phone", "revenue"], *map(list, interactions)],
        delimiter,
        True,
    )
    with tempfile.TemporaryDirectory() as folder:
        crm_path, ev_path = Path(folder) / "crm.csv", Path(folder) / "events.csv"
        crm_path.write_bytes(crm.encode(encoding, errors="replace"))
        ev_path.write_bytes(ev.encode(encoding, errors="replace"))
        data = outcome(load_data, crm_path, ev_path)
    if data is not None:
        check_interactions(data.interactions)
        assert data.customers["customer_id"].is_unique
