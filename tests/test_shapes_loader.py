"""Real data of any shape: each test pins one silent misread the loader no longer makes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.config.params import load_params
from omniseg.errors import DataValidationError, ParameterError
from omniseg.features.lifetimes import lifetimes_summary
from omniseg.ingest.io import load_data, load_interactions

CRM = pd.DataFrame({"customer_id": ["C1", "C2"]})


def _events(revenue: list[str], **extra) -> pd.DataFrame:
    n = len(revenue)
    return pd.DataFrame(
        {
            "timestamp": [f"2026-01-{1 + i % 28:02d} 10:{i % 60:02d}" for i in range(n)],
            "channel": ["web"] * n,
            "event": ["purchase"] * n,
            "customer_id": ["C1"] * n,
            "revenue": revenue,
            **extra,
        }
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ 1. numbers per column


def test_spanish_thousands_dot_15_597_is_read_as_15597(tmp_path):
    # the real case: a Spanish CRM export, ';'-delimited, where purchases like 15.597 were read
    # 1000x too small next to 1.234,56 in the same column
    lines = ["fecha;canal;evento;customer_id;importe"]
    lines += [f"2026-01-{d:02d} 10:00;web;compra;C1;15.597" for d in range(1, 5)]
    lines += ["2026-01-06 10:00;web;compra;C1;1.234,56", "2026-01-07 10:00;web;compra;C1;12,5"]
    path = _write(tmp_path / "ventas.csv", "\n".join(lines) + "\n")
    data = load_data(
        CRM,
        path,
        columns={
            "interactions": {
                "fecha": "timestamp",
                "canal": "channel",
                "evento": "event",
                "importe": "revenue",
            }
        },
    )
    assert data.interactions["revenue"].tolist() == [15597.0] * 4 + [1234.56, 12.5]
    assert not any("column 'revenue'" in w for w in data.report.warnings)


def test_dot_decimal_column_reads_15_597_as_15_597():
    df = load_interactions(_events(["15.597", "12.5", "1,234.56"]))
    assert df["revenue"].tolist() == [15.597, 12.5, 1234.56]


def test_comma_decimal_cells_make_15_597_thousands_in_a_comma_delimited_file(tmp_path):
    text = "timestamp,channel,event,customer_id,revenue\n"
    text += '2026-01-02,web,purchase,C1,15.597\n2026-01-03,web,purchase,C1,"12,5"\n'
    df = load_interactions(_write(tmp_path / "e.csv", text))
    assert df["revenue"].tolist() == [15597.0, 12.5]


def test_ambiguous_15_597_in_a_semicolon_file_is_thousands_with_a_warning(tmp_path):
    lines = ["timestamp;channel;event;customer_id;revenue"]
    lines += ["2026-01-02;web;purchase;C1;15.597", "2026-01-03;web;purchase;C1;3.000"]
    data = load_data(CRM, _write(tmp_path / "e.csv", "\n".join(lines) + "\n"))
    assert data.interactions["revenue"].tolist() == [15597.0, 3000.0]
    (note,) = [w for w in data.report.warnings if "column 'revenue'" in w]
    assert "2 values such as 15.597" in note and "thousands separator" in note
    assert "';'-delimited" in note and "number_format" in note


def test_ambiguous_15_597_in_a_dataframe_is_a_decimal_with_a_warning():
    data = load_data(CRM, _events(["15.597", "3.000"]))
    assert data.interactions["revenue"].tolist() == [15.597, 3.0]
    assert any("read as decimals" in w and "'revenue'" in w for w in data.report.warnings)


def test_other_columns_decimal_commas_make_ambiguous_revenue_thousands():
    events = _events(["15.597", "3.000"], discount=["2,5", "10,25"])
    data = load_data(CRM, events)
    assert data.interactions["revenue"].tolist() == [15597.0, 3000.0]
    assert any("other columns of the file" in w for w in data.report.warnings)


def test_stated_number_format_reads_15_597_as_15597_without_a_warning():
    data = load_data(
        CRM, _events(["15.597", "3.000"]), number_format={"decimal": ",", "thousands": "."}
    )
    assert data.interactions["revenue"].tolist() == [15597.0, 3000.0]
    assert not any("'revenue'" in w for w in data.report.warnings)
    per_table = load_data(
        CRM, _events(["15.597"]), number_format={"interactions": {"decimal": "."}}
    )
    assert per_table.interactions["revenue"].tolist() == [15.597]


def test_stated_number_format_refuses_cells_written_otherwise():
    with pytest.raises(DataValidationError, match="stated format") as info:
        load_data(CRM, _events(["12.5", "1.234,5"]), number_format={"decimal": ","})
    assert info.value.problems[0].n_rows == 1


@pytest.mark.parametrize(
    "fmt",
    [
        {"decimal": ",", "thousands": ","},
        {"decimal": ";"},
        {"thousands": "'"},
        {"sep": ","},
        {"sales": {"decimal": ","}},
    ],
)
def test_bad_number_format_is_a_parameter_error(fmt):
    with pytest.raises(ParameterError):
        load_data(CRM, _events(["1"]), number_format=fmt)


# ------------------------------------------------------------------ 2. gender codes


def test_spanish_gender_code_m_is_mujer_not_male():
    crm = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "gender": ["H", "M", None]})
    data = load_data(crm, _events(["1"]))
    assert data.customers["gender"].tolist()[:2] == ["male", "female"]
    english = crm.assign(gender=["M", "F", None])
    assert load_data(english, _events(["1"])).customers["gender"].tolist()[:2] == [
        "male",
        "female",
    ]


def test_gender_code_m_alone_is_read_by_the_file_locale_with_a_warning(tmp_path):
    path = _write(tmp_path / "crm.csv", "customer_id;gender\nC1;M\nC2;M\n")
    data = load_data(path, _events(["1"]))
    assert data.customers["gender"].tolist() == ["female", "female"]
    assert any("column 'gender'" in w and "value_maps" in w for w in data.report.warnings)


def test_value_maps_state_codes_before_normalisation():
    crm = pd.DataFrame({"customer_id": ["C1", "C2"], "sexo": ["1", "2"]})
    data = load_data(
        crm,
        _events(["1"]),
        columns={"customers": {"sexo": "gender"}},
        value_maps={"customers": {"gender": {"1": "male", "2": "female"}}},
    )
    assert data.customers["gender"].tolist() == ["male", "female"]
    with pytest.raises(ParameterError, match="unknown table"):
        load_data(crm, _events(["1"]), value_maps={"clientes": {"gender": {"1": "male"}}})
    with pytest.raises(DataValidationError, match="value_maps gives values for column 'genero'"):
        load_data(crm, _events(["1"]), value_maps={"customers": {"genero": {"1": "male"}}})


# ------------------------------------------------------------------ 3. columns: mapping


def test_columns_mapping_with_a_missing_source_was_ignored():
    with pytest.raises(DataValidationError) as info:
        load_data(CRM, _events(["1"]), columns={"interactions": {"importe": "revenue"}})
    (problem,) = info.value.problems
    assert "'importe'" in problem.message and "Columns found" in problem.message
    assert "revenue" in problem.message  # the columns found, for a close match
    with pytest.raises(DataValidationError, match="Did you mean 'revenue'"):
        load_data(CRM, _events(["1"]), columns={"interactions": {"revenu": "revenue"}})


def test_columns_mapping_to_a_name_outside_the_contract_was_kept_silently():
    events = _events(["1"]).rename(columns={"revenue": "importe"})
    with pytest.raises(DataValidationError, match="Did you mean 'revenue'") as info:
        load_data(CRM, events, columns={"interactions": {"importe": "revnue"}})
    assert "not a column of the interactions table" in info.value.problems[0].message
    # a column that is not renamed is kept under its own name
    assert "importe" in load_data(CRM, events).interactions.columns


# ------------------------------------------------------------------ 4. Excel sheets


def test_excel_sheet_given_in_params_was_not_passed_to_the_loader(tmp_path):
    with pd.ExcelWriter(tmp_path / "crm.xlsx") as writer:
        pd.DataFrame({"x": ["cover"]}).to_excel(writer, sheet_name="Portada", index=False)
        CRM.to_excel(writer, sheet_name="Clientes", index=False)
    _events(["1"]).to_csv(tmp_path / "events.csv", index=False)
    params = tmp_path / "params.yaml"
    params.write_text(
        "data:\n  customers: crm.xlsx\n  interactions: events.csv\n"
        "  sheets: {customers: Clientes}\n",
        encoding="utf-8",
    )
    data = load_params(params).data.load()
    assert data.customers["customer_id"].tolist() == ["C1", "C2"]
    with pytest.raises(DataValidationError, match=r"Sheets found: \['Portada', 'Clientes'\]"):
        load_data(tmp_path / "crm.xlsx", _events(["1"]), sheets={"customers": "Clients"})


# ------------------------------------------------------------------ 5. order lines


def test_order_lines_without_order_id_were_counted_as_orders_silently():
    n = 60
    events = _events([str(i) for i in range(n)])
    events["timestamp"] = "2026-01-05 10:00"  # 60 lines of one basket
    data = load_data(CRM, events)
    assert any("order_id" in w and "60 of 60 purchase rows" in w for w in data.report.warnings)
    with_orders = load_data(CRM, events.assign(order_id="T1"))
    assert with_orders.interactions["order_id"].dtype == "string"
    assert not any("order_id column" in w for w in with_orders.report.warnings)


# ------------------------------------------------------------------ 6. exact duplicates


def test_exact_duplicates_dropped_silently_removed_revenue():
    events = pd.concat([_events(["100", "50"]), _events(["100"])], ignore_index=True)
    data = load_data(CRM, events)
    (note,) = [w for w in data.report.warnings if "exact duplicate" in w]
    assert "1 exact duplicate row dropped (33.3% of 3 rows" in note
    assert "revenue removed 100.00, 40.0%" in note and "product, order_id" in note


# ------------------------------------------------------------------ 7. zero-padded ids


def test_zero_padded_crm_ids_against_numeric_interaction_ids_went_unlinked():
    crm = pd.DataFrame({"customer_id": ["00123", "00456", "00789"]})
    events = _events(["1", "2"]).assign(customer_id=["123", "456"])
    data = load_data(crm, events)
    (note,) = [w for w in data.report.warnings if "leading zeros" in w]
    assert "column 'customer_id': 2 customer_id values" in note
    assert "spreadsheet" in note and "00123" not in note and "123" not in note.split(":")[0]
    assert data.interactions["customer_id"].tolist() == ["123", "456"]  # ids are not changed


# ------------------------------------------------------------------ 8. currency


def test_currency_is_checked_against_babel(tmp_path):
    base = {"data": {"customers": "c.csv", "interactions": "i.csv"}}
    assert load_params(base).currency == "EUR"
    assert load_params({**base, "currency": "MXN"}).to_dict()["currency"] == "MXN"
    with pytest.raises(ParameterError, match="Did you mean 'USD'"):
        load_params({**base, "currency": "usd"})
    with pytest.raises(ParameterError, match="ISO 4217"):
        load_params({**base, "currency": "EURO"})


# ------------------------------------------------------------------ 9. bugs


def _cdnow() -> pd.DataFrame:
    import lifetimes

    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    return pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str})


@pytest.mark.parametrize("freq", ["D", "W"])
def test_lifetimes_summary_with_an_earlier_end_gave_recency_above_t(freq):
    from lifetimes.utils import summary_data_from_transaction_data

    tx = _cdnow()
    kw = {"datetime_format": "%Y%m%d", "observation_period_end": "19970930", "freq": freq}
    expected = summary_data_from_transaction_data(
        tx, "customer_id", "date", monetary_value_col="dollar_value", **kw
    )
    ours = lifetimes_summary(tx, monetary_col="dollar_value", **kw)
    assert len(ours) == len(expected) == 23_570
    assert not (ours["recency"] > ours["T"]).any()
    expected = expected.loc[ours.index, ["frequency", "recency", "T", "monetary_value"]]
    np.testing.assert_allclose(ours.to_numpy(), expected.to_numpy(), atol=1e-6)
    with pytest.raises(ParameterError, match="freq"):
        lifetimes_summary(tx, freq="M", datetime_format="%Y%m%d")


def test_upper_case_survey_columns_renamed_to_upper_case_items_failed_without_a_word_on_case():
    items = [f"{trait}{i}" for trait in "ACENO" for i in range(1, 6)]
    codebook = {"items": {name: {"type": "likert", "scale": [1, 5]} for name in items}}
    survey = pd.DataFrame({"respondent_id": ["R1"], **{f"P{n}": [3] for n in range(25)}})
    data = load_data(
        CRM,
        _events(["1"]),
        survey,
        codebook,
        columns={"survey": {f"P{n}": name for n, name in enumerate(items)}},
    )
    assert list(data.survey.columns[1:]) == [name.lower() for name in items]
    with pytest.raises(DataValidationError, match="case-insensitively") as info:
        load_data(CRM, _events(["1"]), survey.rename(columns={"P0": "A_1"}), codebook)
    assert "Did you mean the column 'a_1'" in str(info.value)


@pytest.mark.parametrize(
    ("key", "params", "english", "spanish"),
    [
        (
            "loader.duplicates_revenue",
            {"src": "i.csv", "n": 436, "share": 436 / 146434, "rows": 146434, "caution": ""}
            | {"revenue": 4456.68, "revenue_share": 0.003},
            "i.csv: 436 exact duplicate rows dropped (0.3% of 146,434 rows; revenue removed "
            "4,456.68, 0.3% of the revenue read)",
            "se eliminaron 436 filas duplicadas exactas (0,3\u00a0% de 146.434 filas; ingresos "
            "eliminados 4.456,68",
        ),
        (
            "loader.duplicates",
            {"src": "c.csv", "n": 1, "share": 1 / 3, "rows": 3}
            | {"caution": {"key": "loader.duplicates_caution", "params": {}}},
            "c.csv: 1 exact duplicate row dropped (33.3% of 3 rows). More than 1% is removed: ",
            "Se eliminó más del 1 %",
        ),
        (
            "loader.order_lines",
            {"src": "i.csv", "n": 900, "purchases": 1000, "order_share": 0.9},
            "i.csv: 900 of 1,000 purchase rows (90%) share their customer and their exact "
            "timestamp with another purchase: they look like the lines of one order",
            "900 de 1.000 compras",
        ),
    ],
)
def test_new_loader_warnings_reached_spanish_reports_in_english(key, params, english, spanish):
    """These warnings once had no Spanish form; now every loader warning is worded from its key
    (the English text is unchanged)."""
    from omniseg.ingest.loader_warnings import LoaderWarning
    from omniseg.report.i18n import translate_loader_warning

    warning = LoaderWarning(key, params)
    assert str(warning).startswith(english)
    assert spanish in translate_loader_warning(warning, "es")
