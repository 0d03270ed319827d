"""Survey respondents weighted to the customer base (omniseg.voice.survey_weights)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.errors import ParameterError
from omniseg.voice.survey_weights import SurveyWeighting, report_survey_weights, weight_to_customers

TRUTH = Path(__file__).resolve().parents[1] / "data" / "demo" / "truth"


def _base(seg_sizes, regions=None, ages=None) -> tuple[pd.DataFrame, pd.Series]:
    """A customer table with ``seg_sizes[i]`` customers in segment i (and optional columns)."""
    labels = np.repeat(np.arange(len(seg_sizes)), seg_sizes)
    index = pd.Index([f"C{i:04d}" for i in range(len(labels))], name="person_id")
    features = pd.DataFrame(index=index)
    if regions is not None:
        features["region"] = regions
    if ages is not None:
        features["age"] = ages
    return features, pd.Series(labels, index=index)


def test_known_answer_segment_only():
    # base 50/50, respondents 3 + 1: each segment's weight total is half of the 4 respondents
    features, labels = _base([2, 2])
    survey = pd.DataFrame({"respondent_id": ["r1", "r2", "r3", "r4"]})
    placed = pd.Series([0, 0, 0, 1])
    w = weight_to_customers(
        survey, features, labels, placed, variables=(), trim=None, min_respondents=4
    )
    assert w.weighted and w.variables == ["segment"]
    np.testing.assert_allclose(w.weights, [2 / 3, 2 / 3, 2 / 3, 2.0])
    assert w.mix["respondent_share"].tolist() == [0.75, 0.25]
    np.testing.assert_allclose(w.mix["weighted_share"], [0.5, 0.5])
    np.testing.assert_allclose(w.mix["customers"], [0.5, 0.5])
    assert w.result.effective_sample_size == pytest.approx(16 / (3 * 4 / 9 + 4))


def test_demographics_are_met_and_unplaced_respondents_get_no_weight():
    rng = np.random.default_rng(3)
    n = 400
    regions = rng.choice(["N", "S", "E"], n, p=[0.5, 0.3, 0.2])
    ages = rng.uniform(18, 80, n)
    features, labels = _base([250, 150], regions=regions, ages=ages)
    m = 120
    survey = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(m)],
            # respondents skew to the north and to the young
            "region": rng.choice(["N", "S", "E"], m, p=[0.7, 0.2, 0.1]),
            "age_band": rng.choice(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"], m),
        }
    )
    seg = pd.Series(rng.choice([0, 1], m, p=[0.3, 0.7]), dtype="float64")
    seg.iloc[:7] = np.nan  # not placed in any segment
    w = weight_to_customers(survey, features, labels, seg, trim=None)
    assert w.variables == ["segment", "age_band", "region"]
    assert w.weights.iloc[:7].isna().all()
    placed = w.weights.dropna()
    assert len(placed) == m - 7 and placed.mean() == pytest.approx(1.0)
    achieved = w.result.achieved.set_index(["variable", "category"])
    region_share = pd.Series(regions).value_counts(normalize=True)
    for region, share in region_share.items():
        assert achieved.loc[("region", region), "achieved"] == pytest.approx(share, abs=1e-5)
    np.testing.assert_allclose(w.mix["weighted_share"], [250 / 400, 150 / 400], atol=1e-5)
    assert w.mix["respondents"].sum() == m - 7


def test_unusable_variables_are_left_out_and_said_why():
    features, labels = _base([30, 30], regions=["N"] * 20 + ["S"] * 20 + ["W"] * 20)
    features["gender"] = ["F", "M"] * 30
    survey = pd.DataFrame(
        {
            "respondent_id": [f"R{i}" for i in range(30)],
            "region": ["N", "S"] * 15,  # nobody from W: W's share is spread over N and S
            "gender": ["F"] * 29 + [None],  # one missing answer: gender is left out
        }
    )
    placed = pd.Series([0] * 30)  # nobody from segment 1
    w = weight_to_customers(survey, features, labels, placed, segment_names=["Alpha", "Beta"])
    keys = [k for k, _ in w.notes]
    assert keys == [
        "survey_weights.no_respondents",
        "survey_weights.missing",
        "survey_weights.unrepresented",
    ]
    assert w.variables == ["segment", "region"]
    texts = w.note_texts("en")
    assert "Beta" in texts[0]
    assert "gender: 1 respondent did" in texts[1]
    assert "region W (33.3% of customers)" in texts[2]
    assert "región W (33,3" in w.note_texts("es")[2]
    achieved = w.result.achieved.set_index(["variable", "category"])["target"]
    assert achieved[("region", "N")] == pytest.approx(0.5)

    # a survey category the customer table does not have (a spelling): region is left out
    survey["region"] = ["N", "Sur"] * 15
    survey["gender"] = "F"
    w = weight_to_customers(survey, features, labels, placed)
    assert ("survey_weights.foreign", {"variable": "region", "categories": "Sur"}) in w.notes
    assert w.variables == ["segment", "gender"]


def test_too_few_respondents_are_not_weighted():
    features, labels = _base([10, 10])
    survey = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(6)]})
    w = weight_to_customers(survey, features, labels, pd.Series([0, 0, 0, 1, 1, None]))
    assert not w.weighted and w.result is None and w.variables == []
    assert w.weights.tolist()[:5] == [1.0] * 5 and np.isnan(w.weights.iloc[5])
    assert "not weighted" in w.summary_text("en")
    assert "no están ponderadas" in w.summary_text("es")
    assert "Only 5 respondents" in " ".join(w.note_texts("en"))
    assert len(w.plot().data) == 2  # no "weighted" bars
    assert w.plot(language="es").layout.separators == ",."


def test_bad_inputs_raise_clear_errors():
    features, labels = _base([10, 10])
    survey = pd.DataFrame({"respondent_id": ["a", "b"]})
    with pytest.raises(ParameterError, match=r"'survey' parameter .* DataFrame"):
        weight_to_customers([1, 2], features, labels, pd.Series([0, 1]))
    with pytest.raises(ParameterError, match="Series on the survey's index"):
        weight_to_customers(survey, features, labels, pd.Series([0, 1], index=[5, 6]))
    with pytest.raises(ParameterError, match="'segment' column"):
        weight_to_customers(survey, features, labels, pd.DataFrame({"x": [0, 1]}))
    with pytest.raises(ParameterError, match="integer segment codes"):
        weight_to_customers(survey, features, labels.astype(str) + "x", pd.Series([0, 1]))


def test_other_variables_are_named_plainly():
    features, labels = _base([15, 15])
    features["income_band"] = ["low", "high"] * 15
    survey = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(24)]})
    survey["income_band"] = ["low"] * 20 + [None] * 4
    w = weight_to_customers(
        survey, features, labels, pd.Series([0, 1] * 12), variables=("income_band",)
    )
    assert w.variables == ["segment"]
    assert w.note_texts("en") == ["Not weighted by income band: 4 respondents did not give it."]
    survey["income_band"] = ["low", "high"] * 12
    w = weight_to_customers(
        survey, features, labels, pd.Series([0, 1] * 12), variables=("income_band",)
    )
    assert w.variables == ["segment", "income_band"]
    assert w.summary_text("en").startswith("Weighted by: segment, income band.")
    assert w.summary_text("es").startswith("Ponderado por: segmento, income band.")


def test_html_escapes_segment_names_and_json_has_no_respondent_weights():
    features, labels = _base([20, 20])
    survey = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(25)]})
    w = weight_to_customers(
        survey, features, labels, pd.Series([0] * 25), segment_names=["ok", "<script>x</script>"]
    )
    page = w.to_html("en")
    assert "<script>" not in page and "&lt;script&gt;" in page
    # the table names segments and variables as the report does, not by their codes
    assert "<td>segment</td><td>ok</td>" in page
    assert "<td>segmento</td><td>ok</td>" in w.to_html("es")
    data = w.to_dict()
    json.dumps(data)
    assert "weights" not in data and data["mix"][1]["respondents"] == 0


def test_personas_compare_with_the_weighted_average():
    from test_personas import _table  # the hand-made feature table of the persona tests

    from omniseg.segments.segmentation import segment_customers
    from omniseg.voice.personas import build_personas

    features = _table([(120, "app", 27, 0.9, 100), (80, "store", 70, 0.2, 600)])
    seg = segment_customers(features, n_segments=2, random_state=0)
    codebook = {
        "items": {
            f"t{i}": {"type": "likert", "scale": [1, 5], "construct": "trust"} for i in (1, 2)
        }
    }
    big = int(seg.sizes.sort_values("customers").iloc[-1]["segment"])
    ids = {s: seg.labels[seg.labels == s].index[:10].tolist() for s in (0, 1)}
    rows = [
        {"respondent_id": f"R{s}{j}", "customer_id": c, "t1": 5 if s == big else 1,
         "t2": 5 if s == big else 1}
        for s in (0, 1) for j, c in enumerate(ids[s])
    ]  # fmt: skip
    survey = pd.DataFrame(rows)
    links = survey["customer_id"].map(seg.labels)
    w = weight_to_customers(survey, features, seg.labels, links, variables=(), trim=None)
    share_big = float((seg.labels == big).mean())
    small_score = 1.0
    expected = share_big * 5 + (1 - share_big) * small_score
    plain = build_personas(seg, features, survey=survey, codebook=codebook)
    weighted = build_personas(
        seg, features, survey=survey, codebook=codebook, survey_weights=w.weights
    )
    line = {p.segment: p.attitudes[0].text("en") for p in weighted}[big]
    assert f"everyone {expected:.1f}" in line, line
    assert "everyone 3.0" in {p.segment: p.attitudes[0].text("en") for p in plain}[big]
    assert "10 respondents" in line  # counts stay head counts
    with pytest.raises(ParameterError, match="survey_weights"):
        build_personas(
            seg, features, survey=survey, codebook=codebook, survey_weights=w.weights[:3]
        )


@pytest.fixture(scope="module")
def demo_run(demo_pipeline):
    from omniseg.segments.typing_tool import TypingTool

    # load_demo(), customer_features(data), segment_customers(features, random_state=42): shared
    # (tests/conftest.py; this module's own copy, so the typing tool set here stays here)
    data, features, seg = demo_pipeline
    seg.typing_tool = TypingTool(max_depth=4, random_state=42).fit(
        features, seg.labels.to_numpy(), segment_names=seg.names
    )
    return data, features, seg


def test_demo_weighting_corrects_the_planted_response_rates(demo_run, tmp_path):
    data, features, seg = demo_run
    w = report_survey_weights(data, features, seg, output_dir=tmp_path)
    assert isinstance(w, SurveyWeighting) and w.weighted and w.result.converged
    assert w.variables == ["segment", "age_band", "gender", "region"]
    # the planted response rates: promotion hunters answer most (20%), call-centre customers
    # least (12%); unweighted they are over- and under-represented, weighted they are not
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    common = seg.labels.index.intersection(truth.index)
    found = pd.crosstab(truth[common], seg.labels[common]).idxmax(axis=1)
    mix = w.mix.set_index("segment")
    promo, service = mix.loc[found["promo_responsive"]], mix.loc[found["service_reliant"]]
    assert promo["respondent_share"] > promo["customers"] + 0.01
    assert service["respondent_share"] < service["customers"] - 0.01
    assert np.abs(w.mix["weighted_share"] - w.mix["customers"]).max() < 0.005
    assert w.result.max_error_pp < 0.5
    assert 0.5 * w.result.n < w.result.effective_sample_size < w.result.n
    page = w.to_html("es")
    assert "Ponderado por: segmento, tramo de edad, género, región." in page
    assert "<td>tramo de edad</td><td>65+</td>" in page
    saved = json.loads((tmp_path / "survey_weights.json").read_text())
    assert saved["weighted"] and saved["raking"]["converged"]
    assert "respondent_id" not in (tmp_path / "survey_weights.json").read_text()
