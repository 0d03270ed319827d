"""The scenario gallery (``omniseg demo --scenario``): every data shape through the whole report.

Each scenario's report runs once (in a subprocess, two at a time on two cores, started when the
first report test needs one); the tests read its outputs: channel_plan.csv, personas.json,
segments.csv, features.parquet, manifest.json and the report's visible text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score
from typer.testing import CliRunner

from omniseg.cli import app
from omniseg.config.params import load_params
from omniseg.config.vocabulary import CANONICAL_CHANNELS
from omniseg.demo.scenarios import SCENARIOS, generate_scenario, scenario_data
from omniseg.report.i18n import channel_label, currency_symbol, t

NAMES = list(SCENARIOS)

# ------------------------------------------------------------------ generation (fast)


def test_generation_is_deterministic(tmp_path):
    for name in NAMES:
        a = scenario_data(name, seed=7)
        b = scenario_data(name, seed=7)
        assert a.files == b.files, name
        assert a.truth.equals(b.truth), name
        c = scenario_data(name, seed=8)
        assert c.files != a.files, name  # the seed matters
    # and on disk, byte for byte
    one, two = tmp_path / "one", tmp_path / "two"
    generate_scenario("spanish-export", one, seed=3)
    generate_scenario("spanish-export", two, seed=3)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


def test_every_scenario_has_params_truth_and_loads(tmp_path):
    for name in NAMES:
        folder = tmp_path / name
        info = generate_scenario(name, folder)
        params = load_params(folder / "params.yaml")
        assert params.run_name == name
        truth = pd.read_csv(folder / "truth" / "customers.csv", dtype={"customer_id": str})
        assert truth["segment"].nunique() >= 3 and truth["customer_id"].is_unique
        assert (folder / "truth" / "README.txt").is_file()
        data = params.data.load()  # the data contract accepts it as written
        assert len(data.customers) == info["customers"] == len(truth)
        assert set(truth["customer_id"]) == set(data.customers["customer_id"])


def test_scenarios_have_the_shapes_they_promise(tmp_path):
    shapes = {name: scenario_data(name) for name in NAMES}
    retail = pd.read_csv(
        pd.io.common.BytesIO(shapes["single-channel-retail"].files["interactions.csv"])
    )
    assert {"order_id", "product"} <= set(retail.columns) and set(retail["channel"]) == {"store"}
    assert retail.groupby("order_id").size().max() > 1  # order lines, not orders
    assert "interactions.csv" not in shapes["crm-only"].files
    bare = shapes["transactions-only"].files["customers.csv"].decode()
    assert bare.splitlines()[0] == "customer_id"
    b2b = shapes["small-b2b"]
    assert len(b2b.truth) == 80
    raw = shapes["spanish-export"].files["movimientos.csv"]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # Latin-1
    text = raw.decode("latin-1")
    assert text.startswith("Fecha;Canal;Tipo;Id Cliente;Importe\n")
    assert "Teléfono" in text and "Tienda" in text
    assert re.search(r";\d{1,3}\.\d{3}\n", text)  # 15.597: a whole amount, thousands dot
    assert re.search(r";\d{1,3}\.\d{3},\d\d\n", text)  # 1.234,50
    assert re.search(r"^\d\d/\d\d/\d{4} \d\d:\d\d;", text.splitlines()[1])
    crm = shapes["spanish-export"].files["clientes.csv"].decode("latin-1")
    assert set(re.findall(r";([HM]);", crm)) == {"H", "M"}


def test_cli_lists_scenarios_and_refuses_unknown_ones(tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(app, ["demo", "--help"], terminal_width=200).output
    for name in NAMES:
        assert name in help_text
    result = runner.invoke(app, ["demo", "--scenario", "retail", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "Unknown scenario 'retail'" in result.output and "single-channel-retail" in result.output
    assert not (tmp_path / "x").exists()
    ok = runner.invoke(
        app, ["demo", "--scenario", "small-b2b", "--out", str(tmp_path / "b2b"), "--quiet"]
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "b2b" / "params.yaml").is_file()
    assert (tmp_path / "b2b" / "truth" / "customers.csv").is_file()


# ------------------------------------------------------------------ full reports (slow)


class _Reports:
    """Runs the needed scenarios' reports in subprocesses, two at a time, in the background."""

    def __init__(self, root: Path, names: list[str]) -> None:
        self.root = root
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.futures: dict[str, Future] = {n: self.pool.submit(self._run, n) for n in names}

    def _run(self, name: str) -> dict:
        data = self.root / "data" / name
        generate_scenario(name, data)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "omniseg.cli", "report", "--params",
             str(data / "params.yaml"), "--output-dir", str(self.root / "reports"), "--quiet"],
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        return {
            "name": name,
            "data": data,
            "run": self.root / "reports" / name,
            "returncode": proc.returncode,
            "stderr": proc.stderr,
            "seconds": time.perf_counter() - start,
        }

    def get(self, name: str) -> dict:
        if name not in self.futures:  # not foreseen: run it now
            self.futures[name] = self.pool.submit(self._run, name)
        return self.futures[name].result()


@pytest.fixture(scope="module")
def _reports(tmp_path_factory, request):
    wanted = []
    for item in request.session.items:
        spec = getattr(item, "callspec", None)
        name = spec.params.get("report") if spec is not None else None
        if name in SCENARIOS and name not in wanted:
            wanted.append(name)
    reports = _Reports(tmp_path_factory.mktemp("scenarios"), wanted)
    yield reports
    reports.pool.shutdown(wait=True)


@pytest.fixture(scope="module", params=NAMES)
def report(request, _reports) -> dict:
    out = _reports.get(request.param)
    assert out["returncode"] == 0, out["stderr"][-3000:]
    run = out["run"]
    params = yaml.safe_load((out["data"] / "params.yaml").read_text(encoding="utf-8"))
    out["language"] = params.get("language", "en")
    out["currency"] = params.get("currency", "EUR")
    out["html"] = (run / "report.html").read_text(encoding="utf-8")
    out["text"] = _visible_text(out["html"])
    out["segments"] = pd.read_csv(run / "segments.csv", dtype={"person_id": str})
    out["features"] = pd.read_parquet(run / "features.parquet")
    out["truth"] = pd.read_csv(out["data"] / "truth" / "customers.csv", dtype={"customer_id": str})
    out["personas"] = json.loads((run / "personas.json").read_text(encoding="utf-8"))
    plan = run / "channel_plan.csv"
    out["plan"] = pd.read_csv(plan) if plan.is_file() else None
    out["manifest"] = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    print(f"{request.param}: report in {out['seconds']:.1f} s")
    return out


class _Text(HTMLParser):
    """The text a reader sees: no scripts (plotly's data and code), no styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _data_channels(features: pd.DataFrame) -> set[str]:
    return {
        ch for ch in CANONICAL_CHANNELS
        if f"interactions_{ch}" in features and features[f"interactions_{ch}"].fillna(0).sum() > 0
    }  # fmt: skip


def _members(report: dict) -> pd.DataFrame:
    """The feature table with each person's segment."""
    seg = report["segments"].set_index("person_id")[["segment"]]
    return report["features"].join(seg, how="inner")


@pytest.mark.slow
def test_plan_ranks_only_channels_in_the_data_and_used_by_the_segment(report):
    plan, features = report["plan"], report["features"]
    present = _data_channels(features)
    if plan is None:  # no channel plan at all: only a data set without channels may lack it
        assert not present
        return
    assert set(plan["status"]) <= {"ranked", "untested", "not_in_data"}
    members = _members(report)
    for _, row in plan[plan["status"] == "ranked"].iterrows():
        ch = row["channel"]
        assert ch in present, (report["name"], ch)
        seg = members[members["segment"] == int(row["segment"])]
        assert (seg[f"interactions_{ch}"].fillna(0) > 0).any(), (report["name"], ch, row)
    absent = plan[plan["status"] == "not_in_data"]
    assert set(absent["channel"]) == set(CANONICAL_CHANNELS) - present
    assert absent["channel"].is_unique and absent["rank"].isna().all()  # listed once, not scored
    untested = plan[plan["status"] == "untested"]
    assert untested["rank"].isna().all()
    for _, row in untested.iterrows():
        seg = members[members["segment"] == int(row["segment"])]
        assert not (seg[f"interactions_{row['channel']}"].fillna(0) > 0).any()


#: Sections each scenario's report must call not applicable (i18n keys and their fields).
_NOT_APPLICABLE = {
    "single-channel-retail": [
        ("channels.na.attribution.one_channel", {"ch": "store"}),
        ("channels.na.journeys.one_channel", {"ch": "store"}),
        ("channels.na.gaps.one_channel", {"ch": "store"}),
        ("limits.na.omnichannel.one_channel", {}),
        ("limits.na.identity.customer_id_everywhere", {}),
    ],
    "online-only": [],
    "service-subscriber": [],
    "crm-only": [
        ("limits.na.identity.no_interactions", {}),
        ("limits.na.omnichannel.no_interactions", {}),
        ("limits.na.attribution.no_interactions", {}),
        ("limits.na.journeys.no_interactions", {}),
        ("limits.na.value.no_interactions", {}),
        ("channels.na.plan.no_interactions", {}),
    ],
    "transactions-only": [("limits.na.identity.customer_id_everywhere", {})],
    "small-b2b": [("limits.na.identity.customer_id_everywhere", {})],
    "spanish-export": [("limits.na.identity.customer_id_everywhere", {})],
}
#: Scenarios whose identities must be linked across channels (email or phone rows).
_LINKED = {"online-only", "service-subscriber"}


@pytest.mark.slow
def test_sections_that_do_not_apply_say_so(report):
    lang, text = report["language"], report["text"]
    expected = [*_NOT_APPLICABLE[report["name"]]]
    expected += [("limits.na.survey.no_survey", {}), ("limits.na.interviews.no_interviews", {})]
    for key, fields in expected:
        fields = {k: channel_label(v, lang) for k, v in fields.items()}
        assert t(key, lang, **fields) in text, (report["name"], key)
    identity = t("limits.na.identity.customer_id_everywhere", lang)
    if report["name"] in _LINKED:
        assert identity not in text
    if len(_data_channels(report["features"])) > 1:
        for key in ("limits.na.omnichannel.one_channel", "limits.na.attribution.one_channel"):
            assert t(key, lang) not in text


@pytest.mark.slow
def test_no_statistic_shown_is_infinite_or_absurd(report):
    text = report["text"]
    for bad in (r"\binf\b", r"\bInf\b", r"\bnan\b", r"\bNaN\b", r"\d[eE]\+\d", "∞"):
        assert not re.search(bad, text), (report["name"], bad, re.search(bad, text))
    for number in re.findall(r"\d[\d,.\u00a0\u202f]*\d", text):
        digits = re.sub(r"\D", "", number)
        assert len(digits) <= 15, (report["name"], number)


@pytest.mark.slow
def test_planted_segments_are_recovered(report):
    truth = report["truth"].set_index("customer_id")["segment"]
    got = report["segments"].set_index("person_id")["segment"]
    both = truth.to_frame("truth").join(got.rename("got"), how="inner")
    assert len(both) == len(truth)  # every planted customer has a segment
    ari = adjusted_rand_score(both["truth"], both["got"])
    print(f"{report['name']}: ARI {ari:.3f}")
    assert ari >= 0.8, (report["name"], ari)


def _trait_holds(code: str, members: pd.DataFrame, seg: int) -> bool | None:
    """Whether a persona's trait code is true of its segment against everyone else (None for a
    kind of trait this test does not know)."""
    inside = members["segment"] == seg

    def higher(col: str) -> bool:
        x = pd.to_numeric(members[col], errors="coerce")
        return bool(x[inside].mean() > x[~inside].mean())

    kind, _, value = code.partition(":")
    if code == "value:top:among":  # the highest-value segment of those sharing its traits
        means = pd.to_numeric(members["monetary"], errors="coerce").groupby(members["segment"])
        return bool(means.mean().idxmax() == seg)
    if kind == "channel":
        return higher(f"share_{value}")
    columns = {"value": "monetary", "frequency": "frequency", "tenure": "tenure_days",
               "age": "age", "recency": "recency_days"}  # fmt: skip
    if kind in columns and columns[kind] in members:
        up = value in ("high", "senior", "lapsed")
        return higher(columns[kind]) == up
    if kind == "region":
        return members.loc[inside, "region"].mode().iloc[0] == value
    if kind == "attribute":  # an attribute of a plain customer table: attribute:<col>:<side>
        col, _, side = value.rpartition(":")
        if col not in members:
            return False
        if side in ("high", "low"):
            return higher(col) == (side == "high")
        if side in ("yes", "no"):
            x = members[col].astype("float64")
            return bool(x[inside].mean() > x[~inside].mean()) == (side == "yes")
        level = members[col].astype("string") == side  # the segment's most frequent level
        return bool(level[inside].mean() >= 0.5 and level[inside].mean() > level[~inside].mean())
    return None


@pytest.mark.slow
def test_persona_names_are_unique_and_name_a_real_trait(report):
    personas = [p for p in report["personas"] if not p.get("suppressed")]
    names = [p["name"] for p in personas]
    assert len(set(names)) == len(names), names
    assert not [n for n in names if re.search(r"\(\d+\)", n)], names
    members = _members(report)
    for p in personas:
        assert p["traits"], (report["name"], p["name"])  # not a bare "Customer"
        checked = [_trait_holds(c, members, p["segment"]) for c in p["traits"]]
        assert any(checked), (report["name"], p["name"], p["traits"], checked)
        assert all(c is not False for c in checked), (report["name"], p["name"], p["traits"])


@pytest.mark.slow
def test_money_is_shown_in_the_configured_currency(report):
    lang, text = report["language"], report["text"]
    symbol = currency_symbol(lang, report["currency"])
    if lang == "es":
        shown = re.findall(r"\d[\d.,]*\s" + re.escape(symbol), text)
    else:
        shown = re.findall(re.escape(symbol) + r"\d", text)
    has_revenue = report["features"].get("monetary", pd.Series(dtype=float)).fillna(0).sum() > 0
    if has_revenue:
        assert len(shown) >= 3, (report["name"], symbol)
    if report["currency"] != "EUR":
        assert "€" not in text, report["name"]


@pytest.mark.slow
@pytest.mark.parametrize("report", ["spanish-export"], indirect=True)
def test_spanish_export_is_read_without_a_silent_misread(report):
    members = report["features"]
    truth = report["truth"].set_index("customer_id")
    # 15.597 is 15597 pesos, 1.234,50 is 1234.5: every customer's revenue is exact
    np.testing.assert_allclose(
        members.loc[truth.index, "monetary"].to_numpy(), truth["revenue"].to_numpy(), atol=0.01
    )
    # M is mujer, H is hombre
    assert (members.loc[truth.index, "gender"].astype(str) == truth["gender"]).all()
    assert report["manifest"]["parameters"]["currency"] == "MXN"


@pytest.mark.slow
@pytest.mark.parametrize("report", ["single-channel-retail"], indirect=True)
def test_order_lines_are_counted_as_orders(report):
    truth = report["truth"].set_index("customer_id")
    frequency = report["features"].loc[truth.index, "frequency"]
    assert (frequency.to_numpy() == truth["orders"].to_numpy()).all()  # orders, not lines


@pytest.mark.slow
def test_summary_comes_first_with_numbers_evidence_and_files(report):
    """Issue 16: on every data shape the report opens with "In one page"; every finding carries
    a number and links to a section of the page; every action names its list, which exists in
    the run folder, readable by its owner only, with no e-mail address or phone number."""
    html, run, lang = report["html"], report["run"], report["language"]
    body = html[html.index("</nav>") :]
    first = re.search(r'<h2 class="os-section" id="([^"]+)"', body)
    assert first and first.group(1) == "summary", report["name"]
    assert t("summary.title", lang) in report["text"]
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    findings = re.search(r'<ol class="os-findings">(.*?)</ol>', body, re.S)
    items = re.findall(r"<li>(.*?)</li>", findings.group(1), re.S) if findings else []
    assert items or t("summary.no_findings", lang) in report["text"], report["name"]
    for item in items:
        text = re.sub(r"<[^>]+>", "", item)
        assert re.search(r"n = \d|\d+ (of|de) \d", text), (report["name"], text)  # its n
        anchor = re.search(r'href="#([^"]+)"', item).group(1)
        assert anchor in ids, (report["name"], anchor)
    actions = body[body.index('id="action-list"') : body.index('id="summary-limits"')]
    rows = re.findall(r"<tr>(.*?)</tr>", actions, re.S)[1:]  # the header row first
    if report["plan"] is None:
        assert not rows and t("summary.no_actions", lang) in report["text"]
        return
    assert rows, report["name"]
    crm = load_params(report["data"] / "params.yaml").data.load().customers
    secrets = {
        str(v)
        for col in ("email", "phone")
        if col in crm
        for v in crm[col].dropna()
        if len(str(v)) >= 6
    }
    for row in rows:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
        path = run / cells[-1]
        assert cells[-1].endswith(".csv") and path.is_file(), (report["name"], cells)
        assert path.stat().st_mode & 0o077 == 0, path  # customer ids: the owner only
        listed = pd.read_csv(path, dtype=str)
        assert listed.columns[0] == "person_id"
        assert len(listed) == int(re.sub(r"\D", "", cells[2])), (report["name"], cells)
        assert not secrets & set(listed.to_numpy().ravel()), path
