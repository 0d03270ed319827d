"""The data-driven default basis: what carries information in the table, and why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from omniseg.errors import DataValidationError
from omniseg.segments.basis import SegmentationBasis
from omniseg.segments.basis_defaults import VALUE_WEIGHT_WITH_CHANNELS, default_blocks
from omniseg.segments.segmenter import Segmenter


def _notes(notes: list[dict]) -> dict[str, tuple[bool, str]]:
    return {n["block"]: (n["used"], n["reason"]) for n in notes}


def test_single_channel_data_drops_the_channel_mix_and_segments_on_value():
    # regression: on a single-channel retailer the segments were the age bands
    rng = np.random.default_rng(5)
    n = 300
    loyal = np.arange(n) < 100
    table = pd.DataFrame(
        {
            "interactions_store": rng.poisson(5, n) + 1,
            "age_band": rng.choice(["18-24", "25-34", "45-54", "65+"], n),
            "frequency": np.where(loyal, rng.poisson(12, n), rng.poisson(1, n)),
            "monetary": np.where(loyal, rng.lognormal(6, 0.2, n), rng.lognormal(4, 0.2, n)),
            "recency_days": np.where(loyal, rng.integers(1, 30, n), rng.integers(100, 400, n)),
        }
    )
    blocks, weights, notes = default_blocks(table)
    assert "channels" not in blocks and blocks["value"][:2] == ["frequency", "monetary"]
    assert weights == {"value": 1.0}  # no channel mix to lead: value weighs fully
    assert _notes(notes)["channels"] == (False, "one_channel")
    seg = Segmenter(n_segments=2, random_state=0).fit(table)
    assert adjusted_rand_score(loyal, seg.labels_) > 0.9  # value, not age band
    # a banded age describes the segments but does not form them next to behaviour
    assert "demographics" not in blocks
    assert _notes(notes)["demographics"] == (False, "banded")
    # on a plain customer table it is one of the attributes
    plain, _, _ = default_blocks(table[["age_band"]].assign(tenure=rng.integers(1, 60, n)))
    assert "age_band" in plain["attributes"]


def test_value_block_weighs_less_next_to_a_channel_mix():
    table = pd.DataFrame(
        {
            "interactions_web": [5, 0, 3, 1],
            "interactions_app": [0, 4, 1, 2],
            "age": [20, 30, 40, 50],
            "frequency": [0, 2, 1, 3],
            "monetary": [0.0, 20.0, 5.0, 9.0],
        }
    )
    blocks, weights, notes = default_blocks(table)
    assert blocks == {
        "channels": "channel_mix",
        "demographics": ["age"],
        "value": ["frequency", "monetary"],
    }
    assert weights == {"value": VALUE_WEIGHT_WITH_CHANNELS}
    assert all(n["used"] for n in notes)


def test_a_missing_age_never_breaks_the_default_and_says_why():
    # regression: a CRM without age broke the segments notebook
    table = pd.DataFrame({"interactions_web": [5, 0, 3, 1], "interactions_app": [0, 4, 1, 2]})
    basis = SegmentationBasis().fit(table)
    assert list(basis.blocks_) == ["channels"]
    assert _notes(basis.notes_)["demographics"] == (False, "missing")
    assert _notes(basis.notes_)["value"] == (False, "no_purchases")


def test_a_plain_customer_table_segments_without_configuration():
    # regression: Segmenter() failed by default on socio-demographics only
    rng = np.random.default_rng(1)
    group = np.repeat([0, 1, 2], 50)
    table = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(150)],
            "email": [f"c{i}@x.es" for i in range(150)],
            "income": np.array([20.0, 50.0, 90.0])[group] + rng.normal(0, 2, 150),
            "plan": np.array(["basic", "plus", "pro"])[group],
            "constant": 1,
        }
    )
    basis = SegmentationBasis().fit(table)
    assert basis.blocks_ == {"attributes": ["income", "plan"]}  # no ids, contacts, constants
    seg = Segmenter(n_segments=3, random_state=0).fit(table)
    assert adjusted_rand_score(group, seg.labels_) == pytest.approx(1.0)


def test_a_table_with_nothing_to_segment_on_says_so():
    with pytest.raises(DataValidationError, match="nothing in the table can form segments"):
        SegmentationBasis().fit(pd.DataFrame({"interactions_web": [1, 2], "x": [3, 3]}))


def test_explicit_blocks_are_used_as_given_without_notes():
    table = pd.DataFrame({"interactions_web": [5, 0], "interactions_app": [0, 4], "age": [1, 2]})
    basis = SegmentationBasis(blocks={"demographics": ["age"]}).fit(table)
    assert basis.blocks_ == {"demographics": ["age"]} and basis.notes_ == []


def _age_band_world(seed: int = 0, n: int = 600) -> pd.DataFrame:
    """One channel; spend unrelated to anything; age band a strong discrete input."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "interactions_store": rng.poisson(3, n) + 1,
            "age_band": rng.choice(["18-24", "25-34", "45-54", "65+"], n),
            "frequency": rng.poisson(2, n),
        }
    )


def test_segments_that_are_one_input_relabelled_are_flagged():
    from omniseg.segments.segmentation import Segmentation

    table = _age_band_world()
    blocks = {"demographics": ["age_band"], "value": ["frequency"]}
    seg = Segmenter(n_segments=4, blocks=blocks, block_weights={"value": 0.05}).fit(table)
    result = Segmentation.from_segmenter(seg, table, profile=False)
    top = result.dominance.sort_values("value").iloc[-1]
    assert top["column"] == "age_band" and top["measure"] == "nmi" and top["value"] > 0.8
    assert result.dominant_input() == {"column": "age_band", "value": top["value"]}
    warning = result.dominance_text()
    assert "follow one input almost entirely" in warning and "Age band" in warning
    assert "siguen casi por completo a una sola variable" in result.dominance_text("es")


def test_no_dominance_warning_when_other_inputs_shape_the_segments_too():
    from omniseg.segments.segmentation import Segmentation

    rng = np.random.default_rng(2)
    group = np.repeat([0, 1], 150)
    table = pd.DataFrame(
        {
            "age": np.where(group == 1, 60.0, 30.0) + rng.normal(0, 1, 300),
            "income": np.where(group == 1, 90.0, 20.0) + rng.normal(0, 1, 300),
        }
    )
    seg = Segmenter(n_segments=2, random_state=0).fit(table)
    result = Segmentation.from_segmenter(seg, table, profile=False)
    assert (result.dominance["value"] > 0.9).all() and result.dominant_input() is None
    assert result.dominance_text() == result.dominance_text("es") == ""


def test_basis_text_says_what_was_left_out_and_why():
    from omniseg.segments.segmentation import Segmentation

    table = _age_band_world()
    seg = Segmenter(n_segments=3, random_state=0).fit(table)
    text = Segmentation.from_segmenter(seg, table, profile=False).basis_text()
    assert text.startswith("Segments are formed on: value and recency")
    assert "The channel mix is left out: the data has one channel" in text
    assert "The age band describes the segments but does not form them" in text


def test_degenerate_statistics_are_shown_as_not_meaningful_and_a_1d_map_does_not_apply():
    from omniseg.segments.segmentation import Segmentation

    # three exact values: zero variance within each segment (Calinski-Harabasz infinite)
    table = pd.DataFrame({"age": [20.0] * 40 + [40.0] * 40 + [60.0] * 40})
    seg = Segmenter(n_segments=[2, 3], n_stability=2, random_state=0).fit(table)
    result = Segmentation.from_segmenter(seg, table, profile=False)
    shown = result.selection_table()["Calinski-Harabasz"].tolist()
    assert "not meaningful" in shown
    assert all(v == "not meaningful" or len(v) <= 12 for v in shown)
    assert result.map_applies is False


def test_a_model_with_degenerate_statistics_saves_and_loads(tmp_path):
    from omniseg.segments.models import load_model, save_model

    table = pd.DataFrame({"age": [20.0] * 40 + [40.0] * 40 + [60.0] * 40})
    seg = Segmenter(n_segments=[2, 3], n_stability=2, random_state=0).fit(table)
    assert np.isinf(seg.selection_["calinski_harabasz"]).any()
    loaded = load_model(save_model(seg, tmp_path / "m.skops"))["segmenter"]
    np.testing.assert_array_equal(loaded.predict(table), seg.predict(table))
