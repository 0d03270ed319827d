"""Channel plan: shrinkage, scores, ranks, roles, reasons, sensitivity, gaps, activation."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from omniseg.channels import (
    activation_lists,
    channel_metrics,
    channel_plan,
    omnichannel_gaps,
    shrunk_rate,
)
from omniseg.errors import ParameterError

TRUTH = Path(__file__).resolve().parents[1] / "data" / "demo" / "truth"


def test_shrunk_rate_known_answers():
    mean, low, high = shrunk_rate([4], [10], [0.2], prior_strength=10, kind="poisson")
    # Gamma(shape = 4 + 10*0.2, rate = 10 + 10): mean 6/20
    assert mean[0] == pytest.approx(0.3)
    assert low[0] == pytest.approx(stats.gamma.ppf(0.05, 6, scale=1 / 20))
    assert high[0] == pytest.approx(stats.gamma.ppf(0.95, 6, scale=1 / 20))
    mean, low, _ = shrunk_rate([2], [3], [0.5], prior_strength=4, kind="binomial")
    # Beta(2 + 2, 1 + 2): mean 4/7
    assert mean[0] == pytest.approx(4 / 7)
    assert low[0] == pytest.approx(stats.beta.ppf(0.05, 4, 3))
    with pytest.raises(ParameterError):
        shrunk_rate([1], [2], [0.1], kind="normal")


def _features(spec: dict[str, tuple[int, int, int]], n: int = 1000) -> pd.DataFrame:
    """One segment of n customers; per channel (engaged customers, purchases, revenue)."""
    data = {}
    for ch, (engaged, purchases, revenue) in spec.items():
        inter = np.zeros(n)
        inter[:engaged] = 1
        buys = np.zeros(n)
        buys[:purchases] = 1 if purchases <= engaged else purchases / max(engaged, 1)
        data[f"interactions_{ch}"] = inter
        data[f"purchases_{ch}"] = buys
        data[f"revenue_{ch}"] = buys * revenue / max(purchases, 1)
    frame = pd.DataFrame(data)
    frame.index = [f"C{i}" for i in range(n)]
    return frame


def test_two_out_of_three_does_not_outrank_four_hundred_out_of_a_thousand():
    features = _features({"web": (1000, 400, 4000), "app": (3, 2, 20)})
    labels = pd.Series(0, index=features.index)
    metrics = channel_metrics(features, labels).set_index("channel")
    assert metrics.loc["app", "conversion_raw"] == pytest.approx(2 / 3)
    assert metrics.loc["web", "conversion_raw"] == pytest.approx(0.4)
    # raw 0.67 > 0.40, but the shrunk lower bound of app is below web's
    assert metrics.loc["app", "conversion_low"] < metrics.loc["web", "conversion_low"]
    plan = channel_plan(metrics.reset_index(), weights={"conversion": 1.0}, min_engaged=1)
    ranks = plan.table.set_index("channel")["rank"]
    assert ranks["web"] == 1 and ranks["app"] == 2
    # and with the default evidence threshold the 3-customer channel is flagged as thin
    plan = channel_plan(metrics.reset_index())
    assert bool(plan.table.set_index("channel").loc["app", "thin"])
    assert (
        "Too little evidence (3 engaged"
        in plan.to_frame().set_index("channel").loc["app", "reason"]
    )


def test_score_is_weighted_mean_of_components_normalised_to_the_best():
    features = _features({"web": (800, 200, 2000), "email": (400, 300, 6000)})
    labels = pd.Series(0, index=features.index)
    metrics = channel_metrics(features, labels)
    plan = channel_plan(metrics, weights={"reach": 1.0, "value": 1.0})
    t = plan.table.set_index("channel")
    # reach: web 0.8 (best) / email 0.4 -> 1, 0.5; value: web 2 / email 6 EUR per customer
    assert t.loc["web", "score"] == pytest.approx((1 + 2 / 6) / 2)
    assert t.loc["email", "score"] == pytest.approx((0.5 + 1) / 2)
    assert plan.weights == {"reach": 1.0, "value": 1.0}
    assert t.loc["email", "role"] == "convert"  # 60% of the segment's purchases


def test_sensitivity_detects_a_close_call():
    features = _features({"web": (800, 200, 2000), "email": (400, 300, 4800)})
    labels = pd.Series(0, index=features.index)
    plan = channel_plan(channel_metrics(features, labels), weights={"reach": 1.0, "value": 1.0})
    # web: (1 + 2/4.8)/2 = 0.708; email: (0.5 + 1)/2 = 0.75; reach weight x1.2:
    # web (1.2 + 0.417)/2.2 = 0.735 > email (0.6 + 1)/2.2 = 0.727
    sens = plan.sensitivity.iloc[0]
    assert sens["top"] == "email" and not sens["stable"] and sens["alternatives"] == ("web",)


def test_parameter_errors():
    features = _features({"web": (10, 1, 10)})
    labels = pd.Series(0, index=features.index)
    metrics = channel_metrics(features, labels)
    with pytest.raises(ParameterError, match="Unknown weight"):
        channel_plan(metrics, weights={"love": 1})
    with pytest.raises(ParameterError, match="not in the data"):
        channel_metrics(features, labels, costs={"fax": 1.0})
    with pytest.raises(ParameterError, match="every row"):
        channel_metrics(features, labels.iloc[:5])


def test_activation_lists_hash_with_a_key_from_the_environment(tmp_path, monkeypatch):
    features = _features({"web": (100, 50, 500)}, n=100)
    labels = pd.Series(0, index=features.index)
    plan = channel_plan(channel_metrics(features, labels), segment_names={0: "S1"})
    crm = pd.DataFrame({"customer_id": features.index, "email": [" A@X.es"] * 100})
    with pytest.raises(ParameterError, match="OMNISEG_TEST_KEY is not set"):
        activation_lists(plan, labels, customers=crm, hash_key_env="OMNISEG_TEST_KEY")
    monkeypatch.setenv("OMNISEG_TEST_KEY", "k3y")
    lists = activation_lists(
        plan, labels, customers=crm, hash_key_env="OMNISEG_TEST_KEY", output_dir=tmp_path
    )
    frame = lists[(0, "web")]
    expected = hmac.new(b"k3y", b"a@x.es", hashlib.sha256).hexdigest()
    assert (frame["email_hash"] == expected).all() and len(frame) == 100
    written = (tmp_path / "activation" / "S1_web.csv").read_text()
    assert "a@x.es" not in written.lower() and "k3y" not in written


def test_gaps_flag_uneven_satisfaction():
    features = pd.DataFrame(
        {
            "satisfaction_web": [2.0] * 20,
            "satisfaction_store": [4.5] * 20,
            "contacts": [1] * 20,
            "unanswered_contacts": [1] * 5 + [0] * 15,
        }
    )
    gaps = omnichannel_gaps(features, pd.Series(0, index=features.index)).iloc[0]
    assert gaps["worst_rated"] == "web" and gaps["best_rated"] == "store"
    assert gaps["satisfaction_gap"] == pytest.approx(2.5) and gaps["inconsistent"]
    assert gaps["customers_with_unanswered"] == pytest.approx(0.25)


# ------------------------------------------------------------------------------ demo data


@pytest.fixture(scope="module")
def demo_plan(demo_pipeline):
    # customer_features(load_demo()) and segment_customers(features, random_state=42), shared
    # (tests/conftest.py); the plan reads only the labels, the same with or without the profile
    _, features, seg = demo_pipeline
    metrics = channel_metrics(features, seg.labels)
    plan = channel_plan(metrics, features=features, labels=seg.labels)
    return features, seg, plan


def test_demo_planted_best_channel_first_and_worst_not_in_top_three(demo_plan):
    _, seg, plan = demo_plan
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    planted = pd.read_csv(TRUTH / "segments.csv").set_index("segment")
    common = seg.labels.index.intersection(truth.index)
    mapping = pd.crosstab(truth[common], seg.labels[common]).idxmax(axis=1)
    table = plan.table
    for name, found in mapping.items():
        ranks = table[table["segment"] == found].set_index("channel")["rank"]
        assert ranks[planted.loc[name, "best_channel"]] == 1, name
        assert ranks[planted.loc[name, "worst_channel"]] > 3, name
    assert plan.sensitivity["stable"].all()
    top = plan.top_table(3, language="es")
    assert len(top) == 3 * len(mapping)
    reasons = " ".join(top.iloc[:, 5])
    assert "IC 90 %" in reasons and "," in reasons  # Spanish, decimal comma


def test_demo_channel_plan_csv(demo_plan, tmp_path):
    _, _, plan = demo_plan
    path = plan.to_csv(tmp_path / "channel_plan.csv")
    frame = pd.read_csv(path)
    assert {"segment", "channel", "rank", "score", "role", "reason"} <= set(frame.columns)
    assert frame.groupby("segment")["rank"].min().eq(1).all()
    fig = plan.plot_scores()
    assert fig.data[0].z.shape == (5, 8)


def test_demo_journey_patterns_follow_the_planted_segments(demo_plan):
    from omniseg.channels.gaps import journey_patterns, patterns_table

    features, seg, _ = demo_plan
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    common = seg.labels.index.intersection(truth.index)
    mapping = pd.crosstab(truth[common], seg.labels[common]).idxmax(axis=1)
    patterns = journey_patterns(features, seg.labels)
    table = patterns.set_index("segment")
    assert table["ropo_purchases"].idxmax() == mapping["ropo"]
    assert table["contact_after_web"].idxmax() == mapping["service_reliant"]
    # the same numbers, worded for the report
    shown = patterns_table(patterns).set_index("Segment")

    def pct(col: str) -> pd.Series:
        return shown[col].str.rstrip("%").astype(float)

    assert pct("Web research, store purchase").idxmax() == str(mapping["ropo"])
    assert pct("Call/chat after web visit").idxmax() == str(mapping["service_reliant"])
    es = patterns_table(patterns, "es")
    assert es.columns[0] == "Segmento" and es.iloc[0, 1].endswith("%")
