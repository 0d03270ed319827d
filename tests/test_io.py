"""Loading: every reader path, type conversion, and specific errors for bad input."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from omniseg.errors import DataValidationError
from omniseg.ingest.io import (
    load_customers,
    load_data,
    load_demo,
    load_interactions,
    load_interviews,
    load_survey,
)
from omniseg.ingest.reading import read_table
from omniseg.ingest.survey_table import load_codebook

CUSTOMERS = (
    "customer_id,email,phone,age,consent_email\nC1,ana@x.es,612345678,34,sí\nC2,bo@x.es,,61,no\n"
)
INTERACTIONS = (
    "timestamp,channel,event,customer_id,revenue\n"
    "2026-01-03 10:00:00,Web,view,C1,\n"
    "2026-01-04 11:00:00,Tienda,purchase,C2,40.5\n"
)
CODEBOOK = {
    "items": {
        "q1": {"type": "likert", "scale": [1, 5], "construct": "trust"},
        "pref": {"type": "single_choice", "options": ["web", "store"]},
        "nps": {"type": "nps", "scale": [0, 10]},
    }
}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def only_problem(exc: pytest.ExceptionInfo) -> object:
    assert len(exc.value.problems) == 1, exc.value.problems
    return exc.value.problems[0]


# --------------------------------------------------------------------------- reader paths


def test_utf8_csv(tmp_path):
    df = load_customers(write(tmp_path, "c.csv", CUSTOMERS))
    assert df["customer_id"].tolist() == ["C1", "C2"]
    assert df["age"].tolist() == [34, 61]
    assert df["consent_email"].tolist() == [True, False]


def test_latin1_semicolon_decimal_comma(tmp_path):
    text = (
        "timestamp;channel;event;customer_id;revenue\n"
        "03/01/2026 10:00;Teléfono;compra;C1;1.234,56\n"
        "04/01/2026 11:30;Tienda;compra;C2;12,5\n"
    )
    df = load_interactions(write(tmp_path, "i.csv", text, "latin-1"))
    assert df["revenue"].tolist() == [1234.56, 12.5]
    assert df["channel"].tolist() == ["phone", "store"]
    assert df["event"].tolist() == ["purchase", "purchase"]
    assert df["timestamp"].iloc[0] == pd.Timestamp("2026-01-03 10:00")  # day first


def test_gzip_csv_and_bom(tmp_path):
    path = tmp_path / "i.csv.gz"
    path.write_bytes(gzip.compress(("\ufeff" + INTERACTIONS).encode("utf-8")))
    df = load_interactions(path)
    assert list(df.columns[:3]) == ["timestamp", "channel", "event"]
    assert len(df) == 2


def test_parquet_folder_excel_and_dataframe_agree(tmp_path):
    expected = load_interactions(write(tmp_path, "i.csv", INTERACTIONS))
    raw = pd.read_csv(tmp_path / "i.csv", dtype=str)
    (tmp_path / "parts").mkdir()
    raw.iloc[:1].to_parquet(tmp_path / "parts" / "part-0.parquet")
    raw.iloc[1:].to_parquet(tmp_path / "parts" / "part-1.parquet")
    raw.to_excel(tmp_path / "i.xlsx", index=False)
    for source in (tmp_path / "parts", tmp_path / "i.xlsx", raw):
        pd.testing.assert_frame_equal(load_interactions(source), expected)


def test_typed_parquet_keeps_types_and_converts_time_zones(tmp_path):
    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-01-03 10:00"]).tz_localize("Europe/Madrid"),
            "channel": ["app"],
            "event": ["purchase"],
            "device_id": ["d1"],
            "revenue": [9.99],
        }
    )
    frame.to_parquet(tmp_path / "i.parquet")
    df = load_interactions(tmp_path / "i.parquet")
    assert df["timestamp"].iloc[0] == pd.Timestamp("2026-01-03 09:00")  # UTC, naive
    assert df["revenue"].iloc[0] == 9.99


def test_iso_offsets_converted_to_utc():
    frame = pd.DataFrame(
        {
            "timestamp": ["2026-03-01T12:00:00+02:00", "2026-03-01T12:00:00Z"],
            "channel": ["web", "web"],
            "event": ["view", "view"],
            "email": ["a@b.c", "a@b.c"],
        }
    )
    df = load_interactions(frame)
    assert df["timestamp"].tolist() == [
        pd.Timestamp("2026-03-01 10:00"),
        pd.Timestamp("2026-03-01 12:00"),
    ]


def test_column_mapping_and_name_folding(tmp_path):
    text = "Fecha,Canal,Evento,Id Cliente,Importe\n2026-01-03,WEB ,Visita,C1,\n"
    df = load_interactions(
        write(tmp_path, "i.csv", text),
        columns={
            "fecha": "timestamp",
            "Canal": "channel",
            "evento": "event",
            "id_cliente": "customer_id",
            "importe": "revenue",
        },
    )
    assert df[["channel", "event", "customer_id"]].iloc[0].tolist() == ["web", "view", "C1"]


def test_channel_aliases_and_unknown_channel_warning(tmp_path):
    text = (
        INTERACTIONS
        + "2026-01-05 09:00:00,Kiosko,view,C1,\n2026-01-05 09:00:00,<b>Robot</b>,view,C1,\n"
    )
    data = load_data(
        write(tmp_path, "c.csv", CUSTOMERS),
        write(tmp_path, "i.csv", text),
        channel_aliases={"kiosko": "store"},
    )
    assert "store" in set(data.interactions["channel"])
    assert any("unknown channel label" in w for w in data.report.warnings)


def test_interviews_folder_with_front_matter(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "INT1.txt").write_text(
        "---\ncustomer_id: C1\nlanguage: es\n---\nMe gusta la tienda.\n"
    )
    (folder / "INT2.md").write_text("No front matter here.\n")
    df = load_interviews(folder)
    assert df["interview_id"].tolist() == ["INT1", "INT2"]
    assert df.loc[0, "customer_id"] == "C1" and df.loc[0, "text"] == "Me gusta la tienda."
    assert pd.isna(df.loc[1, "customer_id"])


def test_interviews_table_and_codebook_from_yaml(tmp_path):
    df = load_interviews(
        pd.DataFrame({"ID Entrevista": ["A"], "Texto": ["hola"]}),
        columns={"id_entrevista": "interview_id", "texto": "text"},
    )
    assert df["text"].tolist() == ["hola"]
    (tmp_path / "cb.yaml").write_text("items:\n  q1: {type: likert, scale: [1, 5]}\n")
    assert load_codebook(tmp_path / "cb.yaml")["items"]["q1"]["reverse"] is False


def test_survey_with_codebook():
    survey = pd.DataFrame(
        {"respondent_id": ["R1", "R2"], "q1": ["4", "2"], "pref": ["web", None], "nps": ["9", "10"]}
    )
    df = load_survey(survey, CODEBOOK)
    assert df["q1"].tolist() == [4.0, 2.0]


def test_exact_duplicates_dropped_with_warning(tmp_path):
    text = INTERACTIONS + "2026-01-04 11:00:00,Tienda,purchase,C2,40.5\n"
    data = load_data(write(tmp_path, "c.csv", CUSTOMERS), write(tmp_path, "i.csv", text))
    assert len(data.interactions) == 2
    assert data.report.tables["interactions"].rows_read == 3
    assert any("1 exact duplicate row dropped" in w for w in data.report.warnings)


# --------------------------------------------------------------------------- bad inputs


def test_missing_required_column_suggests_mapping(tmp_path):
    text = "time_stamp,channel,event,customer_id\n2026-01-01,web,view,C1\n"
    with pytest.raises(DataValidationError, match="Did you mean 'time_stamp'") as exc:
        load_interactions(write(tmp_path, "events.csv", text))
    p = only_problem(exc)
    assert (p.source, p.column) == ("events.csv", "timestamp")
    assert "columns={'time_stamp': 'timestamp'}" in p.fix


def test_unparseable_dates_list_rows_and_values(tmp_path):
    text = (
        "timestamp,channel,event,customer_id\n2026-01-01,web,view,C1\n"
        "31/02/2026,web,view,C1\nayer,web,view,C1\n"
    )
    with pytest.raises(DataValidationError, match="'31/02/2026', 'ayer'") as exc:
        load_interactions(write(tmp_path, "i.csv", text))
    p = only_problem(exc)
    assert p.column == "timestamp" and p.rows == (3, 4)


def test_negative_revenue(tmp_path):
    text = (
        "timestamp,channel,event,customer_id,revenue\n"
        "2026-01-01,web,purchase,C1,-5\n2026-01-02,web,purchase,C1,5\n"
    )
    with pytest.raises(DataValidationError, match="negative value") as exc:
        load_interactions(write(tmp_path, "i.csv", text))
    p = only_problem(exc)
    assert p.column == "revenue" and p.rows == (2,) and "refund" in p.fix


def test_non_numeric_revenue(tmp_path):
    text = "timestamp,channel,event,customer_id,revenue\n2026-01-01,web,purchase,C1,diez\n"
    with pytest.raises(DataValidationError, match=r"not numbers, e\.g\. 'diez'") as exc:
        load_interactions(write(tmp_path, "i.csv", text))
    assert only_problem(exc).rows == (2,)


def test_conflicting_duplicate_customer_ids(tmp_path):
    text = "customer_id,age\nC1,30\nC2,40\nC1,31\n"
    with pytest.raises(DataValidationError, match="share an id") as exc:
        load_customers(write(tmp_path, "crm.csv", text))
    p = only_problem(exc)
    assert p.column == "customer_id" and p.rows == (2, 4)


def test_duplicate_respondent_ids():
    survey = pd.DataFrame(
        {"respondent_id": ["R1", "R1"], "q1": ["4", "2"], "pref": ["web", "web"], "nps": ["9", "9"]}
    )
    with pytest.raises(DataValidationError, match="share an id") as exc:
        load_survey(survey, CODEBOOK)
    assert only_problem(exc).column == "respondent_id"


def test_empty_file(tmp_path):
    with pytest.raises(DataValidationError, match="the file is empty") as exc:
        load_customers(write(tmp_path, "crm.csv", ""))
    assert only_problem(exc).source == "crm.csv"


def test_header_only_file_is_refused_as_having_no_rows(tmp_path):
    # was: loaded silently as an empty table (nothing to segment, failing later)
    with pytest.raises(DataValidationError, match="has a header but no data rows") as exc:
        load_customers(write(tmp_path, "crm.csv", "customer_id,email\n"))
    assert only_problem(exc).source == "crm.csv"


def test_wrong_file_type(tmp_path):
    with pytest.raises(DataValidationError, match=r"unsupported file type '\.json'") as exc:
        load_customers(write(tmp_path, "crm.json", "{}"))
    assert ".parquet" in only_problem(exc).fix


def test_binary_bytes_in_csv(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DataValidationError, match="binary data"):
        load_customers(path)


def test_unknown_encoding_bytes(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(b"customer_id,city\nC1,M\x81laga\n")  # 0x81: not UTF-8, undefined in cp1252
    with pytest.raises(DataValidationError, match=r"byte 0x81 at offset 21") as exc:
        load_customers(path)
    assert "UTF-8" in only_problem(exc).fix


def test_file_not_found(tmp_path):
    with pytest.raises(DataValidationError, match="file not found"):
        load_customers(tmp_path / "nope.csv")


def test_satisfaction_and_age_out_of_range(tmp_path):
    with pytest.raises(DataValidationError, match=r"outside \[1, 5\]") as exc:
        load_interactions(
            pd.DataFrame(
                {
                    "timestamp": ["2026-01-01"],
                    "channel": ["web"],
                    "event": ["view"],
                    "email": ["a@b.c"],
                    "satisfaction": ["7"],
                }
            )
        )
    assert only_problem(exc).rows == (0,)  # DataFrame: 0-based positions
    with pytest.raises(DataValidationError, match=r"outside \[0, 120\]") as exc:
        load_customers(write(tmp_path, "crm.csv", "customer_id,age\nC1,34\nC2,230\n"))
    assert only_problem(exc).rows == (3,)


def test_bad_consent_value(tmp_path):
    with pytest.raises(DataValidationError, match=r"not yes/no values, e\.g\. 'maybe'") as exc:
        load_customers(write(tmp_path, "crm.csv", "customer_id,consent_sms\nC1,sí\nC2,maybe\n"))
    assert only_problem(exc).column == "consent_sms"


def test_likert_out_of_scale_and_option_not_in_codebook():
    survey = pd.DataFrame(
        {"respondent_id": ["R1", "R2"], "q1": ["6", "2"], "pref": ["fax", "web"], "nps": ["9", "9"]}
    )
    with pytest.raises(DataValidationError) as exc:
        load_survey(survey, CODEBOOK)
    by_col = {p.column: p for p in exc.value.problems}
    assert "outside [1, 5]" in by_col["q1"].message
    assert "not among the codebook's options" in by_col["pref"].message


def test_codebook_item_missing_from_survey():
    survey = pd.DataFrame({"respondent_id": ["R1"], "q1": ["4"], "nps": ["9"]})
    with pytest.raises(DataValidationError, match="codebook item 'pref'") as exc:
        load_survey(survey, CODEBOOK)
    assert only_problem(exc).column == "pref"


def test_bad_codebook():
    with pytest.raises(DataValidationError, match="unknown type 'slider'"):
        load_codebook({"items": {"q1": {"type": "slider"}}})
    with pytest.raises(DataValidationError, match="scale"):
        load_codebook({"items": {"q1": {"type": "likert", "scale": [5]}}})
    with pytest.raises(DataValidationError, match="no 'items' mapping"):
        load_codebook({"questions": {}})


def test_codebook_construct_labels_are_kept_and_checked():
    items = {"q1": {"type": "likert", "scale": [1, 5], "construct": "trust"}}
    labels = {"trust": {"label": "Trust", "label_es": "Confianza"}}
    assert load_codebook({"items": items, "constructs": labels})["constructs"] == labels
    assert "constructs" not in load_codebook({"items": items})
    with pytest.raises(DataValidationError, match=r"'constructs' entries \['trust'\]"):
        load_codebook({"items": items, "constructs": {"trust": "Trust"}})
    with pytest.raises(DataValidationError, match="not mappings of text labels"):
        load_codebook({"items": items, "constructs": ["trust"]})


def test_bad_excel_sheet(tmp_path):
    pd.DataFrame({"customer_id": ["C1"]}).to_excel(tmp_path / "crm.xlsx", index=False)
    with pytest.raises(DataValidationError, match="worksheet 'Clientes' not found"):
        read_table(tmp_path / "crm.xlsx", sheet="Clientes")


def test_no_identifier_column(tmp_path):
    text = "timestamp,channel,event\n2026-01-01,web,view\n"
    with pytest.raises(DataValidationError, match="no customer identifier column"):
        load_interactions(write(tmp_path, "i.csv", text))


def test_ragged_csv_names_the_line(tmp_path):
    text = "customer_id,age\nC1,30\nC2,40,extra\n"
    with pytest.raises(DataValidationError, match="line 3 has 3 fields but the header has 2"):
        load_customers(write(tmp_path, "crm.csv", text))


def test_all_problems_of_all_files_in_one_error(tmp_path):
    crm = write(tmp_path, "crm.csv", "customer_id,age\nC1,300\n")
    events = write(
        tmp_path,
        "events.csv",
        "timestamp,channel,event,email,revenue\nnope,web,purchase,a@b.c,-1\n",
    )
    with pytest.raises(DataValidationError) as exc:
        load_data(crm, events, survey=pd.DataFrame({"respondent_id": ["R1"]}), codebook=CODEBOOK)
    err = exc.value
    assert err.sources == ["crm.csv", "events.csv", "<DataFrame survey>"]
    assert {"age", "timestamp", "revenue", "q1", "pref", "nps"} <= set(err.columns)
    text = str(err)
    assert text.startswith(f"{len(err.problems)} problems found in the input data:")


def test_errors_never_echo_identifiers(tmp_path):
    text = "customer_id,email\nC1,ana.secret@example.com\nC1,other.secret@example.com\n"
    with pytest.raises(DataValidationError) as exc:
        load_customers(write(tmp_path, "crm.csv", text))
    assert "secret" not in str(exc.value)
    bad_phone_dates = pd.DataFrame(
        {"timestamp": ["x"], "channel": ["sms"], "event": ["view"], "phone": ["+34 600 111 222"]}
    )
    with pytest.raises(DataValidationError) as exc:
        load_interactions(bad_phone_dates)
    assert "600" not in str(exc.value)


# --------------------------------------------------------------------------- report


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def test_validation_report_counts_and_escaped_html(tmp_path):
    text = INTERACTIONS + "2026-01-05 09:00:00,<script>alert(1)</script>,view,C1,\n"
    data = load_data(write(tmp_path, "c.csv", CUSTOMERS), write(tmp_path, "i.csv", text))
    report = data.report
    assert report.row_counts() == {"customers": 2, "interactions": 3}
    assert report.tables["interactions"].date_min == "2026-01-03 10:00:00"
    assert report.tables["interactions"].extra["channel_counts"]["store"] == 1
    html = report._repr_html_()
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags and "&lt;script&gt;" in html
    assert report.to_frame().shape == (2, 7)
    assert type(report).from_dict(report.to_dict()) == report


def test_demo_loads_with_canonical_channels():
    data = load_demo()
    assert data.customers["customer_id"].is_unique and len(data.customers) == 5000
    assert set(data.interactions["channel"]) == {
        "web",
        "app",
        "email",
        "social",
        "phone",
        "chat",
        "sms",
        "store",
    }
    assert set(data.interactions["event"]) <= {"view", "click", "contact", "purchase", "complaint"}
    assert len(data.interviews) == 60 and data.survey is not None
