"""Battery: the stages after loading take data of odd shapes without an internal crash."""

from __future__ import annotations

import pandas as pd
import pytest

from omniseg.features.table import build_features
from omniseg.identity.resolver import IdentityResolver


def _events(n: int, **columns) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-01-05 10:00"] * n),
            "channel": ["web"] * n,
            "event": ["view"] * n,
            **columns,
        }
    )


def _empty(n: int) -> pd.Series:
    return pd.Series([None] * n, dtype="string")


@pytest.mark.parametrize("where", ["crm", "interactions", "both"])
def test_identity_with_an_identifier_column_that_is_entirely_empty(where):
    # regression: IndexError at identity.py (dictionary of an all-missing kind) on such inputs
    ids = [f"C{i}" for i in range(5)]
    crm = pd.DataFrame({"customer_id": ids})
    events = _events(5, customer_id=ids)
    if where in ("crm", "both"):
        crm["email"] = _empty(5)
    if where in ("interactions", "both"):
        events["email"] = _empty(5)
    resolver = IdentityResolver().fit(crm, events)
    person = resolver.transform(events)
    assert person.tolist() == ids
    table = build_features(events.assign(person_id=person), crm)
    assert sorted(table["person_id"]) == ids and (table["n_interactions"] == 1).all()


def test_identity_when_no_interaction_carries_any_identifier_value():
    crm = pd.DataFrame({"customer_id": ["C1", "C2"]})
    events = _events(3, customer_id=_empty(3), phone=_empty(3))
    person = IdentityResolver().fit(crm, events).transform(events)
    assert person.isna().all()
