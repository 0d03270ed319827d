"""Battery of bad inputs: each is refused with a specific DataValidationError (file, column, rows,
fix) instead of being accepted silently or failing with a library traceback."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.ingest.contract import DEFAULT_SIGNUP_START, DEFAULT_TIME_WINDOW
from omniseg.ingest.io import (
    load_customers,
    load_data,
    load_interactions,
    load_interviews,
    load_survey,
)

HEADER = "timestamp,channel,event,customer_id,revenue,satisfaction\n"
CRM = "customer_id,email\nC1,ana@x.es\nC2,bo@x.es\n"
CODEBOOK = {
    "items": {
        "q1": {"type": "likert", "scale": [1, 5]},
        "nps": {"type": "nps", "scale": [0, 10]},
        "spend": {"type": "numeric", "scale": [0, 1000]},
    }
}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def events(rows: list[str]) -> str:
    return HEADER + "".join(f"{r}\n" for r in rows)


def only(exc: pytest.ExceptionInfo) -> Problem:
    assert len(exc.value.problems) == 1, exc.value.problems
    return exc.value.problems[0]


# ----------------------------------------------------------------- 1. plausible values: finite


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400", "Infinity"])
def test_revenue_that_is_not_finite_is_refused(tmp_path, value):
    text = events([f"2026-01-01,web,purchase,C1,{value},", "2026-01-02,web,purchase,C1,5,"])
    with pytest.raises(DataValidationError, match="not finite numbers") as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    p = only(exc)
    assert (p.source, p.column, p.rows, p.n_rows) == ("events.csv", "revenue", (2,), 1)
    assert "division by zero" in p.fix


def test_satisfaction_inf_is_reported_once_as_not_finite(tmp_path):
    text = events(["2026-01-01,web,view,C1,,inf", "2026-01-02,web,view,C1,,4"])
    with pytest.raises(DataValidationError, match=r"not finite numbers, e\.g\. 'inf'") as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    p = only(exc)  # not also "outside [1, 5]"
    assert (p.column, p.rows) == ("satisfaction", (2,))


def test_nan_text_is_a_blank_not_a_problem(tmp_path):
    text = events(["2026-01-01,web,view,C1,nan,NaN", "2026-01-02,web,view,C1,3,4"])
    df = load_interactions(write(tmp_path, "e.csv", text))
    assert df["revenue"].isna().tolist() == [True, False]
    assert df["satisfaction"].isna().tolist() == [True, False]


def test_numeric_parquet_and_dataframe_holding_inf_are_refused(tmp_path):
    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
            "channel": ["web"] * 3,
            "event": ["purchase"] * 3,
            "customer_id": ["C1", "C2", "C3"],
            "revenue": [1.0, np.inf, -np.inf],
        }
    )
    frame.to_parquet(tmp_path / "events.parquet")
    with pytest.raises(DataValidationError, match="not finite") as exc:
        load_interactions(tmp_path / "events.parquet")
    p = only(exc)
    assert (p.source, p.column, p.rows, p.n_rows) == ("events.parquet", "revenue", (3, 4), 2)
    with pytest.raises(DataValidationError, match="not finite") as exc:
        load_interactions(frame)
    assert only(exc).rows == (1, 2)  # DataFrame: 0-based positions


def test_survey_answers_and_weight_must_be_finite():
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2"],
            "q1": ["3", "4"],
            "nps": ["9", "inf"],
            "spend": ["1e400", "10"],
            "weight": ["1", "inf"],
        }
    )
    with pytest.raises(DataValidationError, match="not finite") as exc:
        load_survey(survey, CODEBOOK)
    by_col = {p.column: p for p in exc.value.problems}
    assert set(by_col) == {"nps", "spend", "weight"}
    assert by_col["nps"].rows == (1,) and by_col["spend"].rows == (0,)
    assert all("not finite numbers" in p.message for p in by_col.values())


def test_bug_age_inf_crashed_with_overflow_error(tmp_path):
    # was: OverflowError "cannot convert float infinity to integer" from the Int64 cast
    with pytest.raises(DataValidationError, match="not finite numbers") as exc:
        load_customers(
            write(tmp_path, "crm.csv", "customer_id,age,birth_year\nC1,inf,\nC2,3,1e400\n")
        )
    by_col = {p.column: p for p in exc.value.problems}
    assert by_col["age"].rows == (2,) and by_col["birth_year"].rows == (3,)


def test_bug_huge_finite_age_crashed_the_int64_cast(tmp_path):
    with pytest.raises(DataValidationError, match="not whole numbers") as exc:
        load_customers(write(tmp_path, "crm.csv", "customer_id,age\nC1,1e300\nC2,30\n"))
    p = only(exc)
    assert (p.column, p.rows) == ("age", (2,))


# ----------------------------------------------------------------- 1. plausible values: dates


def test_default_time_window_is_module_data():
    start, end = DEFAULT_TIME_WINDOW
    assert (start.isoformat(), end) == ("1990-01-01", None)
    assert DEFAULT_SIGNUP_START.isoformat() == "1900-01-01"


def test_300_interactions_dated_2099_are_refused_with_their_rows(tmp_path):
    rows = ["2026-01-01 10:00,web,view,C1,,"]
    rows += [f"2099-01-01 10:00,web,view,C{i},," for i in range(300)]
    text = events(rows)
    with pytest.raises(
        DataValidationError, match="outside the plausible period 1990-01-01 to"
    ) as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    p = only(exc)
    assert (p.source, p.column) == ("events.csv", "timestamp")
    assert p.rows == (3, 4, 5, 6, 7) and p.n_rows == 300
    assert "2099" in p.message and "time_window=" in p.fix
    assert pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d") in p.message  # ends today


def test_timestamps_of_1900_are_refused(tmp_path):
    text = events(["1900-01-01,web,view,C1,,", "2026-01-01,web,view,C1,,"])
    with pytest.raises(DataValidationError, match="outside the plausible period") as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    assert (only(exc).column, only(exc).rows) == ("timestamp", (2,))


def test_end_of_today_is_allowed_and_tomorrow_is_not():
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    frame = pd.DataFrame(
        {
            "timestamp": [today + pd.Timedelta("23:59:59"), today + pd.Timedelta(days=1, hours=1)],
            "channel": ["web", "web"],
            "event": ["view", "view"],
            "email": ["a@b.c", "a@b.c"],
        }
    )
    with pytest.raises(DataValidationError, match="outside the plausible period") as exc:
        load_interactions(frame)
    assert only(exc).rows == (1,)


def test_time_window_is_configurable_in_every_loader(tmp_path):
    text = events(["1985-06-01,web,view,C1,,", "2099-01-01,web,view,C1,,"])
    path = write(tmp_path, "events.csv", text)
    df = load_interactions(path, time_window=("1980-01-01", "2100-12-31"))
    assert len(df) == 2
    data = load_data(
        write(tmp_path, "crm.csv", CRM), path, time_window=("1980-01-01", "2100-12-31")
    )
    assert len(data.interactions) == 2
    with pytest.raises(DataValidationError, match="1986-01-01 to 2098-12-31") as exc:
        load_data(write(tmp_path, "crm.csv", CRM), path, time_window=("1986-01-01", "2098-12-31"))
    assert only(exc).rows == (2, 3)


@pytest.mark.parametrize("window", [("2026-01-01",), ("2026-02-01", "2026-01-01"), ("soon", None)])
def test_bad_time_window_is_a_parameter_error(window):
    with pytest.raises(ParameterError, match="time_window"):
        load_interactions(pd.DataFrame({"timestamp": ["2026-01-01"]}), time_window=window)


def test_signup_dates_in_the_future_or_before_1900_are_refused(tmp_path):
    text = "customer_id,signup_date\nC1,2099-05-01\nC2,1899-12-31\nC3,1950-03-01\nC4,2020-01-01\n"
    with pytest.raises(DataValidationError, match="plausible period 1900-01-01 to") as exc:
        load_customers(write(tmp_path, "crm.csv", text))
    p = only(exc)  # 1950 is a plausible signup of an old customer
    assert (p.source, p.column, p.rows) == ("crm.csv", "signup_date", (2, 3))


def test_bug_year_3000_parquet_timestamp_crashed_out_of_bounds(tmp_path):
    # was: pandas OutOfBoundsDatetime from the cast to nanoseconds
    frame = pd.DataFrame(
        {
            "timestamp": pd.Series(pd.to_datetime(["2026-01-01", "3000-01-01"])).astype(
                "datetime64[us]"
            ),
            "channel": ["web", "web"],
            "event": ["view", "view"],
            "customer_id": ["C1", "C2"],
        }
    )
    frame.to_parquet(tmp_path / "events.parquet")
    with pytest.raises(DataValidationError, match="not dates/times") as exc:
        load_interactions(tmp_path / "events.parquet")
    assert (only(exc).column, only(exc).rows) == ("timestamp", (3,))
    with pytest.raises(DataValidationError, match="not dates/times") as exc:
        load_interactions(write(tmp_path, "e.csv", events(["3000-01-01,web,view,C1,,"])))
    assert only(exc).rows == (2,)


# ----------------------------------------------------------------- 1. plausible values: scales


def test_likert_and_nps_answers_must_be_whole_points_numeric_items_take_decimals():
    survey = pd.DataFrame(
        {
            "respondent_id": ["R1", "R2", "R3"],
            "q1": ["2,5", "4", "3.0"],
            "nps": ["9", "7.5", "10"],
            "spend": ["12.75", "0,5", "3"],
        }
    )
    with pytest.raises(DataValidationError, match="not a whole point of the scale") as exc:
        load_survey(survey, CODEBOOK)
    by_col = {p.column: p for p in exc.value.problems}
    assert set(by_col) == {"q1", "nps"}
    assert by_col["q1"].rows == (0,) and "[1, 5]" in by_col["q1"].message
    assert by_col["nps"].rows == (1,) and "type: numeric" in by_col["nps"].fix
    ok = load_survey(survey.assign(q1=["2", "4", "3"], nps=["9", "7", "10"]), CODEBOOK)
    assert ok["spend"].tolist() == [12.75, 0.5, 3.0]


# ----------------------------------------------------------------- 2. minimum content


def test_header_only_crm_is_refused(tmp_path):
    with pytest.raises(DataValidationError, match="has a header but no data rows") as exc:
        load_customers(write(tmp_path, "customers.csv", "customer_id,email\n"))
    p = only(exc)
    assert p.source == "customers.csv" and p.column is None and "export" in p.fix


def test_bug_header_only_single_column_was_split_on_a_letter(tmp_path):
    # was: the csv sniffer chose 'u' as delimiter and reported columns ['c', 'stomer_id']
    with pytest.raises(DataValidationError, match="no data rows") as exc:
        load_customers(write(tmp_path, "customers.csv", "customer_id\n"))
    assert "['customer_id']" in only(exc).message
    assert load_customers(write(tmp_path, "c.csv", "customer_id\nC1\n"))[
        "customer_id"
    ].tolist() == ["C1"]


def test_header_only_interactions_is_refused_together_with_the_crm(tmp_path):
    with pytest.raises(DataValidationError) as exc:
        load_data(write(tmp_path, "crm.csv", "customer_id\n"), write(tmp_path, "ev.csv", HEADER))
    assert exc.value.sources == ["crm.csv", "ev.csv"]
    assert all("no data rows" in p.message for p in exc.value.problems)


def test_interactions_that_are_all_anonymous_are_refused(tmp_path):
    text = "timestamp,channel,event,email,phone\n2026-01-01,web,view,,\n2026-01-02,app,view,-,n/a\n"
    with pytest.raises(DataValidationError, match="every interaction is anonymous") as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    p = only(exc)
    assert (p.source, p.column, p.rows, p.n_rows) == ("events.csv", None, (2, 3), 2)
    assert "['email', 'phone']" in p.message and "customer_id" in p.fix


def test_empty_optional_columns_are_dropped_with_a_warning(tmp_path):
    text = events(["2026-01-01,web,purchase,C1,,", "2026-01-02,store,view,C2,,"])
    data = load_data(
        write(tmp_path, "crm.csv", "customer_id,email\nC1,\nC2,\n"), write(tmp_path, "ev.csv", text)
    )
    assert "revenue" not in data.interactions and "satisfaction" not in data.interactions
    assert "email" not in data.customers
    assert (
        "ev.csv: 2 optional columns empty on every row, dropped: ['revenue', 'satisfaction']"
        in (data.report.warnings)
    )
    assert "crm.csv: 1 optional column empty on every row, dropped: ['email']" in (
        data.report.warnings
    )
    from omniseg.features.table import build_features
    from omniseg.identity.resolver import IdentityResolver

    resolver = IdentityResolver().fit(data.customers, data.interactions)
    table = build_features(
        data.interactions.assign(person_id=resolver.transform(data.interactions)), data.customers
    )
    assert len(table) == 2


def test_crm_without_contacts_and_interactions_with_only_email_phone_resolve(tmp_path):
    from omniseg.identity.resolver import IdentityResolver

    text = (
        "timestamp,channel,event,email,phone\n"
        "2026-01-01,web,view,a@b.es,\n2026-01-02,app,view,,600111222\n"
    )
    data = load_data(
        write(tmp_path, "crm.csv", "customer_id\nC1\nC2\n"), write(tmp_path, "ev.csv", text)
    )
    resolver = IdentityResolver().fit(data.customers, data.interactions)  # no IndexError
    assert len(resolver.transform(data.interactions)) == 2


# ----------------------------------------------------------------- 3. Parquet folders and types


def _frame(revenue) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-01-01"]),
            "channel": ["web"],
            "event": ["purchase"],
            "customer_id": ["C1"],
            "revenue": revenue,
        }
    )


def test_corrupt_parquet_part_is_named(tmp_path):
    parts = tmp_path / "interactions"
    parts.mkdir()
    _frame([1.0]).to_parquet(parts / "part-0.parquet")
    _frame([2.0]).to_parquet(parts / "part-1.parquet")
    data = (parts / "part-1.parquet").read_bytes()
    (parts / "part-1.parquet").write_bytes(data[: len(data) // 2])  # truncated
    (parts / "part-2.parquet").write_text("timestamp,channel\n2026-01-01,web\n")  # renamed CSV
    with pytest.raises(
        DataValidationError, match=r"part 'part-1\.parquet' is not a readable"
    ) as exc:
        load_interactions(parts)
    assert [p.source for p in exc.value.problems] == [
        "interactions/part-1.parquet",
        "interactions/part-2.parquet",
    ]
    assert "remove it from the folder" in exc.value.problems[0].fix


def test_parquet_parts_with_different_schemas_are_refused(tmp_path):
    parts = tmp_path / "interactions"
    parts.mkdir()
    _frame([1.0]).to_parquet(parts / "part-0.parquet")
    _frame(["2,5"]).to_parquet(parts / "part-1.parquet")  # revenue as text
    _frame([3.0]).drop(columns="channel").to_parquet(parts / "part-2.parquet")
    with pytest.raises(DataValidationError) as exc:
        load_interactions(parts)
    by_col = {p.column: p for p in exc.value.problems}
    assert set(by_col) == {"revenue", "channel"}
    assert by_col["revenue"].source == "interactions"
    assert "number in ['part-0.parquet', 'part-2.parquet']; text in ['part-1.parquet']" in (
        by_col["revenue"].message
    )
    assert "missing from part(s) ['part-2.parquet']" in by_col["channel"].message


def test_parquet_parts_with_an_all_null_column_or_ints_and_floats_agree(tmp_path):
    parts = tmp_path / "interactions"
    parts.mkdir()
    _frame([1]).to_parquet(parts / "part-0.parquet")
    _frame([2.5]).to_parquet(parts / "part-1.parquet")
    _frame([None]).to_parquet(parts / "part-2.parquet")
    assert load_interactions(parts)["revenue"].tolist()[:2] == [1.0, 2.5]


def test_wrong_parquet_dtypes_give_clear_problems(tmp_path):
    frame = pd.DataFrame(
        {
            "timestamp": [1767225600, 1767312000],  # epoch seconds
            "channel": [True, False],
            "event": ["view", "view"],
            "customer_id": ["C1", "C2"],
            "revenue": ["1,234.56", "12,5"],
        }
    )
    frame.to_parquet(tmp_path / "events.parquet")
    with pytest.raises(DataValidationError) as exc:
        load_interactions(tmp_path / "events.parquet")
    by_col = {p.column: p for p in exc.value.problems}
    assert set(by_col) == {"timestamp", "channel"}
    assert "epoch" in by_col["timestamp"].fix and by_col["timestamp"].rows == (2, 3)
    assert "true/false" in by_col["channel"].fix
    df = load_interactions(frame.assign(timestamp=["2026-01-01", "2026-01-02"], channel="web"))
    assert df["revenue"].tolist() == [1234.56, 12.5]


def test_bug_thousands_commas_with_a_decimal_point_were_read_as_decimals(tmp_path):
    # was: "1,234.56" read as 1.23456 (dots dropped, the comma taken as the decimal mark)
    text = events(
        [
            '2026-01-01,web,purchase,C1,"1,234.56",',
            "2026-01-01,web,purchase,C1,1.234,",
            '2026-01-01,web,purchase,C1,"1.234.567,5",',
            '2026-01-01,web,purchase,C1,"1,234,567",',
            "2026-01-01,web,purchase,C1,€ 12,",
        ]
    )
    df = load_interactions(write(tmp_path, "e.csv", text), time_window=(None, "2026-12-31"))
    assert df["revenue"].tolist() == [1234.56, 1.234, 1234567.5, 1234567.0, 12.0]
    negative = events(["2026-01-01,web,purchase,C1,-€3,"])
    with pytest.raises(DataValidationError, match="negative value"):
        load_interactions(write(tmp_path, "e.csv", negative))
    bad = events(['2026-01-01,web,purchase,C1,"1,2.3",'])
    with pytest.raises(DataValidationError, match=r"not numbers, e\.g\. '1,2\.3'"):
        load_interactions(write(tmp_path, "e.csv", bad))


# ----------------------------------------------------------------- 4. NUL bytes


def test_nul_bytes_after_8_kb_name_the_rows(tmp_path):
    rows = [f"2026-01-01,web,view,C{i},," for i in range(600)]  # > 8 KB
    rows[500] = "2026-01-01,web,view,C3\x00\x00,,"
    rows[550] = "2026-01-01,web,vi\x00ew,C3,,"
    text = events(rows)
    assert len(text.encode()) > 8192 and "\x00" not in text[:8192]
    with pytest.raises(DataValidationError, match="contain NUL bytes") as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    p = only(exc)
    assert (p.source, p.column, p.rows, p.n_rows) == ("events.csv", None, (502, 552), 2)
    assert "export the table again as text" in p.fix


def test_nul_bytes_in_a_gzip_csv_and_a_stray_nul_in_a_small_file(tmp_path):
    path = tmp_path / "events.csv.gz"
    path.write_bytes(gzip.compress(events(["2026-01-01,web,view,C1\x00,,"]).encode()))
    with pytest.raises(DataValidationError, match="contain NUL bytes") as exc:
        load_interactions(path)
    assert only(exc).rows == (2,)


def test_utf16_excel_unicode_text_is_read(tmp_path):
    path = write(tmp_path, "crm.csv", "customer_id\tcity\nC1\tMálaga\n", "utf-16")
    assert load_customers(path)["city"].tolist() == ["Málaga"]


# ----------------------------------------------------------------- 5. transcript folders


def test_transcripts_with_the_same_id_are_named_by_file(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "X1.txt").write_text("hola")
    (folder / "X1.md").write_text("adiós")
    (folder / "X2.txt").write_text("bien")
    with pytest.raises(DataValidationError, match=r"\['X1.md', 'X1.txt'\]") as exc:
        load_interviews(folder)
    p = only(exc)  # not also pandera's "rows 0, 1"
    assert (p.source, p.column, p.rows, p.n_rows) == ("interviews", "interview_id", (), 2)
    assert "rename the files" in p.fix


def test_empty_transcripts_and_unterminated_front_matter_are_named(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "A.txt").write_text("   \n")
    (folder / "B.txt").write_text("---\ncustomer_id: C1\n---\n\n")
    (folder / "C.txt").write_text("---\ncustomer_id: C1\nMe gusta la tienda.\n")
    (folder / "D.md").write_text("---\n---\nText after an empty front matter.\n")
    (folder / "E.txt").write_text("Fine.")
    with pytest.raises(DataValidationError) as exc:
        load_interviews(folder)
    got = [(p.source, p.column, p.message) for p in exc.value.problems]
    assert got == [
        ("interviews/A.txt", "text", "transcript 'A.txt' is empty"),
        ("interviews/B.txt", "text", "transcript 'B.txt' has only front matter, no text"),
        (
            "interviews/C.txt",
            None,
            "transcript 'C.txt' opens a front-matter block with '---' but never closes it",
        ),
    ]
    assert "closes" not in exc.value.problems[0].fix and "'---'" in exc.value.problems[2].fix


def test_an_undecodable_transcript_is_named_and_others_still_checked(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "A.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "B.txt").write_text("")
    with pytest.raises(DataValidationError) as exc:
        load_interviews(folder)
    assert [p.source for p in exc.value.problems] == ["interviews/A.txt", "interviews/B.txt"]
    assert "binary data" in exc.value.problems[0].message


def test_blank_transcript_in_a_table_is_named_by_row():
    with pytest.raises(DataValidationError, match="empty value") as exc:
        load_interviews(pd.DataFrame({"interview_id": ["A", "B"], "text": ["hola", "  "]}))
    assert (only(exc).column, only(exc).rows) == ("text", (1,))


def test_front_matter_with_windows_line_endings(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "A.txt").write_bytes(b"---\r\ncustomer_id: C1\r\n---\r\nHola.\r\n")
    df = load_interviews(folder)
    assert df.loc[0, "customer_id"] == "C1" and df.loc[0, "text"] == "Hola."


# ----------------------------------------------------------------- bugs found by the properties


def test_bug_first_row_longer_than_the_header_shifted_every_column(tmp_path):
    # was: pandas took the first column as the index, shifting each value one column left
    # (silently), then crashed computing row numbers from the text index
    text = "customer_id,age\nC1,30,extra\nC2,40\nC3,50,x,y\n"
    with pytest.raises(DataValidationError, match="more fields than the header") as exc:
        load_customers(write(tmp_path, "crm.csv", text))
    p = only(exc)
    assert (p.source, p.rows, p.n_rows) == ("crm.csv", (2, 4), 2)
    assert "line 2 has 3 fields but the header has 2" in p.message and "quote fields" in p.fix


def test_trailing_delimiters_are_not_extra_fields(tmp_path):
    df = load_customers(write(tmp_path, "crm.csv", "customer_id;age\nC1;30;\nC2;40;\n"))
    assert df["customer_id"].tolist() == ["C1", "C2"] and df["age"].tolist() == [30, 40]


def test_bug_long_line_with_a_huge_field_lost_its_extra_values(tmp_path):
    # the csv module refuses fields over 128 KB; the long line must still be refused, not cut
    text = 'customer_id,age\nC1,3,"' + "x" * 200_000 + '"\n'
    with pytest.raises(DataValidationError, match="more fields than the header"):
        load_customers(write(tmp_path, "crm.csv", text))


def test_long_cell_values_are_cut_in_messages(tmp_path):
    text = 'customer_id,age\nC1,"' + "x" * 5_000 + '"\n'
    with pytest.raises(DataValidationError, match="not whole numbers") as exc:
        load_customers(write(tmp_path, "crm.csv", text))
    assert len(str(exc.value)) < 400


def test_bug_nested_parquet_columns_crashed_duplicate_detection(tmp_path):
    # was: TypeError "unhashable type" from DataFrame.duplicated; list ids were even accepted
    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"]),
            "channel": ["web", "app"],
            "event": ["view", "view"],
            "customer_id": ["C1", "C2"],
            "tags": [["a", "b"], None],
            "meta": [{"k": 1}, {"k": 2}],
        }
    )
    frame.to_parquet(tmp_path / "events.parquet")
    with pytest.raises(DataValidationError, match="hold lists or mappings") as exc:
        load_interactions(tmp_path / "events.parquet")
    by_col = {p.column: p for p in exc.value.problems}
    assert by_col["tags"].rows == (2,) and by_col["meta"].rows == (2, 3)
    assert "flatten 'tags'" in by_col["tags"].fix


def test_bug_numeric_choice_answers_never_matched_the_codebook_options():
    # was: answers 1 and 2.0 (a numeric column) compared with the options '1', '2' as text
    codebook = {
        "items": {
            "pref": {"type": "single_choice", "options": [1, 2, 3]},
            "tried": {"type": "multi_choice", "options": [1, 2]},
        }
    }
    survey = pd.DataFrame({"respondent_id": ["R1", "R2"], "pref": [1.0, np.nan], "tried": [2, 1]})
    df = load_survey(survey, codebook)
    assert df["pref"].tolist()[0] == "1" and pd.isna(df["pref"].iloc[1])
    with pytest.raises(DataValidationError, match="not among the codebook's options") as exc:
        load_survey(survey.assign(pref=[1.5, 4.0]), codebook)
    assert only(exc).rows == (0, 1)
