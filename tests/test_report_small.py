"""Two report runs on a small generated demo with HTML planted in its free text: the same report
byte for byte through ``omniseg report`` and through ``Workbench.report`` (determinism and one
wiring of the pipeline), a Spanish report end to end, and injected markup that stays text.

The full demo is reported once, in English (tests/test_report_demo.py); the reruns are here, on
300 customers, so they cost a fraction of a full run (issue 15: "a small generated demo for the
determinism, language and injection reruns").
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from browser import browser_missing, open_in_browser
from html_collector import TagsAndText
from typer.testing import CliRunner

import omniseg
from omniseg.cli import app
from omniseg.ingest.io import load_data_dir
from omniseg.report.paths import repo_root

pytestmark = pytest.mark.slow

PAYLOADS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
)

SETTINGS = {"segmentation": {"n_segments": 3}}


def _inject(data: Path) -> None:
    """HTML in the interviews, the CRM's region, the survey's region and a codebook label (in
    both languages: the Spanish report shows ``label_es``)."""
    payload = " ".join(PAYLOADS)
    for path in sorted((data / "interviews").glob("*.txt")):  # quotes come from these
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.startswith(("Customer:", "Cliente:")):
                lines[i] = f"{line} Me enfadé: {payload}. I hate it: {payload}."
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    crm = pd.read_csv(data / "customers.csv", sep=";", dtype=str, keep_default_na=False)
    some = crm["customer_id"].isin(crm["customer_id"].unique()[::3])  # duplicates stay equal
    crm.loc[some, "region"] = PAYLOADS[1]
    crm.to_csv(data / "customers.csv", sep=";", index=False)
    survey = pd.read_csv(data / "survey.csv", sep=";", dtype=str, keep_default_na=False)
    survey.loc[::4, "region"] = PAYLOADS[0]
    survey.to_csv(data / "survey.csv", sep=";", index=False)
    codebook = yaml.safe_load((data / "survey_codebook.yaml").read_text(encoding="utf-8"))
    first = next(iter(codebook["items"]))
    codebook["items"][first]["label"] = PAYLOADS[2]
    codebook["items"][first]["label_es"] = PAYLOADS[2]
    (data / "survey_codebook.yaml").write_text(yaml.safe_dump(codebook), encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """The small demo (300 customers, injected), reported in Spanish twice: ``cli`` by
    ``omniseg report --params``, ``workbench`` by ``Workbench(...).report``; same seed and
    settings (``n_segments: 3``, to check that settings reach the run)."""
    root = tmp_path_factory.mktemp("small-report")
    data = root / "data"
    omniseg.generate_demo(data, n_customers=300, seed=3, progress=False)
    shutil.rmtree(data / "truth", ignore_errors=True)
    _inject(data)
    params = root / "params.yaml"
    params.write_text(
        "run_name: small\nsegmentation: {n_segments: 3}\ndata:\n"
        "  customers: data/customers.csv\n  interactions: data/interactions.csv.gz\n"
        "  survey: data/survey.csv\n  codebook: data/survey_codebook.yaml\n"
        "  interviews: data/interviews\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["report", "--params", str(params), "--language", "es", "--quiet",
         "--output-dir", str(root / "cli")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli = Path(result.stdout.strip())
    assert cli == root / "cli" / "small" / "report.html"
    wb = omniseg.Workbench(load_data_dir(data), seed=42, language="es", settings=SETTINGS)
    mine = wb.report(root / "workbench" / "small", progress=False)
    return {"cli": cli, "html": cli.read_text(encoding="utf-8"), "workbench": mine, "wb": wb}


def test_cli_and_workbench_give_the_same_report_byte_for_byte(runs):
    """Same inputs, seed and settings: the same report.html, whichever way the run is made
    (two runs, so this is also the determinism check)."""
    assert runs["workbench"].report_path.read_bytes() == runs["cli"].read_bytes()
    assert runs["wb"].computed == []  # the run computes in its own kernel
    assert runs["workbench"].manifest["parameters"]["segmentation"] == {"n_segments": 3}
    cli_manifest = json.loads((runs["cli"].parent / "manifest.json").read_text(encoding="utf-8"))
    assert cli_manifest["parameters"]["segmentation"] == {"n_segments": 3}


def test_spanish_report(runs):
    html = runs["html"]
    assert '<html lang="es">' in html
    assert "Resumen de los datos" in html and "Clientes en el CRM" in html and "Tienda" in html
    manifest = json.loads((runs["cli"].parent / "manifest.json").read_text(encoding="utf-8"))
    interactions = manifest["row_counts"]["interactions"]
    assert interactions >= 1000
    assert f"{interactions:,}".replace(",", ".") in html  # Spanish thousands separator
    assert f"{interactions:,}" not in html
    personas = json.loads((runs["cli"].parent / "personas.json").read_text(encoding="utf-8"))
    assert len(personas) == 3 and all(p["language"] == "es" for p in personas)


def test_injected_markup_in_free_text_stays_text(runs):
    """HTML in interviews, survey answers, codebook labels and CRM text reaches no report as
    markup: it is escaped in the executed notebooks and in the exported HTML."""
    html = runs["html"]
    parser = TagsAndText()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), (tag, attrs)
        assert tag != "img", attrs
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    assert not [s for s in scripts if "alert(" in s and "os-fig" not in s[:200]]
    body_text = "".join(parser.text)
    assert "onerror" in body_text or "alert(" in body_text  # the payload is shown, as text
    notebooks = sorted((runs["cli"].parent / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        executed = notebook.read_text(encoding="utf-8")
        assert "<img src=x onerror" not in executed, notebook.name
        assert "<script>alert" not in executed, notebook.name


def test_spanish_report_in_a_real_browser(runs):
    """As tests/test_report_demo.py::test_report_in_a_real_browser, for the Spanish report with
    markup planted in its text: the escaped payloads run no script and load nothing."""
    if browser_missing():
        pytest.skip(browser_missing())
    shot = (repo_root() or Path.cwd()) / "reports" / "test-artifacts" / "first-screen-es.png"
    got = open_in_browser(runs["cli"], screenshot=shot)
    assert got["figures"] == runs["html"].count('class="os-figure"') > 10
    assert got["rendered"] == got["described"] == got["figures"]
    assert got["errors"] == [] and got["requests"] == []
    assert got["toc"] and [section for section, reached in got["toc"] if not reached] == []
    assert shot.stat().st_size > 20_000
    # the monthly chart's time axis in Spanish (plotly's own month names are English)
    ticks = " ".join(" ".join(v) for v in got["ticks"].values())
    assert re.search(r"\b(ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) 20\d\d\b", ticks)
    assert not re.search(r"\b(Jan|Feb|Apr|Aug|Sep|Oct|Dec) 20\d\d\b", ticks)
    assert "Datos del " in runs["html"] and not re.search(r"Datos del \d{4}-", runs["html"])


def test_persona_slides_hold_the_cards_in_the_report_language(runs):
    """personas.pptx: a title slide, one slide per persona (name, code, figures, statements),
    the channel plan named by persona; text stays text; no customer identifier."""
    import zipfile

    from pptx import Presentation

    run = runs["cli"].parent
    personas = json.loads((run / "personas.json").read_text(encoding="utf-8"))
    deck = Presentation(str(run / "personas.pptx"))

    def text(slide) -> str:
        parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        return "\n".join(parts)

    slides = [text(s) for s in deck.slides]
    assert len(slides) == 2 + len(personas) + 1  # title, the segments at a glance, ..., plan
    assert slides[0].startswith("Informe omnicanal de clientes")
    assert slides[1] == "Los segmentos de un vistazo"  # and its chart
    glance = [s.chart for s in deck.slides[1].shapes if s.has_chart]
    assert list(glance[0].plots[0].categories) == [
        f"{p['first_name']} · {p['display_name']}" for p in personas if not p["suppressed"]
    ]
    for persona, slide in zip(personas, slides[2:-1], strict=True):
        assert slide.startswith(f"{persona['first_name']} · {persona['name']}\n{persona['code']}")
        assert "de los clientes" in slide and "Quiénes son" in slide
        assert persona["who"][0]["text"] in slide
    assert slides[-1].startswith("Plan de canales")
    assert all(f"{p['first_name']} · {p['name']} ({p['code']})" in slides[-1] for p in personas)
    crm = pd.read_csv(runs["cli"].parents[2] / "data" / "customers.csv", sep=";", dtype=str)
    secrets = {s for s in set(crm["email"].dropna()) | set(crm["phone"].dropna()) if len(s) >= 6}
    with zipfile.ZipFile(run / "personas.pptx") as pptx:
        xml = b"".join(pptx.read(n) for n in pptx.namelist() if n.endswith(".xml"))
    assert b"<script" not in xml and b"<img" not in xml  # planted markup, if quoted, is text
    assert not [s for s in secrets if s.encode() in xml]


def test_report_workbook_holds_every_table_as_numbers_and_text(runs):
    """report.xlsx: a contents sheet linking one sheet per table of the report (the same
    tables, in Spanish), numbers as numbers with their format, no formula anywhere (text that
    looks like one is tested in tests/test_workbook.py), no customer identifier."""
    import zipfile

    from openpyxl import load_workbook

    from omniseg.report.workbook import report_tables

    run = runs["cli"].parent
    tables = report_tables(runs["html"])
    assert len(tables) == runs["html"][runs["html"].index("<body") :].count("<table") >= 8
    book = load_workbook(run / "report.xlsx")
    contents, sheets = book.worksheets[0], book.worksheets[1:]
    assert contents.title == "Contenido" and len(sheets) == len(tables)
    links = [contents.cell(3 + i, 1) for i in range(1, len(sheets) + 1)]
    assert [c.value for c in links] == [s.title for s in sheets]
    assert all(c.hyperlink.location == f"'{c.value}'!A1" for c in links)
    assert [contents.cell(3 + i, 2).value for i in range(1, len(sheets) + 1)] == [
        tb.section for tb in tables
    ]
    assert tables[0].section == "Qué hacer a continuación"  # the summary's action list first
    first = next(i for i, tb in enumerate(tables) if tb.section == "Resumen de los datos")
    overview = {r[0].value: r[1] for r in sheets[first].iter_rows(min_row=4) if r[0].value}
    assert overview["Clientes en el CRM"].value == 300
    assert overview["Clientes en el CRM"].number_format == "#,##0"
    cells = [c for sheet in sheets for row in sheet.iter_rows() for c in row if c.value is not None]
    percents = [c for c in cells if c.number_format.endswith("%")]
    assert percents and all(0 <= c.value <= 1 for c in percents if isinstance(c.value, float))
    assert all(c.data_type != "f" for c in cells)
    crm = pd.read_csv(runs["cli"].parents[2] / "data" / "customers.csv", sep=";", dtype=str)
    secrets = {s for s in set(crm["email"].dropna()) | set(crm["phone"].dropna()) if len(s) >= 6}
    with zipfile.ZipFile(run / "report.xlsx") as xlsx:
        xml = b"".join(xlsx.read(n) for n in xlsx.namelist() if n.endswith(".xml"))
    assert not [s for s in secrets if s.encode() in xml]
    assert b"<f>" not in xml  # no formula anywhere in the file


def test_a_run_compared_with_the_last_one_says_what_changed(runs, tmp_path):
    """Item 7 of issue 16: with ``segmentation.previous`` the summary says what changed: the
    drift verdict, segment shares and migration, personas built on other traits and first
    channels that moved (an earlier run planted with one of each); by code, in the report
    language, escaped."""
    from omniseg.report.i18n import t

    earlier = tmp_path / "earlier"
    shutil.copytree(runs["cli"].parent, earlier)
    personas = json.loads((earlier / "personas.json").read_text(encoding="utf-8"))
    personas[0]["traits"] = ["channel:social"]
    personas[0]["name"] = "<b>Fan de redes</b>"
    (earlier / "personas.json").write_text(json.dumps(personas), encoding="utf-8")
    plan = pd.read_csv(earlier / "channel_plan.csv")
    first = plan.index[(plan["segment"] == 1) & (plan["rank"] == 1)][0]
    before = "sms" if plan.loc[first, "channel"] != "sms" else "email"
    plan.loc[first, "channel"] = before
    plan.to_csv(earlier / "channel_plan.csv", index=False)
    settings = {"segmentation": {"model": str(earlier / "model.skops"), "previous": str(earlier)}}
    data = runs["wb"].data
    wb = omniseg.Workbench(data, seed=42, language="es", settings=settings)
    changes = wb.summary.changes
    assert changes is not None and changes.compared == ["sizes", "personas", "plan"]
    assert wb.drift.stability == 1.0 and not wb.drift.should_refit  # same data, same model
    assert changes.personas == [{"code": "S1", "before": "<b>Fan de redes</b>"}]
    now = pd.read_csv(runs["cli"].parent / "channel_plan.csv")
    after = now.loc[(now["segment"] == 1) & (now["rank"] == 1), "channel"].iloc[0]
    assert changes.plan == [{"code": "S2", "before": before, "after": after}]
    html = wb.summary.to_html("es")
    assert t("summary.changes", "es") in html and wb.drift.verdict_text("es") in html
    assert "&lt;b&gt;Fan de redes&lt;/b&gt;" in html and "<b>Fan" not in html
    assert t("summary.changes.kept", "es", share="100,0\xa0%", n="300") in html
    assert wb.segments.names[1] in html  # the moved first channel is named by its persona
