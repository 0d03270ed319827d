"""The demo generator: determinism, the committed copy, and planted truth consistent with data."""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from omniseg.config.vocabulary import CANONICAL_CHANNELS, IDENTIFIER_COLUMNS, normalise_channels
from omniseg.demo.generator import generate_demo
from omniseg.demo.population import SEGMENTS
from omniseg.ingest.io import load_data_dir

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _same_tree(a: Path, b: Path) -> bool:
    files = _files(a)
    if files != _files(b):
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    return not mismatch and not errors


@pytest.fixture(scope="module")
def truth() -> dict[str, pd.DataFrame]:
    folder = DEMO / "truth"
    return {
        "customers": pd.read_csv(folder / "customers.csv", dtype=str),
        "segments": pd.read_csv(folder / "segments.csv"),
        "identity": pd.read_csv(folder / "identity.csv.gz", dtype=str),
        "shared": pd.read_csv(folder / "shared_identifiers.csv", dtype=str),
        "survey": pd.read_csv(folder / "survey.csv", dtype={"customer_id": str}),
        "interviews": pd.read_csv(folder / "interviews.csv"),
    }


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return pd.read_csv(
        DEMO / "interactions.csv.gz", dtype=str, keep_default_na=False, na_values=[""]
    )


def test_same_seed_same_files_other_seed_differs(tmp_path):
    generate_demo(tmp_path / "a", n_customers=300, seed=7, progress=False)
    generate_demo(tmp_path / "b", n_customers=300, seed=7, progress=False)
    generate_demo(tmp_path / "c", n_customers=300, seed=8, progress=False)
    assert _same_tree(tmp_path / "a", tmp_path / "b")
    assert not _same_tree(tmp_path / "a", tmp_path / "c")


@pytest.mark.slow
def test_committed_demo_is_what_the_generator_makes(tmp_path):
    generate_demo(tmp_path / "demo", seed=42, progress=False)
    assert _same_tree(DEMO, tmp_path / "demo"), "data/demo is stale: regenerate with omniseg demo"


def test_demo_is_small():
    size = sum((DEMO / f).stat().st_size for f in _files(DEMO))
    assert size < 6_000_000


def test_generator_replaces_output_atomically(tmp_path):
    out = tmp_path / "demo"
    generate_demo(out, n_customers=100, seed=1, progress=False)
    generate_demo(out, n_customers=120, seed=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]  # no temp/old folders left
    with pytest.raises(ValueError, match="'n_customers' parameter must be an int in \\[50, inf\\)"):
        generate_demo(out, n_customers=10, progress=False)


def test_segments_planted_with_their_shares(truth):
    shares = truth["customers"]["segment"].value_counts(normalize=True)
    for _, row in truth["segments"].iterrows():
        assert abs(shares[row["segment"]] - row["share"]) < 0.03
    assert set(truth["segments"]["segment"]) == set(SEGMENTS)


def test_every_identifier_in_the_data_is_in_the_truth(truth, events):
    known = set(zip(truth["identity"]["identifier_type"], truth["identity"]["value"], strict=True))
    shared = set(zip(truth["shared"]["identifier_type"], truth["shared"]["value"], strict=True))
    for col in IDENTIFIER_COLUMNS:
        values = set(events[col].dropna())
        missing = {v for v in values if (col, v) not in known and (col, v) not in shared}
        assert not missing, f"{col}: {len(missing)} identifiers without truth"


def test_identifiers_are_fragmented_with_formatting_noise(events):
    phones = events["phone"].dropna()
    assert phones.str.startswith("+34").any() and phones.str.startswith("0034").any()
    assert phones.str.contains("-").any() and phones.str.fullmatch(r"\d{9}").any()
    emails = events["email"].dropna()
    assert (emails != emails.str.strip()).any() and (emails != emails.str.lower()).any()
    app = events[normalise_channels(events["channel"]) == "app"]
    assert (app["device_id"].notna() & app["email"].notna()).any()  # co-occurrence to link on
    carried = events[list(IDENTIFIER_COLUMNS)].notna().sum(axis=1)
    assert 0.05 < (carried == 0).mean() < 0.25  # anonymous rows exist


def test_shared_identifiers_really_span_several_people(truth):
    assert (truth["shared"]["identifier_type"] == "email").any()
    assert (truth["shared"]["identifier_type"] == "phone").sum() >= 5
    sizes = truth["shared"]["customer_ids"].str.count("\\|") + 1
    assert {2, 3} <= set(sizes[truth["shared"]["identifier_type"] == "phone"])
    crm = pd.read_csv(DEMO / "customers.csv", sep=";", dtype=str)
    for _, row in truth["shared"].iterrows():
        people = row["customer_ids"].split("|")
        assert len(set(people)) >= 2
        if row["identifier_type"] == "phone":
            digits = crm.loc[crm["customer_id"].isin(people), "phone"].str.replace(
                r"\D", "", regex=True
            )
            assert digits.str[-9:].nunique() == 1 and digits.notna().all()


def test_channel_labels_are_messy_but_all_map_to_canonical(events):
    raw = set(events["channel"])
    assert {"Tienda", "WEB", "call centre"} & raw
    assert set(normalise_channels(events["channel"]).unique()) == set(CANONICAL_CHANNELS)


def _events_by_true_person(truth, events):
    ident = truth["identity"].drop_duplicates(["identifier_type", "value"])
    person = pd.Series(np.nan, index=events.index, dtype=object)
    for col in IDENTIFIER_COLUMNS:
        lookup = ident[ident["identifier_type"] == col].set_index("value")["customer_id"]
        person = person.fillna(events[col].map(lookup))
    frame = events.assign(person=person, channel=normalise_channels(events["channel"]))
    return frame.merge(
        truth["customers"], left_on="person", right_on="customer_id", suffixes=("", "_t")
    )


def test_planted_best_channel_is_real(truth, events):
    """Per segment the best channel leads on reach and conversion; the worst is barely used."""
    frame = _events_by_true_person(truth, events)
    sizes = truth["customers"]["segment"].value_counts()
    for _, seg in truth["segments"].iterrows():
        part = frame[frame["segment"] == seg["segment"]]
        engaged = part.groupby("channel")["person"].nunique()
        reach = engaged / sizes[seg["segment"]]
        purchases = part[part["event"] == "purchase"].groupby("channel").size()
        conversion = (purchases / engaged).fillna(0.0)
        best, worst = seg["best_channel"], seg["worst_channel"]
        assert reach.idxmax() == best, (seg["segment"], reach.round(2).to_dict())
        assert conversion.idxmax() == best, (seg["segment"], conversion.round(2).to_dict())
        assert conversion[best] > 1.3 * conversion.drop(best).max(), seg["segment"]
        assert reach.get(worst, 0.0) < 0.06, seg["segment"]


def test_channel_effects_truth_matches_the_plan(truth):
    effects = pd.read_csv(DEMO / "truth" / "channel_effects.csv")
    assert {"segment", "channel", "reach", "conversion_rate", "planted_reach"} <= set(effects)
    assert len(effects) == len(SEGMENTS) * len(CANONICAL_CHANNELS)
    assert (effects["reach"] - effects["planted_reach"]).abs().max() < 0.08
    for segment, part in effects.groupby("segment"):
        part = part.set_index("channel")
        best = part.index[part["is_best"]][0]
        assert best == SEGMENTS[segment]["best"]
        for col in ("reach", "conversion_rate", "revenue_per_customer"):
            assert part[col].idxmax() == best, (segment, col)


def test_every_truth_customer_is_in_the_crm(truth):
    crm = pd.read_csv(DEMO / "customers.csv", sep=";", dtype=str)
    assert set(truth["customers"]["customer_id"]) == set(crm["customer_id"])
    assert crm["customer_id"].is_unique is False  # the planted exact duplicate rows
    assert 0.003 < crm.duplicated().mean() < 0.008
    assert 0.01 < crm["age"].isna().mean() < 0.05


def test_seasonality_revenue_and_campaigns(events):
    month = events["timestamp"].str[:7]
    per_month = month.value_counts().sort_index()
    assert per_month["2025-12"] > 1.3 * per_month.median()
    assert per_month["2025-11"] > 1.2 * per_month.median()
    store = events[normalise_channels(events["channel"]) == "store"]
    store_month = store["timestamp"].str[:7].value_counts()
    assert store_month["2025-08"] < 0.8 * store_month.median()
    store_hours = store["timestamp"].str[11:13].astype(int)
    assert store_hours.between(10, 20).all()
    buys = events["event"] == "purchase"
    assert events.loc[~buys, "revenue"].isna().all()
    revenue = events.loc[buys, "revenue"].astype(float)
    assert 0 < revenue.isna().mean() < 0.02  # a few purchases without an amount
    assert revenue.max() > 10 * revenue.median()  # heavy tail
    channel = normalise_channels(events["channel"])
    tagged = channel[events["campaign"].notna()]
    assert set(tagged) == {"email", "sms", "web"}
    assert {"BF2025", "XMAS2025", "REBAJAS_ENE26"} <= set(events["campaign"].dropna())


def test_survey_and_interviews(truth):
    survey = pd.read_csv(DEMO / "survey.csv", sep=";", dtype={"customer_id": str})
    crm = pd.read_csv(DEMO / "customers.csv", sep=";", dtype=str)
    rate = len(survey) / crm["customer_id"].nunique()
    assert 0.12 < rate < 0.19
    unlinked = survey["customer_id"].isna().mean()
    assert 0.05 < unlinked < 0.15
    assert set(survey["customer_id"].dropna()) <= set(crm["customer_id"])
    truth_survey = truth["survey"]
    assert truth_survey["customer_id"].notna().all()  # the truth links every respondent
    interviews = truth["interviews"]
    assert len(interviews) == 60 and set(interviews["language"]) == {"es", "en"}
    assert interviews.groupby("segment").size().min() >= 10
    for row in interviews.itertuples():
        text = (DEMO / "interviews" / f"{row.interview_id}.txt").read_text(encoding="utf-8")
        head, body = text.split("---\n")[1:3]
        meta = dict(line.split(": ", 1) for line in head.strip().splitlines())
        assert meta["language"] == row.language
        if isinstance(row.respondent_id, str):
            assert meta["respondent_id"] == row.respondent_id
        else:
            assert meta["customer_id"] == row.customer_id
        assert 80 <= len(body.split()) <= 220, row.interview_id
        assert bool(re.search(r"@|\+34 \d{3} \d{3}", body)) == row.has_pii, row.interview_id
    spanish = (
        DEMO
        / "interviews"
        / f"{interviews.loc[interviews['language'] == 'es', 'interview_id'].iloc[0]}.txt"
    )
    assert any(ch in spanish.read_text(encoding="utf-8") for ch in "áéíóúñ¿")


def test_demo_loads_through_the_contract():
    data = load_data_dir(DEMO)
    assert len(data.customers) == 5000
    assert any("exact duplicate" in w for w in data.report.warnings)  # planted mess


@pytest.mark.slow
def test_parquet_mode_streams_parts(tmp_path):
    summary = generate_demo(
        tmp_path / "big", n_customers=3000, chunk_size=1000, format="parquet", progress=False
    )
    parts = sorted((tmp_path / "big" / "interactions").glob("part-*.parquet"))
    assert len(parts) == 3
    count = duckdb.execute(
        f"SELECT count(*) FROM read_parquet('{tmp_path / 'big' / 'interactions' / '*.parquet'}')"
    ).fetchone()[0]
    assert count == summary["interactions"] > 50_000
    cols = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet('{parts[0]}')").df()["column_name"]
    csv_cols = pd.read_csv(DEMO / "interactions.csv.gz", nrows=0).columns
    assert list(cols) == list(csv_cols)
    data = load_data_dir(tmp_path / "big")
    assert len(data.customers) == 3000
