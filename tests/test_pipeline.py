"""The report's customer table: features + survey scores of linked customers, deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniseg.features.pipeline import FEATURES_FILE, customer_features
from omniseg.voice.survey import customer_survey_features


def test_customer_table_has_survey_scores_of_linked_customers_only(tmp_path, demo_data):
    data = demo_data  # load_demo(), shared (tests/conftest.py)
    table = customer_features(data, cache_dir=tmp_path)
    scores = customer_survey_features(data.survey, data.codebook).set_index("customer_id")
    linked = table.index.intersection(scores.index.astype("string"))
    assert len(linked) == len(scores) == 729
    for col in scores.columns:
        np.testing.assert_allclose(
            table.loc[linked, col].to_numpy(float),
            scores.loc[linked.astype(str), col].to_numpy(float).round(9),
        )
    others = table.index.difference(linked)
    assert table.loc[others, "survey_nps"].isna().all()
    assert set(table["gender"].dropna()) <= {"female", "male", "non_binary"}
    # cached: the second call reads the file the first one wrote, identical
    assert (tmp_path / FEATURES_FILE).is_file()
    pd.testing.assert_frame_equal(customer_features(data, cache_dir=tmp_path), table)


def test_identities_are_resolved_once_per_run(tmp_path, monkeypatch, demo_data):
    """The first step writes the person of every interaction; the feature table and the
    channel plan's journeys read it instead of resolving again."""
    from omniseg.features.pipeline import IDENTITY_FILE, resolved_events
    from omniseg.identity.resolver import IdentityResolver

    data = demo_data
    resolver = IdentityResolver().fit(data.customers, data.interactions)
    events = resolved_events(data, cache_dir=tmp_path, resolver=resolver)
    expected = resolver.transform(data.interactions)
    pd.testing.assert_series_equal(events["person_id"], expected, check_names=False)
    assert (tmp_path / IDENTITY_FILE).is_file()

    def no_second_fit(*args, **kwargs):
        raise AssertionError("identities resolved a second time")

    monkeypatch.setattr(IdentityResolver, "fit", no_second_fit)
    again = resolved_events(data, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again, events)
    table = customer_features(data, cache_dir=tmp_path)  # reads the cached person ids
    assert table["n_interactions"].sum() == int(events["person_id"].notna().sum())


def test_a_cache_for_other_interactions_is_not_used(tmp_path, demo_data):
    from omniseg.features.pipeline import IDENTITY_FILE, resolved_events
    from omniseg.identity.resolver import IdentityResolver

    data = demo_data
    pd.DataFrame({"person_id": ["C1", "C2"]}).to_parquet(tmp_path / IDENTITY_FILE)
    events = resolved_events(data, cache_dir=tmp_path)  # 2 rows cached: resolved again
    fresh = IdentityResolver().fit(data.customers, data.interactions).transform(data.interactions)
    pd.testing.assert_series_equal(events["person_id"], fresh, check_names=False)
    assert len(pd.read_parquet(tmp_path / IDENTITY_FILE)) == len(data.interactions)
