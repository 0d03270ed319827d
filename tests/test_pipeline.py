"""The report's customer table: features + survey scores of linked customers, deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniseg.io import load_demo
from omniseg.pipeline import FEATURES_FILE, customer_features
from omniseg.survey import customer_survey_features


def test_customer_table_has_survey_scores_of_linked_customers_only(tmp_path):
    data = load_demo()
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
