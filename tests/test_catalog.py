"""The report catalogs (omniseg/report/locale/*/LC_MESSAGES/omniseg.po) are complete and
consistent, and the check that says so catches a broken catalog."""

import shutil

import pytest
from babel.messages.pofile import read_po, write_po

from omniseg.errors import TextCatalogError
from omniseg.report import catalog
from omniseg.report.catalog import (
    SUPPORTED_LANGUAGES,
    catalog_path,
    catalog_problems,
    pt,
    read_catalog,
    t,
)


def test_the_shipped_catalogs_have_no_problems():
    assert catalog_problems() == []


def test_every_key_exists_in_every_language_with_the_same_fields():
    english = read_catalog("en")
    for language in SUPPORTED_LANGUAGES:
        other = read_catalog(language)
        assert set(other.entries) == set(english.entries), language
        for where, entry in english.entries.items():
            fields = [catalog._fields(form) for form in other.entries[where].forms]
            assert all(f == catalog._fields(entry.forms[0]) for f in fields), (language, where)


def test_plural_entries_have_the_forms_their_language_needs():
    for language in SUPPORTED_LANGUAGES:
        cat = read_catalog(language)
        assert cat.num_plurals == 2  # English and Spanish: one, other
        plural = [e for e in cat.entries.values() if e.count is not None]
        assert len(plural) >= 12, language
        for entry in plural:
            assert len(entry.forms) == cat.num_plurals, (language, entry.key)
            assert all("(s)" not in form for form in entry.forms), (language, entry.key)


def test_t_picks_the_plural_form_from_the_count_field():
    assert t("drift.reason.psi_more", "en", n=1, limit="0.25", features="f5") == (
        "1 more feature has a PSI above 0.25: f5."
    )
    assert t("drift.reason.psi_more", "en", n=2, limit="0.25", features="f5, f6") == (
        "2 more features have a PSI above 0.25: f5, f6."
    )
    assert t("survey_weights.missing", "es", variable="edad", n=0) == (
        "Sin ponderar por edad: 0 encuestados no lo indicaron."
    )
    # a list counts its items; a fractional count takes the plural form
    assert t("loader.unknown_events", "en", src="i.csv", events=["refund"]).startswith(
        "i.csv: event label outside"
    )
    assert "filas" in t("loader.unknown_customers", "es", src="i.csv", n=1.5)
    with pytest.raises(TextCatalogError, match="count field 'n'"):
        t("survey_weights.missing", "en", variable="age")
    with pytest.raises(ValueError, match="must be a number or a list"):
        t("survey_weights.missing", "en", variable="age", n="1.025")


def test_context_selects_the_gendered_spanish_word():
    assert pt("female", "persona_name.noun.app", "es") == "Compradora de app"
    assert pt("male", "persona_name.noun.app", "es") == "Comprador de app"
    assert pt("female", "persona_name.noun.app", "en") == "app-first buyer"
    with pytest.raises(TextCatalogError, match="context 'neuter'"):
        pt("neuter", "persona_name.noun.app", "es")


def _broken_copy(tmp_path, edit):
    folder = tmp_path / "locale"
    shutil.copytree(catalog.LOCALE_DIR, folder)
    path = catalog_path("es", folder)
    with path.open("rb") as f:
        cat = read_po(f, locale="es")
    edit(cat)
    with path.open("wb") as f:
        write_po(f, cat)
    return folder


def test_a_missing_key_is_caught(tmp_path):
    folder = _broken_copy(tmp_path, lambda cat: cat.delete("report.toc"))
    assert catalog_problems(folder) == ["es: no text for 'report.toc' (context None)."]


def test_a_renamed_placeholder_is_caught(tmp_path):
    def rename(cat):
        cat["report.run"].string = "Ejecución: {ejecucion}"

    problems = catalog_problems(_broken_copy(tmp_path, rename))
    assert problems == ["es: 'report.run' has the fields ['ejecucion']; en has ['run']."]


def test_a_plural_form_that_differs_or_is_missing_is_caught(tmp_path):
    def damage(cat):
        message = cat["survey_weights.missing"]
        message.string = (message.string[0].replace("{n}", "{m}"), message.string[1])
        cat["loader.anonymous"].string = (cat["loader.anonymous"].string[0], "")

    problems = catalog_problems(_broken_copy(tmp_path, damage))
    assert any("plural forms of 'survey_weights.missing'" in p for p in problems), problems
    assert any("'loader.anonymous' has an empty text" in p for p in problems), problems


def test_an_extra_key_and_unbalanced_braces_are_caught(tmp_path):
    def damage(cat):
        cat.add("report.only_spanish", "Solo en español")
        cat["report.period"].string = "Datos del {start al {end}"

    problems = catalog_problems(_broken_copy(tmp_path, damage))
    extra = "'report.only_spanish' (context None) is not in the en catalog"
    assert any(extra in p for p in problems), problems
    assert any("'report.period' has unbalanced braces" in p for p in problems), problems
