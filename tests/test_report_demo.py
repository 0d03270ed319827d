"""The README's main command end to end on the demo data: offline, private, reproducible."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from report_figures import key_figures
from typer.testing import CliRunner

from omniseg.cli import app
from omniseg.ingest.io import load_demo
from omniseg.report.paths import demo_data_dir

pytestmark = pytest.mark.slow


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _run(output_dir: Path, *extra: str) -> Path:
    result = CliRunner().invoke(
        app, ["report", "--demo", "--quiet", "--output-dir", str(output_dir), *extra]
    )
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == output_dir / "demo" / "report.html"
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("reports")
    path = _run(out)
    return path, path.read_text(encoding="utf-8")


def test_report_has_sections_figures_and_toc(report):
    _, html = report
    anchors = ("data-overview", "channels", "monthly-activity", "identity", "data-quality",
               "identity-resolution", "omnichannel", "channel-overlap", "segments",
               "segment-count", "segment-map", "segment-profile", "typing-tool", "personas",
               "persona-comparison", "survey-weights", "interview-themes", "channel-plan",
               "attribution", "journeys", "journey-patterns", "omnichannel-gaps")  # fmt: skip
    for anchor in anchors:
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    figures = re.findall(r'<script[^>]*id="(os-fig-\d+)-data"', html)
    assert figures == [f"os-fig-{i}" for i in range(1, 17)]
    assert "Customers in the CRM" in html and "5,000" in html
    # survey respondents weighted to the customer base, with what it cost
    assert "Who answered the survey" in html and "Weighted by: segment, age band" in html


def test_report_is_offline_and_has_no_code(report):
    _, html = report
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            assert not (attrs.get(key) or "").startswith(("http", "//")), (tag, attrs)
    for code in ("open_report(", "from omniseg", "ctx = ", "overview.channel_summary("):
        assert code not in html
    assert html.count("plotly.js v") == 1


def test_report_shows_no_raw_identifiers(report):
    path, html = report
    demo = demo_data_dir()
    crm = pd.read_csv(demo / "customers.csv", sep=";", dtype=str)
    events = pd.read_csv(demo / "interactions.csv.gz", dtype=str)
    secrets = set(crm["email"].dropna().str.strip()) | set(crm["phone"].dropna())
    secrets |= set(events["device_id"].dropna()) | set(events["loyalty_id"].dropna().str.strip())
    # interviewees' own emails, phone numbers and names (quoted interviews must be scrubbed)
    texts = " ".join(load_demo().interviews["text"])
    secrets |= set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", texts))
    secrets |= set(re.findall(r"(?:\+|00)?\d[\d ().-]{7,}\d", texts))
    secrets |= set(
        re.findall(
            r"(?:soy|me llamo|[Mm]y name is|I'm) ([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+ [A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)",
            texts,
        )
    )
    secrets = {s for s in secrets if len(s) >= 6}
    body = html[html.index("<body") :]  # the head holds plotly.js, whose digits are not data
    found = [s for s in secrets if s in body]
    assert not found, found[:3]
    for notebook in (path.parent / "notebooks").glob("*.ipynb"):
        executed = notebook.read_text(encoding="utf-8")
        assert not [s for s in list(secrets)[:2000] if s in executed], notebook.name
    # every other file of the run: personas.json, segments.csv, the model, the feature cache
    for file in path.parent.rglob("*"):
        if file.is_file() and file.suffix in (".json", ".csv", ".skops", ".parquet"):
            raw = file.read_bytes()
            # binary files hold arbitrary digit runs (object ids, compressed numbers): check
            # them for identifiers with letters or punctuation (emails, names, phones)
            binary = file.suffix in (".skops", ".parquet")
            check = [s for s in secrets if not (binary and s.isdigit())]
            leaked = [s for s in check if s.encode("utf-8") in raw]
            assert not leaked, (file.name, leaked[:3])


def test_manifest_and_determinism(report, tmp_path):
    path, html = report
    manifest = json.loads((path.parent / "manifest.json").read_text())
    assert manifest["row_counts"]["interactions"] > 100_000
    assert set(manifest["inputs"]) == {
        "customers",
        "interactions",
        "survey",
        "codebook",
        "interviews",
    }
    again = _run(tmp_path).read_text(encoding="utf-8")
    assert again == html  # same inputs and seed: the same report, byte for byte


def _figures_before(language: str) -> dict:
    path = Path(__file__).parent / "data" / f"demo_report_figures_{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_key_figures_are_those_of_the_report_before_the_move(report):
    # the stage-subpackage move (issue 15) must leave the report as it was (tests/report_figures.py)
    path, _ = report
    assert json.loads(json.dumps(key_figures(path.parent))) == _figures_before("en")


PAYLOADS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
)


@pytest.fixture(scope="module")
def spanish_injected(tmp_path_factory) -> tuple[Path, str]:
    """One Spanish report on a copy of the demo data with HTML in its free text (interviews,
    survey answers, codebook labels in both languages, CRM text): the Spanish report test and
    the injection test share it (a report run costs ~40 s; they used to run one each)."""
    import shutil

    import yaml

    tmp_path = tmp_path_factory.mktemp("spanish-injected")
    demo = demo_data_dir()
    data = tmp_path / "data"
    shutil.copytree(demo, data, ignore=shutil.ignore_patterns("truth"))
    payload = " ".join(PAYLOADS)
    for path in sorted((data / "interviews").glob("*.txt"))[:40]:  # quotes come from these
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
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
    codebook["items"][first]["label_es"] = PAYLOADS[2]  # the label a Spanish report shows
    (data / "survey_codebook.yaml").write_text(yaml.safe_dump(codebook), encoding="utf-8")
    params = tmp_path / "params.yaml"
    params.write_text(
        "run_name: inject\ndata:\n  customers: data/customers.csv\n"
        "  interactions: data/interactions.csv.gz\n  survey: data/survey.csv\n"
        "  codebook: data/survey_codebook.yaml\n  interviews: data/interviews\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["report", "--params", str(params), "--language", "es", "--quiet",
         "--output-dir", str(tmp_path / "r")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == tmp_path / "r" / "inject" / "report.html"
    return path, path.read_text(encoding="utf-8")


def test_spanish_report(spanish_injected):
    path, html = spanish_injected
    # the key figures of the Spanish report before the move; the injected survey regions shift
    # the raking weights, so the plan's scores move in the 4th decimal, its ranks do not
    got, before = json.loads(json.dumps(key_figures(path.parent))), _figures_before("es")
    assert [row[:4] for row in got.pop("channel_plan")] == [
        row[:4] for row in before.pop("channel_plan")
    ]
    assert got == before
    assert '<html lang="es">' in html
    assert "Resumen de los datos" in html and "Clientes en el CRM" in html
    assert "5.000" in html and "Tienda" in html


def test_injected_markup_in_free_text_stays_text(spanish_injected):
    """HTML in interviews, survey answers, codebook labels and CRM text reaches no report as
    markup: it is escaped in the executed notebooks and in the exported HTML."""
    path, html = spanish_injected
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), (tag, attrs)
        assert tag != "img", attrs
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S)
    assert not [s for s in scripts if "alert(" in s and "os-fig" not in s[:200]]
    body_text = "".join(parser.text)
    assert "onerror" in body_text or "alert(" in body_text  # the payload is shown, as text
    notebooks = sorted((path.parent / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        executed = notebook.read_text(encoding="utf-8")
        assert "<img src=x onerror" not in executed, notebook.name
        assert "<script>alert" not in executed, notebook.name
