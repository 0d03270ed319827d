"""Identity resolution: normalisation, linking, over-merge guards, hashing, planted truth."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from omniseg.errors import DataValidationError, ParameterError
from omniseg.identity.normalise import (
    mask_identifier,
    normalise_email,
    normalise_identifiers,
    normalise_phone,
)
from omniseg.identity.origin import transform_source
from omniseg.identity.resolver import IdentityResolver

TRUTH = Path(__file__).resolve().parents[1] / "data" / "demo" / "truth"


def test_email_normalisation_trims_lowers_and_composes_unicode():
    decomposed = unicodedata.normalize("NFD", "José@Correo.es")
    out = normalise_email(pd.Series([" JOSÉ@correo.ES ", decomposed, "no-at-sign", None]))
    assert out.iloc[0] == out.iloc[1] == "josé@correo.es"
    assert out.iloc[2:].isna().all()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("612345678", "+34612345678"),
        ("+34 612 345 678", "+34612345678"),
        ("0034612345678", "+34612345678"),
        ("612-345-678", "+34612345678"),
        ("(612) 345.678", "+34612345678"),
        ("+44 20 7946 0958", "+442079460958"),
        ("12345", None),  # too short
        ("512345678", None),  # not a Spanish number pattern
        ("+34 512 345 678", None),  # Spanish prefix but invalid national number
        ("61234567a", None),
    ],
)
def test_phone_normalisation_to_e164(raw, expected):
    out = normalise_phone(pd.Series([raw])).iloc[0]
    assert (pd.isna(out) and expected is None) or out == expected


def test_phone_default_country_and_bad_country():
    assert normalise_phone(pd.Series(["06 12 34 56 78"]), "FR").iloc[0] == "+33612345678"
    with pytest.raises(
        ParameterError, match="'default_country' parameter of normalise_phone must be one of"
    ):
        normalise_phone(pd.Series(["1"]), "XX")


TRICKY = [
    " Ana@Example.ES ",
    "ana@@x.es",
    "a b@x.es",
    "@x.es",
    "ana@x",
    "ANA@X.ES.",
    "a@b.c",
    "",
    "   ",
    "612 345 678",
    "+34 612 345 678",
    "0034612345678",
    "0034-612-345-678",
    "+0034612345678",
    "(612) 345.678",
    "612/345/678",
    "+44 20 7946 0958",
    "+1 (415) 555-0100",
    "06 12 34 56 78",
    "0612345678",
    "00",
    "+",
    "+12",
    "12345",
    "512345678",
    "+34 512 345 678",
    "61234567a",
    "0049 30 1234567",
    "030 1234567",
    "1234567890123456",
    "+123456789012345",
    " 000123 ",
    "0",
    "000",
    "0 0 1",
    "12 34",
    "dev-ABC",
    "C001",
    "a\tb",
    "x\u00a0y",
    "José@correo.es",
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    None,
]


@pytest.mark.parametrize("kind", ["email", "phone", "loyalty_id", "device_id", "customer_id"])
@pytest.mark.parametrize("country", ["ES", "FR", "DE", "GB", "US", "IT"])
def test_vectorised_normalisation_matches_the_python_rules(kind, country, demo_data):
    """The Arrow kernels (printable ASCII) and the Python rules (any text) agree value by value,
    on tricky values and on every identifier of the demo data."""
    from omniseg.identity.normalise import _normalise_kind, _normalise_python

    demo = [v for frame in (demo_data.customers, demo_data.interactions) if kind in frame
            for v in frame[kind].dropna().astype(str).unique()]  # fmt: skip
    raw = pd.Series([*TRICKY, *demo], dtype="string").str.strip()
    raw = raw.mask(raw == "")
    fast = _normalise_kind(kind, raw, country)
    slow = _normalise_python(kind, raw, country)
    pd.testing.assert_series_equal(fast, slow)
    if kind == "phone" and country == "ES":
        assert fast.notna().sum() > 100  # not vacuous: the demo's phones are valid


def test_rejected_identifiers_are_counted():
    norm, rejected = normalise_identifiers(
        pd.DataFrame({"email": ["a@b.es", "broken", None], "loyalty_id": [" 000123 ", "", "9"]})
    )
    assert rejected == {"email": 1, "loyalty_id": 0}
    assert norm["loyalty_id"].tolist()[0] == "123"


@pytest.fixture
def small():
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "email": ["ana@x.es", "bo@x.es", None],
            "phone": ["612000001", "612000009", "612000009"],  # C2 and C3 share a family phone
            "loyalty_id": ["0001", "0002", "0003"],
        }
    )
    interactions = pd.DataFrame(
        {
            "channel": ["app", "app", "store", "store", "store", "phone", "web", "app", "web"],
            "email": [" ANA@x.es", None, "shop@x.es", "shop@x.es", "shop@x.es", None,
                      "new@x.es", None, None],
            "device_id": ["d1", "d1", None, None, None, None, None, "d9", None],
            "loyalty_id": [None, None, "1", "2", "3", None, None, None, None],
            "phone": [None, None, None, None, None, "+34 612 000 009", None, None, None],
            "customer_id": [None] * 9,
        }
    )  # fmt: skip
    return customers, interactions


def test_links_by_co_occurrence_and_guards_shared_identifiers(small):
    customers, interactions = small
    r = IdentityResolver().fit(customers, interactions)
    persons = r.transform(interactions).tolist()
    assert persons[0] == persons[1] == "C1"  # device d1 linked to Ana through her email
    assert persons[2:5] == ["C1", "C2", "C3"]  # the shop's email does not merge them
    assert pd.isna(persons[5])  # the family phone names nobody
    assert persons[6].startswith("P-") and persons[7].startswith("P-")  # unknown to the CRM
    assert persons[6] != persons[7]
    assert pd.isna(persons[8])  # anonymous
    shared = r.shared_identifiers_.set_index("kind")
    assert shared.loc["email", "masked"] == "s***@x.es" and shared.loc["email", "n_customers"] == 3
    assert shared.loc["email", "reason"] == "co_occurrence"  # typed with three customers' ids
    assert shared.loc["phone", "n_customers"] == 2 and shared.loc["phone", "reason"] == "crm_rows"
    assert r.summary_["shared_identifiers"] == 2 and r.summary_["conflicts"] == 0


def test_a_larger_limit_lets_a_family_phone_link(small):
    customers, interactions = small
    r = IdentityResolver(max_persons_per_identifier=3).fit(customers, interactions)
    # with the guard relaxed the shop email now glues Ana, Bo and C3 together: a conflict,
    # resolved conservatively (anchored identifiers keep their customers)
    persons = r.transform(interactions).tolist()
    assert persons[2:5] == ["C1", "C2", "C3"]
    assert r.summary_["conflicts"] >= 1


def test_explain_shows_the_linking_records_masked(small):
    customers, interactions = small
    r = IdentityResolver().fit(customers, interactions)
    why = r.explain("device_id", "d1")
    assert "interaction:0" in set(why["record"])
    assert set(why.loc[why["record"] == "interaction:0", "kind"]) == {"email", "device_id"}
    assert "ana@x.es" not in why.to_string() and "a***@x.es" in why.to_string()
    assert set(why["person_id"]) == {"C1"}


def test_match_rate_summary(small):
    customers, interactions = small
    r = IdentityResolver().fit(customers, interactions)
    s = r.summary().set_index("channel")
    assert s.loc["store", "matched_crm"] == 1.0
    assert s.loc["phone", "matched_crm"] == 0.0
    assert s.loc["app", "resolved"] == 1.0 and s.loc["app", "matched_crm"] == pytest.approx(2 / 3)


def test_keyed_hashing_keeps_links_and_hides_values(small, monkeypatch):
    customers, interactions = small
    monkeypatch.setenv("OMNISEG_TEST_KEY", "a long random secret")
    r = IdentityResolver(hash_key_env="OMNISEG_TEST_KEY").fit(customers, interactions)
    plain = IdentityResolver().fit(customers, interactions)
    assert (
        r.transform(interactions).fillna("-").str[:2].tolist()
        == plain.transform(interactions).fillna("-").str[:2].tolist()
    )
    text = r.identity_map_.to_string()
    assert "ana@x.es" not in text and "+34612000001" not in text
    contact = r.identity_map_[r.identity_map_["kind"] != "customer_id"]
    assert contact["identifier"].str.fullmatch(r"[0-9a-f]{32}").all()
    assert "a long random secret" not in repr(vars(r))
    monkeypatch.delenv("OMNISEG_TEST_KEY")
    with pytest.raises(ParameterError, match="OMNISEG_TEST_KEY=<a long random secret>"):
        IdentityResolver(hash_key_env="OMNISEG_TEST_KEY").fit(customers, interactions)


def test_errors():
    with pytest.raises(ParameterError, match=r"'max_persons_per_identifier' parameter .* Got 0"):
        IdentityResolver(max_persons_per_identifier=0).fit(pd.DataFrame(), pd.DataFrame())
    with pytest.raises(DataValidationError, match="customer_id"):
        IdentityResolver().fit(
            pd.DataFrame({"email": ["a@b.es"]}), pd.DataFrame({"email": ["a@b.es"]})
        )
    with pytest.raises(DataValidationError, match="no identifier column"):
        IdentityResolver().fit(pd.DataFrame({"customer_id": ["C1"]}), pd.DataFrame({"x": [1]}))
    with pytest.raises(ParameterError, match="not fitted yet"):
        IdentityResolver().transform(pd.DataFrame({"email": ["a@b.es"]}))


def test_mask_identifier():
    assert mask_identifier("email", "tienda.centro@omnishop.es") == "t***@omnishop.es"
    assert mask_identifier("loyalty_id", "1234567") == "123**67"


@pytest.fixture(scope="module")
def demo_resolved(demo_data):
    data = demo_data  # load_demo(), shared (tests/conftest.py)
    return data, IdentityResolver().fit(data.customers, data.interactions)


def test_planted_identities_recovered(demo_resolved):
    _, r = demo_resolved
    truth = pd.read_csv(TRUTH / "identity.csv.gz", dtype=str)
    shared = pd.read_csv(TRUTH / "shared_identifiers.csv", dtype=str)
    shared_norm = set()
    for kind, group in shared.groupby("identifier_type"):
        norm, _ = normalise_identifiers(pd.DataFrame({kind: group["value"]}))
        shared_norm |= {(kind, v) for v in norm[kind].dropna()}
    predicted = pd.Series(pd.NA, index=truth.index, dtype="string")
    keep = pd.Series(True, index=truth.index)
    for kind, group in truth.groupby("identifier_type"):
        norm, _ = normalise_identifiers(pd.DataFrame({kind: group["value"]}))
        keep[group.index] = [(kind, v) not in shared_norm for v in norm[kind]]
        predicted[group.index] = r.lookup(kind, group["value"]).to_numpy()
    truth, predicted = truth[keep], predicted[keep]
    correct = (predicted == truth["customer_id"]).fillna(False)
    precision = correct.sum() / predicted.notna().sum()
    recall = correct.sum() / len(truth)
    assert precision >= 0.99, precision
    assert recall >= 0.98, recall


def test_planted_shared_identifiers_merge_nobody(demo_resolved):
    _, r = demo_resolved
    shared = pd.read_csv(TRUTH / "shared_identifiers.csv", dtype=str)
    assert len(r.shared_identifiers_) == len(shared)
    for _, row in shared.iterrows():
        person = r.lookup(row["identifier_type"], pd.Series([row["value"]])).iloc[0]
        assert pd.isna(person), row["identifier_type"]
    assert r.summary_["conflicts"] == 0
    assert r.summary_["persons"] == 5000 and r.summary_["unknown_persons"] == 0


def test_demo_match_rates(demo_resolved):
    _, r = demo_resolved
    s = r.summary().set_index("channel")
    assert (s.loc[["app", "email", "social"], "matched_crm"] == 1.0).all()
    assert s.loc["web", "matched_crm"] < 0.8  # anonymous browsing stays anonymous


@pytest.mark.parametrize("language", ["en", "es"])
def test_report_helpers_are_translated_and_masked(small, language):
    from omniseg.identity.report import identity_lead, plot_match_rates, shared_identifiers_table

    customers, interactions = small
    r = IdentityResolver().fit(customers, interactions)
    lead = identity_lead(r, 0.25, language)
    assert ("25.0%" if language == "en" else "25,0\u00a0%") in lead
    fig = plot_match_rates(r, language=language)
    assert list(fig.data[0].x) == [
        "Web",
        "App",
        "Teléfono" if language == "es" else "Phone",
        "Tienda" if language == "es" else "Store",
    ]
    table = shared_identifiers_table(r, language)
    text = table.to_string() + fig.to_json()
    assert "shop@x.es" not in text and "612000009" not in text
    assert table.iloc[0, 2] == 3  # the shop email points to 3 customers


def test_parquet_transform_matches_the_dataframe_transform(small, tmp_path):
    customers, interactions = small
    path = tmp_path / "interactions.parquet"
    interactions.assign(row=range(len(interactions))).to_parquet(path)
    expected = IdentityResolver().fit(customers, interactions).transform(interactions)
    r = IdentityResolver().fit(customers, path)
    assert r._combo_map_ is not None  # the one-join path (hash of the identifier combination)
    lazy = r.transform(path)
    assert transform_source(lazy) is not None  # label scans of the feature build skip the join
    lazy = lazy.to_pandas().sort_values("row")
    assert lazy["person_id"].fillna("-").tolist() == expected.fillna("-").tolist()
    assert r.identity_map_.equals(IdentityResolver().fit(customers, interactions).identity_map_)


def test_colliding_combination_hashes_fall_back_to_lookups(small, tmp_path, monkeypatch):
    """Two identifier combinations with one hash (~1e-7 at millions) would give rows the wrong
    person in the one-join path: the engine's uniqueness check makes transform use the per-kind
    lookups instead, with the same persons."""
    import ibis

    import omniseg.identity.combinations as identity

    customers, interactions = small
    path = tmp_path / "interactions.parquet"
    interactions.assign(row=range(len(interactions))).to_parquet(path)
    expected = IdentityResolver().fit(customers, interactions).transform(interactions)
    monkeypatch.setattr(
        identity, "_combination_hash", lambda table, kinds: ibis.literal(7, "int64")
    )
    r = IdentityResolver().fit(customers, path)
    assert r._combo_map_ is None and r._lookups_ is not None
    got = r.transform(path).to_pandas().sort_values("row")["person_id"]
    assert got.fillna("-").tolist() == expected.fillna("-").tolist()


def test_transform_of_other_interactions_resolves_their_combinations(small, tmp_path):
    """A Parquet source other than the fitted one: its distinct combinations are resolved with
    the fitted map and joined back to its rows."""
    customers, interactions = small
    interactions = interactions.assign(row=range(len(interactions)))
    interactions.to_parquet(tmp_path / "fitted.parquet")
    interactions.iloc[::-1].to_parquet(tmp_path / "other.parquet")  # other rows order
    r = IdentityResolver().fit(customers, tmp_path / "fitted.parquet")
    lazy = r.transform(tmp_path / "other.parquet")
    assert transform_source(lazy) is None  # not the fitted source
    got = lazy.to_pandas().sort_values("row")["person_id"]
    expected = IdentityResolver().fit(customers, interactions).transform(interactions)
    assert got.fillna("-").tolist() == expected.fillna("-").tolist()
    assert got.notna().sum() > 0


def test_match_rate_chart_title_names_the_least_linked_channel():
    from omniseg.identity.report import _match_finding

    frame = pd.DataFrame({"channel": ["web", "app", "store"], "matched_crm": [0.604, 1.0, 0.763]})
    assert _match_finding(frame, "en") == "Web: only 60.4% of interactions tied to a CRM customer"
    assert _match_finding(frame, "es") == (
        "Web: solo el 60,4\xa0% de las interacciones ligadas a un cliente del CRM"
    )
    assert _match_finding(frame.assign(matched_crm=1.0), "en") is None  # all linked: no claim
