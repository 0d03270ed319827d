"""Segmentation: basis (known answers), Segmenter (choice of k, determinism, confidence), planted
segments of the demo data, saved models, re-scoring and the report step."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from typer.testing import CliRunner

from omniseg.cli import app
from omniseg.errors import DataValidationError, ParameterError
from omniseg.segments.basis import SegmentationBasis
from omniseg.segments.models import ModelFileError, load_model, save_model
from omniseg.segments.segmentation import Segmentation, compare_methods
from omniseg.segments.segmentation_report import report_segmentation
from omniseg.segments.segmenter import Segmenter

TRUTH = Path(__file__).resolve().parents[1] / "data" / "demo" / "truth"


# ------------------------------------------------------------------------------ basis


def test_channel_mix_smoothing_and_block_scaling_by_hand():
    table = pd.DataFrame(
        {
            "interactions_web": [3, 0, 1, 0],
            "interactions_store": [1, 4, 1, 0],
            "age": [20.0, 40.0, np.nan, 60.0],
        }
    )
    basis = SegmentationBasis(channel_prior=2.0).fit(table)
    # average mix: web 4/10, store 6/10; smoothed mix of row 0: (3 + 2*0.4) / (4 + 2)
    mean = np.array([0.4, 0.6])
    counts = table[["interactions_web", "interactions_store"]].to_numpy(float)
    mix = (counts + 2 * mean) / (counts.sum(1, keepdims=True) + 2)
    assert mix[0, 0] == pytest.approx(3.8 / 6)
    assert mix[3].tolist() == pytest.approx([0.4, 0.6])  # no interactions: the average mix
    age = np.array([20.0, 40.0, 40.0, 60.0])  # missing -> median of 20, 40, 60
    expected = np.column_stack(
        [
            (mix[:, 0] - mix[:, 0].mean()) / mix[:, 0].std() / np.sqrt(2),
            (mix[:, 1] - mix[:, 1].mean()) / mix[:, 1].std() / np.sqrt(2),
            (age - age.mean()) / age.std(),
        ]
    )
    np.testing.assert_allclose(basis.transform(table), expected)
    assert basis.get_feature_names_out().tolist() == [
        "channels:mix_web",
        "channels:mix_store",
        "demographics:age",
    ]
    assert basis.imputed_ == {"age": 0.25}


def test_block_weights_and_total_block_variance():
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {f"interactions_{c}": rng.poisson(3, 200) for c in ("web", "app", "store", "phone")}
    )
    table["age"] = rng.normal(45, 10, 200)
    Z = SegmentationBasis(block_weights={"channels": 2.0}).fit_transform(table)
    # each block's columns sum to variance weight**2: 4 for channels, 1 for age
    assert Z[:, :4].var(axis=0).sum() == pytest.approx(4.0)
    assert Z[:, 4].var() == pytest.approx(1.0)
    Z0 = SegmentationBasis(block_weights={"demographics": 0}).fit_transform(table)
    assert Z0.shape == (200, 4)


def test_log_for_heavy_tails_one_hot_ordinal_and_unseen_levels():
    table = pd.DataFrame(
        {
            "monetary": [0.0, 1.0, 2.0, 3.0, 1000.0, 1.0, 0.0, 2.0],
            "age": [30, 31, 32, 33, 34, 35, 36, 37],
            "region": ["N", "S", "N", None, "S", "N", "S", "N"],
            "income_band": ["low", "high", "middle", "low", None, "high", "low", "middle"],
        }
    )
    basis = SegmentationBasis(
        blocks={"value": ["monetary", "age"], "who": ["region", "income_band"]}
    )
    basis.fit(table)
    specs = {c["name"]: c for c in basis.columns_}
    assert specs["value:monetary"]["log"] is True  # skewness far above 2
    assert specs["value:age"]["log"] is False
    assert specs["who:income_band"]["kind"] == "ordinal"
    assert [c for c in specs if c.startswith("who:region")] == [
        "who:region=(missing)",
        "who:region=N",
        "who:region=S",
    ]
    new = table.head(1).assign(region="West")  # a region never seen: every level column 0
    row = basis.transform(new)[0]
    for name in ("who:region=(missing)", "who:region=N", "who:region=S"):
        j = list(specs).index(name)
        s = specs[name]
        assert row[j] == pytest.approx((0 - s["mean"]) / s["scale"] * s["factor"])
    cont, cat, names = basis.transform_mixed(table)
    assert names == ["region"] and cat[:, 0].tolist() == [1, 2, 1, 0, 2, 1, 2, 1]
    assert cont.shape == (8, 3)


def test_basis_errors_name_the_column_and_the_fix():
    table = pd.DataFrame({"interactions_web": [1, 2], "age": [np.nan, np.nan]})
    with pytest.raises(DataValidationError) as err:
        SegmentationBasis(blocks={"x": ["age", "missing_col"]}).fit(table)
    text = str(err.value)
    assert "'age'" in text and "every value is missing" in text
    assert "'missing_col'" in text and "is missing" in text
    channel_mix = {"channels": "channel_mix", "demographics": ["age"]}
    with pytest.raises(DataValidationError, match="no 'interactions_<channel>' column"):
        SegmentationBasis(blocks=channel_mix).fit(pd.DataFrame({"age": [1, 2]}))
    bad = pd.DataFrame({"interactions_web": [1, -2, 3], "age": [1.0, np.inf, 3.0]})
    with pytest.raises(DataValidationError) as err:
        SegmentationBasis(blocks=channel_mix).fit(bad)
    assert "negative interaction counts" in str(err.value)
    assert "infinite values" in str(err.value) and "row" in str(err.value)
    with pytest.raises(ParameterError, match="not in the basis"):
        SegmentationBasis(block_weights={"value": 1}).fit(bad.abs())
    with pytest.raises(ParameterError, match="pandas DataFrame"):
        SegmentationBasis().fit(np.zeros((3, 2)))


# ------------------------------------------------------------------------------ segmenter


def _blobs(sizes=(300, 200, 150, 100), seed=0) -> tuple[pd.DataFrame, np.ndarray]:
    """Customers of len(sizes) channel habits x ages, well separated."""
    rng = np.random.default_rng(seed)
    habits = [
        ({"web": 8, "app": 20, "store": 0.2}, 28),
        ({"web": 2, "app": 0.2, "store": 12}, 68),
        ({"web": 15, "app": 1, "store": 6}, 45),
        ({"web": 1, "app": 1, "store": 1, "phone": 15}, 62),
    ]
    rows, truth = [], []
    for g, n in enumerate(sizes):
        rates, age = habits[g]
        for _ in range(n):
            row = {f"interactions_{c}": rng.poisson(rates.get(c, 0.1)) for c in
                   ("web", "app", "store", "phone")}  # fmt: skip
            row["age"] = rng.normal(age, 3)
            rows.append(row)
            truth.append(g)
    frame = pd.DataFrame(rows)
    frame.index = [f"C{i:04d}" for i in range(len(frame))]
    return frame, np.array(truth)


def test_recovers_planted_blobs_chooses_k_and_numbers_by_size():
    X, truth = _blobs()
    seg = Segmenter(n_segments=range(2, 7), n_stability=6, random_state=1).fit(X)
    assert seg.n_segments_ == 4
    assert adjusted_rand_score(truth, seg.labels_) == pytest.approx(1.0)
    sizes = np.bincount(seg.labels_)
    assert sizes.tolist() == sorted(sizes.tolist(), reverse=True)  # 0 = largest
    table = seg.selection_
    assert table["chosen"].sum() == 1 and int(table.loc[table["chosen"], "k"].iloc[0]) == 4
    assert set(table.columns) >= {"silhouette", "calinski_harabasz", "stability_q10", "bic"}
    assert (seg.predict(X) == seg.labels_).all()
    assert "largest k" in seg.selection_reason_


def test_min_share_excludes_k_with_a_tiny_segment():
    X, _ = _blobs(sizes=(400, 300, 200, 12))  # the 4th habit is 1.3% of customers
    seg = Segmenter(n_segments=[3, 4], n_stability=4, min_share=0.03, random_state=0).fit(X)
    table = seg.selection_.set_index("k")
    assert not table.loc[4, "eligible"] and seg.n_segments_ == 3
    seg = Segmenter(n_segments=[3, 4], n_stability=4, min_share=0.0, random_state=0).fit(X)
    assert seg.n_segments_ == 4


def test_same_seed_same_labels_and_independent_of_n_jobs():
    X, _ = _blobs(seed=3)
    a = Segmenter(n_segments=range(2, 6), n_stability=4, random_state=7).fit(X)
    b = Segmenter(n_segments=range(2, 6), n_stability=4, random_state=7).fit(X)
    c = Segmenter(n_segments=range(2, 6), n_stability=4, random_state=7, n_jobs=2).fit(X)
    assert (a.labels_ == b.labels_).all() and (a.labels_ == c.labels_).all()
    pd.testing.assert_frame_equal(a.selection_, c.selection_)


def test_confidence_margin_and_borderline_between_two_centres():
    X, _ = _blobs()
    seg = Segmenter(n_segments=4, random_state=0).fit(X)
    conf = seg.confidence(X)
    assert conf["confidence"].between(0, 1).all()
    assert conf["confidence"].median() > 0.5  # well-separated blobs
    # a customer exactly half-way (in the basis space) between two centres has margin ~0
    Z = seg.transform(X)
    c0, c1 = seg.cluster_centers_[0], seg.cluster_centers_[1]
    d0 = np.linalg.norm(Z - c0, axis=1)
    d1 = np.linalg.norm(Z - c1, axis=1)
    own = np.where(seg.labels_ == 0, d0, np.where(seg.labels_ == 1, d1, np.inf))
    other = np.where(seg.labels_ == 0, d1, d0)
    mask = seg.labels_ <= 1
    d_all = np.stack([np.linalg.norm(Z - c, axis=1) for c in seg.cluster_centers_], axis=1)
    second = np.sort(d_all, axis=1)[:, 1]
    np.testing.assert_allclose(
        conf["confidence"].to_numpy()[mask], (1 - own / second)[mask], rtol=1e-9
    )
    assert other.shape == own.shape
    assert (conf["borderline"] == (conf["confidence"] < 0.15)).all()


@pytest.mark.parametrize("method", ["gmm", "latent_class"])
def test_mixtures_have_posteriors(method):
    X, truth = _blobs(seed=5)
    seg = Segmenter(method=method, n_segments=4, random_state=0).fit(X)
    p = seg.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p.argmax(axis=1) == seg.labels_).all()
    assert adjusted_rand_score(truth, seg.labels_) > 0.9
    conf = seg.confidence(X)
    np.testing.assert_allclose(conf["confidence"], p.max(axis=1))


def test_latent_class_uses_the_plain_gaussian_when_nothing_is_missing():
    """The basis imputes the continuous columns, so StepMix's plain diagonal Gaussian (4x faster)
    is the same model as its missing-value variant: same labels, same log-likelihood."""
    import warnings

    from stepmix.stepmix import StepMix

    from omniseg.segments.clustering import latent_class_measurement as _lc_measurement

    X, _ = _blobs(seed=5)
    seg = Segmenter(method="latent_class", n_segments=4, random_state=0).fit(X)
    continuous, categorical, names = seg.basis_.transform_mixed(X)
    assert seg._fitted.model.measurement["continuous"]["model"] == "gaussian_diag"
    fits = {}
    for model in ("gaussian_diag", "gaussian_diag_nan"):
        lc = StepMix(n_components=4, measurement=model, n_init=2, random_state=3, verbose=0,
                     progress_bar=0, abs_tol=1e-6, max_iter=300)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits[model] = lc.fit(continuous)
    plain, nan = fits["gaussian_diag"], fits["gaussian_diag_nan"]
    assert adjusted_rand_score(plain.predict(continuous), nan.predict(continuous)) == 1.0
    assert plain.score(continuous) == pytest.approx(nan.score(continuous), abs=1e-5)
    # with a missing value the missing-value model is kept
    holed = continuous.copy()
    holed[0, 0] = np.nan
    assert _lc_measurement((holed, categorical, names))["continuous"]["model"] == (
        "gaussian_diag_nan"
    )


def test_kmeans_has_no_predict_proba_and_ward_predicts_by_centroid():
    X, truth = _blobs()
    seg = Segmenter(n_segments=4).fit(X)
    assert not hasattr(seg, "predict_proba")
    ward = Segmenter(method="ward", n_segments=4, ward_sample=500).fit(X)
    assert adjusted_rand_score(truth, ward.labels_) > 0.95


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        # the one parameter message template of omniseg._checks (was "method must be one of")
        ({"method": "dbscan"}, "'method' parameter of Segmenter must be one of"),
        ({"n_segments": 1}, "n_segments"),
        ({"n_segments": [3, "x"]}, "n_segments"),
        ({"min_share": 0.9}, "min_share"),
        ({"random_state": None}, "random_state"),
        ({"n_segments": 400}, "too few"),
    ],
)
def test_parameter_errors(kw, match):
    X, _ = _blobs()
    with pytest.raises(ParameterError, match=match):
        Segmenter(**kw).fit(X)


# ------------------------------------------------------------------------------ demo data


@pytest.fixture(scope="module")
def demo_features(demo_pipeline) -> pd.DataFrame:
    return demo_pipeline[1]  # customer_features(load_demo()), shared (tests/conftest.py)


@pytest.fixture(scope="module")
def demo_segmentation(demo_pipeline) -> Segmentation:
    # Segmentation.from_segmenter(Segmenter(random_state=42).fit(features), features)
    return demo_pipeline[2]


def test_demo_default_run_recovers_the_planted_segments(demo_features, demo_segmentation):
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    planted = pd.read_csv(TRUTH / "segments.csv")
    labels = demo_segmentation.labels
    common = labels.index.intersection(truth.index)
    assert len(common) >= 0.95 * len(labels)
    assert demo_segmentation.segmenter.n_segments_ == len(planted)  # the planted number
    ari = adjusted_rand_score(truth[common], labels[common])
    assert ari >= 0.85, ari
    # every planted segment maps to one found segment, and no two to the same one
    table = pd.crosstab(truth[common], labels[common])
    best = table.idxmax(axis=1)
    assert best.is_unique
    assert (table.max(axis=1) / table.sum(axis=1)).min() > 0.85


def test_html_escapes_segment_names_and_the_reason(demo_segmentation):
    evil = "<script>alert(1)</script>"
    sizes = demo_segmentation.sizes.copy()
    sizes.loc[sizes.index[0], "name"] = evil
    seg = replace(demo_segmentation, sizes=sizes, selection_reason=evil)
    page = seg.to_html("es")
    assert "<script>" not in page and page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert page.startswith("<div class='os-segmentation'><p>Los clientes")


def test_demo_profile_names_each_planted_best_channel(demo_features, demo_segmentation):
    """The most distinctive trait of each found segment is its planted best channel's share."""
    truth = pd.read_csv(TRUTH / "customers.csv").set_index("customer_id")["segment"]
    planted = pd.read_csv(TRUTH / "segments.csv").set_index("segment")["best_channel"]
    labels = demo_segmentation.labels
    common = labels.index.intersection(truth.index)
    mapping = pd.crosstab(labels[common], truth[common]).idxmax(axis=1)
    profile = demo_segmentation.profile
    top = profile.top_features(n=1)
    worded = profile.top_features_table(n=1, language="es")
    from omniseg.features.labels import feature_labels

    labels_es = feature_labels(list(profile.tests.index), "es")
    for seg, planted_name in mapping.items():
        feature = top.loc[top["segment"] == seg, "feature"].iloc[0]
        channel = planted[planted_name]
        assert feature in {
            f"{kind}_{channel}" for kind in ("share", "interactions", "purchases")
        }, (seg, planted_name, feature)
        # shown under its readable name, in the language asked for
        assert worded.loc[worded["segment"] == seg, "feature"].iloc[0] == labels_es[feature]


def test_demo_methods_are_comparable(demo_features):
    summary, agreement = compare_methods(
        demo_features, methods=("kmeans", "gmm", "ward"), n_segments=5
    )
    assert summary["k"].tolist() == [5, 5, 5]
    assert agreement.loc["kmeans", "ward"] > 0.8
    assert np.allclose(np.diag(agreement), 1.0)


# ------------------------------------------------------------------------------ saved models


def test_saved_model_gives_the_same_labels_in_a_fresh_process(tmp_path):
    X, _ = _blobs()
    seg = Segmenter(n_segments=4, random_state=0).fit(X)
    path = save_model(seg, tmp_path / "m.skops", segment_names=["A", "B", "C", "D"])
    X.to_parquet(tmp_path / "x.parquet")
    code = (
        "import pandas as pd, sys; from omniseg.segments.models import load_model; "
        f"b = load_model({str(path)!r}); "
        f"X = pd.read_parquet({str(tmp_path / 'x.parquet')!r}); "
        "print(','.join(map(str, b['segmenter'].predict(X)))); print(b['segment_names'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0] == ",".join(map(str, seg.labels_))
    assert lines[1] == "['A', 'B', 'C', 'D']"
    assert not list(tmp_path.glob(".m.skops*"))  # no temporary file left


def test_tampered_untrusted_and_foreign_files_are_refused(tmp_path):
    import os

    import skops.io as sio

    X, _ = _blobs()
    seg = Segmenter(n_segments=3, random_state=0).fit(X)
    good = save_model(seg, tmp_path / "good.skops")
    truncated = tmp_path / "truncated.skops"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(ModelFileError, match="damaged or truncated"):
        load_model(truncated)
    evil = tmp_path / "evil.skops"
    sio.dump({"format": "omniseg-segmentation", "segmenter": os.system}, evil)
    with pytest.raises(ModelFileError, match="does not trust") as err:
        load_model(evil)
    assert "system" in str(err.value)
    foreign = tmp_path / "foreign.skops"
    sio.dump({"some": [1, 2, 3]}, foreign)
    with pytest.raises(ModelFileError, match="not an omniseg segmentation model"):
        load_model(foreign)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "nope.skops")


def test_report_step_writes_model_and_segments_then_rescores_and_compares(tmp_path):
    X, _ = _blobs()
    run1 = tmp_path / "run1"
    result, drift = report_segmentation(X, {"n_segments": [3, 4, 5]}, seed=1, output_dir=run1)
    assert drift is None and result.typing_tool is not None
    assert (run1 / "model.skops").is_file()
    written = pd.read_csv(run1 / "segments.csv", dtype={"person_id": str})
    assert written.columns.tolist() == [
        "person_id",
        "segment",
        "segment_code",
        "segment_name",
        "confidence",
        "borderline",
    ]
    assert written["segment"].tolist() == result.labels.tolist()
    # a later run re-scores new customers with the saved model and compares with run 1
    X2, _ = _blobs(seed=9)
    result2, drift = report_segmentation(
        X2, {"model": str(run1 / "model.skops"), "previous": str(run1)}, output_dir=tmp_path / "r2"
    )
    assert result2.segmenter.n_segments_ == result.segmenter.n_segments_
    assert drift is not None and drift.n_common == len(X)  # same ids C0000..
    assert not (tmp_path / "r2" / "model.skops").exists()  # the model is reused, not rewritten


def test_cli_score(tmp_path):
    X, _ = _blobs()
    seg = Segmenter(n_segments=4, random_state=0).fit(X)
    save_model(seg, tmp_path / "m.skops")
    X.rename_axis("person_id").to_parquet(tmp_path / "f.parquet")
    runner = CliRunner()
    out = tmp_path / "scores.csv"
    res = runner.invoke(
        app,
        ["score", "-m", str(tmp_path / "m.skops"), "--features", str(tmp_path / "f.parquet"),
         "-o", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out)
    assert scores["segment"].tolist() == seg.labels_.tolist()
    res = runner.invoke(
        app,
        ["score", "-m", str(tmp_path / "m.skops"), "--features", str(tmp_path / "f.parquet"),
         "-o", str(tmp_path / "s2.csv"), "--previous", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0 and "kept their segment" in res.output
    res = runner.invoke(app, ["score", "-m", str(tmp_path / "none.skops"), "--features", "x"])
    assert res.exit_code == 2 and "does not exist" in res.output
    res = runner.invoke(app, ["score", "-m", str(tmp_path / "m.skops")])
    assert res.exit_code == 2 and "exactly one of" in res.output


def test_sizes_chart_title_names_the_segment_worth_most_for_its_size():
    from omniseg.segments.segmentation_charts import _sizes_finding

    sizes = pd.DataFrame({"name": ["S1", "S2", "S3"], "share": [0.5, 0.3, 0.2],
                          "revenue_share": [0.4, 0.2, 0.4]})  # fmt: skip
    assert _sizes_finding(sizes, "en") == "S3: 40.0% of revenue from 20.0% of customers"
    assert _sizes_finding(sizes, "es") == (
        "S3: el 40,0\xa0% de los ingresos con el 20,0\xa0% de los clientes"
    )
    assert _sizes_finding(sizes.assign(revenue_share=0.0), "en") is None  # no revenue: no claim
