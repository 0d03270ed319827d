"""The key figures of a report run, to check that refactoring leaves the report unchanged.

``key_figures(run_dir)`` reads a finished run folder and returns what a strategist would act on:
who is in which segment (a digest of ``segments.csv``), each persona's name, size and shares,
the channel plan's ranks and scores, the row counts of the inputs, and the report's section
headings. ``tests/data/demo_report_figures_<lang>.json`` hold these figures for the bundled demo
as the report gave them before the stage-subpackage move (commit 89c2458); the report tests
compare a fresh demo run against them. Regenerate them only for a deliberate, listed change:
``python tests/report_figures.py reports/<run> tests/data/demo_report_figures_en.json``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pandas as pd

__all__ = ["key_figures"]


def key_figures(run_dir: Path) -> dict:
    run_dir = Path(run_dir)
    segments = pd.read_csv(run_dir / "segments.csv", dtype={"person_id": str})
    # who is in which segment, by code (S1...): since issue 16 segment_name holds the persona's
    # name, a wording; the code is what the figures were recorded with
    segments["segment_name"] = segments.get("segment_code", segments["segment_name"])
    digest = hashlib.sha256(
        segments[["person_id", "segment", "segment_name"]].to_csv(index=False).encode()
    ).hexdigest()
    personas = json.loads((run_dir / "personas.json").read_text(encoding="utf-8"))
    plan = pd.read_csv(run_dir / "channel_plan.csv")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]
    return {
        "segments_digest": digest,
        "segment_sizes": segments["segment_name"].value_counts().sort_index().to_dict(),
        "personas": [
            {
                "code": p["code"],
                "name": p["name"],
                "customers": p["customers"],
                "share": round(float(p["share"]), 4),
                "revenue_share": None
                if p.get("revenue_share") is None
                else round(float(p["revenue_share"]), 4),
            }
            for p in personas
        ],
        "channel_plan": [
            [
                f"S{int(r.segment) + 1}",
                str(r.channel),
                str(r.status),
                None if pd.isna(r.rank) else int(r.rank),
                None if pd.isna(r.score) else round(float(r.score), 4),
            ]
            for r in plan.itertuples()
        ],
        "row_counts": manifest["row_counts"],
        "headings": headings,
    }


if __name__ == "__main__":  # pragma: no cover - regenerating the committed figures
    out = Path(sys.argv[2])
    out.write_text(
        json.dumps(key_figures(Path(sys.argv[1])), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
