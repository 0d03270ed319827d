"""Battery: outputs that hold customer ids are private; hashes and re-scoring say what they did."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from omniseg.atomic import PRIVATE_MODE, atomic_write, atomic_write_text, default_mode
from omniseg.channels import activation_lists, channel_metrics, channel_plan
from omniseg.segments.models import save_model
from omniseg.segments.scoring import score_customers
from omniseg.segments.segmentation_report import report_segmentation
from omniseg.segments.segmenter import Segmenter


@pytest.fixture
def umask():
    """Set the process umask for one test and restore it."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(saved)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_ordinary_outputs_follow_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    assert default_mode() == expected
    assert _mode(atomic_write_text(tmp_path / "report.html", "<p>x</p>")) == expected


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_files_holding_ids_are_owner_only_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    path = atomic_write(
        tmp_path / "segments.csv", lambda t: Path(t).write_text("id\n"), private=True
    )
    assert _mode(path) == PRIVATE_MODE == 0o600


def _blobs(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "interactions_web": np.r_[rng.poisson(9, n), rng.poisson(1, n)],
            "interactions_store": np.r_[rng.poisson(1, n), rng.poisson(9, n)],
            "age": np.r_[rng.normal(30, 2, n), rng.normal(65, 2, n)],
            "gender": ["f", "m"] * n,
        }
    )
    frame.index = [f"C{i:03d}" for i in range(2 * n)]
    return frame


def test_report_step_writes_segments_csv_private(tmp_path, umask):
    umask(0o000)  # even a umask that would make files world-writable
    report_segmentation(_blobs(), {"n_segments": 2}, output_dir=tmp_path)
    assert _mode(tmp_path / "segments.csv") == 0o600
    assert _mode(tmp_path / "model.skops") == 0o666  # no customer ids: the umask decides


def test_activation_lists_are_private_and_hash_the_normalised_phone(tmp_path, monkeypatch):
    features = _blobs()
    labels = pd.Series(0, index=features.index)
    plan = channel_plan(channel_metrics(features, labels), segment_names={0: "S1"})
    writings = ["612 345 678", "+34 612-345-678", "0034612345678", "(612) 345.678"]
    crm = pd.DataFrame(
        {
            "customer_id": features.index,
            "phone": [writings[i % 4] for i in range(len(features))],
            "email": [" Ana@Example.ES "] * (len(features) - 1) + ["not-an-email"],
        }
    )
    monkeypatch.setenv("OMNISEG_TEST_KEY", "k3y")
    lists = activation_lists(
        plan, labels, customers=crm, hash_key_env="OMNISEG_TEST_KEY", output_dir=tmp_path
    )
    frame = next(iter(lists.values()))
    expected = hmac.new(b"k3y", b"+34612345678", hashlib.sha256).hexdigest()
    assert (frame["phone_hash"] == expected).all()  # four writings of one number: one hash
    email = hmac.new(b"k3y", b"ana@example.es", hashlib.sha256).hexdigest()
    assert (frame["email_hash"].iloc[:-1] == email).all()
    assert pd.isna(frame["email_hash"].iloc[-1])  # not an email: no hash
    written = next((tmp_path / "activation").glob("*.csv"))
    assert _mode(written) == 0o600
    assert "612" not in written.read_text()


def test_score_reports_unseen_categories_and_how_many_customers(tmp_path):
    X = _blobs()
    blocks = {"channels": "channel_mix", "demographics": ["age", "gender"]}
    seg = Segmenter(n_segments=2, blocks=blocks, random_state=0).fit(X)
    model = save_model(seg, tmp_path / "model.skops")
    new = X.copy()
    new.loc[new.index[:7], "gender"] = "nb"
    new.loc[new.index[7:10], "gender"] = "x"
    new["interactions_kiosk"] = 0
    new.loc[new.index[5:9], "interactions_kiosk"] = 2  # a channel new since the fit
    result = score_customers(model, features=new, output=tmp_path / "out.csv")
    assert result.unseen.to_dict("records") == [
        {"column": "gender", "value": "nb", "customers": 7},
        {"column": "gender", "value": "x", "customers": 3},
        {"column": "channel mix", "value": "interactions_kiosk", "customers": 4},
    ]
    assert "10 customer(s) (8.3%) hold values the model did not see" in result.summary
    assert "gender: 'nb', 7 customer(s)" in result.summary
    assert _mode(tmp_path / "out.csv") == 0o600
    same = score_customers(model, features=X, output=tmp_path / "same.csv")
    assert same.unseen.empty and "did not see" not in same.summary


def test_score_with_a_feature_table_missing_a_fitted_channel_says_which(tmp_path):
    from omniseg.errors import DataValidationError

    X = _blobs()
    model = save_model(Segmenter(n_segments=2, random_state=0).fit(X), tmp_path / "m.skops")
    table = X.drop(columns=["interactions_web"])
    table.index.name = "person_id"
    table.to_csv(tmp_path / "features.csv")
    with pytest.raises(DataValidationError, match=r"lacks the columns of \['web'\]") as err:
        score_customers(model, features=tmp_path / "features.csv", output=tmp_path / "o.csv")
    assert err.value.problems[0].column == "interactions_web"
    assert not (tmp_path / "o.csv").exists()
