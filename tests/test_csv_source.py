"""CSV exports read directly by the engine (omniseg.ingest.csv_source through
omniseg.engine.as_table)."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from omniseg.engine import as_table
from omniseg.errors import DataValidationError, ParameterError
from omniseg.features.table import build_features
from omniseg.identity.resolver import IdentityResolver


def _write(path, text: str) -> None:
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_a_csv_export_gives_the_same_identities_and_features_as_the_dataframe(tmp_path, demo_data):
    data = demo_data
    frame = data.interactions
    # a Spanish-locale export: semicolons, decimal commas, capitalised names, gzip
    path = tmp_path / "interacciones.csv.gz"
    frame.rename(columns=str.capitalize).to_csv(path, sep=";", decimal=",", index=False)
    expected = IdentityResolver().fit(data.customers, frame)
    events = frame.assign(person_id=expected.transform(frame))
    table = build_features(events, data.customers)

    resolver = IdentityResolver().fit(data.customers, path)
    got = build_features(resolver.transform(path), data.customers)
    pd.testing.assert_frame_equal(got, table)
    pd.testing.assert_frame_equal(resolver.identity_map_, expected.identity_map_)
    assert resolver.summary_ == expected.summary_


def test_dates_numbers_and_identifiers_are_read_as_the_loader_reads_them(tmp_path):
    path = tmp_path / "export.csv"
    _write(
        path,
        "Timestamp;Channel;Event;Phone;Loyalty ID;Revenue;Satisfaction\n"
        "25/11/2026 10:30;Tienda;purchase;0034 612 345 678;0010000018;1.234,56;4\n"
        "2026-11-25T10:30:00+01:00;web;view;;; ;\n"
        "2026-11-25 10:30:00;web;purchase;;;€12;4,5\n"
        "25-11-2026;app;purchase;;;12.5;\n",
    )
    table, con = as_table(path)
    got = con.to_pandas(table)
    assert list(got.columns) == [
        "timestamp", "channel", "event", "phone", "loyalty_id", "revenue", "satisfaction"
    ]  # fmt: skip
    assert got["timestamp"].tolist() == [
        pd.Timestamp("2026-11-25 10:30"),
        pd.Timestamp("2026-11-25 09:30"),  # the offset converted to UTC
        pd.Timestamp("2026-11-25 10:30"),
        pd.Timestamp("2026-11-25 00:00"),
    ]
    np.testing.assert_allclose(got["revenue"], [1234.56, np.nan, 12.0, 12.5])
    np.testing.assert_allclose(got["satisfaction"], [4.0, np.nan, 4.5, np.nan])
    # identifiers keep their text (leading zeros, spaces): identity resolution normalises them
    assert got["phone"].tolist()[0] == "0034 612 345 678"
    assert got["loyalty_id"].tolist()[0] == "0010000018"


def test_bad_values_name_the_file_the_column_and_the_rows(tmp_path):
    path = tmp_path / "bad.csv"
    _write(
        path,
        "timestamp,channel,event,email,revenue\n"
        "2026-01-01 10:00,web,view,a@x.es,\n"
        "2026-01-02 10:00,web,purchase,a@x.es,abc\n"
        "yesterday,web,view,a@x.es,\n"
        "2026-01-03 10:00,web,purchase,a@x.es,12;5\n",
    )
    with pytest.raises(DataValidationError) as err:
        as_table(path)
    problems = {p.column: p for p in err.value.problems}
    assert set(problems) == {"timestamp", "revenue"}
    assert problems["revenue"].source == "bad.csv"
    assert problems["revenue"].rows == (3, 5) and problems["revenue"].n_rows == 2
    assert "'abc'" in problems["revenue"].message
    assert "decimal" in problems["revenue"].fix
    assert problems["timestamp"].rows == (4,)
    assert "ISO 8601" in problems["timestamp"].fix
    message = str(err.value)
    assert "bad.csv" in message and "revenue" in message


def test_a_folder_of_csv_parts_is_one_table(tmp_path):
    head = "timestamp,channel,event,email\n"
    _write(tmp_path / "part-1.csv", head + "2026-01-01 10:00,web,view,a@x.es\n")
    _write(tmp_path / "part-2.csv.gz", head + "2026-01-02 10:00,app,view,b@x.es\n")
    table, con = as_table(tmp_path)
    got = con.to_pandas(table).sort_values("timestamp")
    assert got["email"].tolist() == ["a@x.es", "b@x.es"]


def test_unusable_csv_inputs_get_clear_errors(tmp_path):
    path = tmp_path / "dupes.csv"
    _write(path, "Teléfono,telefono,timestamp\n612,613,2026-01-01\n")
    with pytest.raises(ParameterError, match="both mean 'telefono'"):
        as_table(path)
    with pytest.raises(ParameterError, match="does not exist"):
        as_table(tmp_path / "missing.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match=r"no \.parquet or \.csv files"):
        as_table(tmp_path / "empty")


# ---- numbers are read per column, as the loader reads them (issue 14: 15.597 misread) ------


def _revenue(path, **kw):
    from omniseg.engine import connect
    from omniseg.ingest.csv_source import read_csv

    con = connect()
    return con.to_pandas(read_csv(con, [path], **kw))["revenue"].to_numpy()


def test_spanish_thousands_dot_without_decimals_is_read_as_thousands(tmp_path):
    # the column writes decimals with a comma elsewhere: 15.597 is fifteen thousand
    path = tmp_path / "ventas.csv"
    _write(
        path,
        "timestamp,channel,event,customer_id,revenue\n"
        "2026-01-05,store,purchase,C1,15.597\n"
        '2026-01-06,store,purchase,C2,"1.234,50"\n'
        '2026-01-07,store,purchase,C3,"12,5"\n',
    )
    np.testing.assert_allclose(_revenue(path), [15597.0, 1234.5, 12.5])


def test_a_decimal_point_column_keeps_15_597_as_a_decimal(tmp_path):
    path = tmp_path / "sales.csv"
    _write(
        path,
        "timestamp,channel,event,customer_id,revenue\n"
        "2026-01-05,store,purchase,C1,15.597\n"
        "2026-01-06,store,purchase,C2,12.50\n"
        '2026-01-07,store,purchase,C3,"1,234"\n',
    )
    # one decimal point decides the column: 1,234 groups thousands
    np.testing.assert_allclose(_revenue(path), [15.597, 12.5, 1234.0])


@pytest.mark.parametrize(("sep", "expected"), [(",", 15.597), (";", 15597.0)])
def test_an_undecided_column_follows_the_file_and_warns(tmp_path, sep, expected):
    path = tmp_path / "export.csv"
    rows = ["timestamp", "channel", "event", "customer_id", "revenue"]
    text = sep.join(rows) + "\n" + sep.join(["2026-01-05", "store", "purchase", "C1", "15.597"])
    _write(path, text + "\n" + sep.join(["2026-01-06", "store", "purchase", "C2", "20"]) + "\n")
    with pytest.warns(UserWarning, match=r"export.csv, column 'revenue': 1 value"):
        got = _revenue(path)
    np.testing.assert_allclose(got, [expected, 20.0])


def test_a_stated_number_format_is_used_and_enforced(tmp_path):
    path = tmp_path / "export.csv"
    _write(
        path,
        "timestamp,channel,event,customer_id,revenue\n"
        "2026-01-05,store,purchase,C1,15.597\n2026-01-06,store,purchase,C2,20\n",
    )
    fmt = {"decimal": ",", "thousands": "."}
    np.testing.assert_allclose(_revenue(path, number_format=fmt), [15597.0, 20.0])
    _write(path, "timestamp,channel,event,customer_id,revenue\n2026-01-05,store,purchase,C1,1.5\n")
    with pytest.raises(DataValidationError, match="revenue"):
        _revenue(path, number_format=fmt)  # "1.5" is not a number written 1.234,56-style


def test_csv_source_and_loader_read_the_same_numbers(tmp_path):
    from omniseg.ingest.io import load_interactions

    cells = ["15.597", "1.234,50", "12,5", "€ 7", "0,597", "1.234.567", "3,25", "42"]
    lines = [f'2026-01-{i + 1:02d},store,purchase,C{i},"{c}"' for i, c in enumerate(cells)]
    path = tmp_path / "export.csv"
    _write(path, "timestamp,channel,event,customer_id,revenue\n" + "\n".join(lines) + "\n")
    loader = load_interactions(path)["revenue"].to_numpy(dtype=float)
    np.testing.assert_allclose(_revenue(path), loader)
    np.testing.assert_allclose(loader, [15597, 1234.5, 12.5, 7, 0.597, 1234567, 3.25, 42])
