"""CSV exports read directly by the engine (omniseg.csv_source through omniseg.engine.as_table)."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

from omniseg.engine import as_table
from omniseg.errors import DataValidationError, ParameterError
from omniseg.features import build_features
from omniseg.identity import IdentityResolver
from omniseg.io import load_demo


def _write(path, text: str) -> None:
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_a_csv_export_gives_the_same_identities_and_features_as_the_dataframe(tmp_path):
    data = load_demo()
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
