"""The demo's voice of the customer: the survey, its codebook and the interview transcripts.

Survey answers follow each segment's planted attitudes (:func:`draw_survey`); interview
transcripts in Spanish and English are put together from phrase banks whose themes follow the
segments (:func:`draw_interviews`). The items and phrase banks are data files
(``omniseg/demo/tables/survey.yaml``, ``interviews.yaml``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from omniseg.demo.population import CHANNEL_INDEX, CHANNELS, SEG_NAMES, SEGMENTS
from omniseg.demo.table_files import load_table

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []

_SURVEY = load_table("survey")
#: The survey's Likert items per construct: ``(key, label, label_es, reverse)``
#: (``tables/survey.yaml``).
ITEMS: dict[str, list[tuple[str, str, str, bool]]] = {
    construct: [(r["key"], r["label"], r["label_es"], r["reverse"]) for r in rows]
    for construct, rows in _SURVEY["items"].items()
}
#: Display labels of the demo's survey constructs (the codebook's ``constructs`` section).
CONSTRUCT_LABELS: dict[str, dict[str, str]] = _SURVEY["constructs"]


def codebook() -> dict:
    """The survey codebook (``survey_codebook.yaml``): every item and the constructs."""
    items: dict[str, dict] = {}
    for construct, rows in ITEMS.items():
        for key, en, es, rev in rows:
            items[key] = {
                "label": en,
                "label_es": es,
                "type": "likert",
                "scale": [1, 5],
                "construct": construct,
                "reverse": rev,
            }
    items["pref_channel"] = {
        "label": "Which channel do you prefer to buy through?",
        "label_es": "¿Por qué canal prefieres comprar?",
        "type": "single_choice",
        "options": list(CHANNELS),
    }
    for c in CHANNELS:
        items[f"sat_{c}"] = {
            "label": f"Satisfaction with our {c} channel",
            "label_es": f"Satisfacción con el canal {c}",
            "type": "likert",
            "scale": [1, 5],
            "construct": "channel_satisfaction",
            "channel": c,
            "reverse": False,
        }
    items["nps"] = {
        "label": "How likely are you to recommend us to a friend?",
        "label_es": "¿Con qué probabilidad nos recomendarías a un amigo?",
        "type": "nps",
        "scale": [0, 10],
    }
    return {"items": items, "constructs": CONSTRUCT_LABELS}


def draw_survey(
    rng: np.random.Generator, cust: pd.DataFrame, used: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The survey answers of the respondents, and their truth (customer, link, segment)."""
    seg = cust["segment_idx"].to_numpy()
    rate = np.array([SEGMENTS[s]["survey_rate"] for s in SEG_NAMES])[seg]
    resp = np.nonzero(rng.random(len(cust)) < rate)[0]
    m = len(resp)
    out: dict[str, Any] = {"respondent_id": [f"R{i + 1:05d}" for i in range(m)]}
    linked = rng.random(m) >= 0.1
    out["customer_id"] = np.where(linked, cust["customer_id"].to_numpy()[resp], None)
    age = cust["age"].to_numpy()[resp]
    out["age_band"] = pd.cut(
        age,
        [0, 24, 34, 44, 54, 64, 200],
        labels=["18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
    ).astype(str)
    out["gender"] = cust["gender"].to_numpy()[resp]
    out["region"] = cust["region"].to_numpy()[resp]
    rseg = seg[resp]
    for construct, rows in ITEMS.items():
        mean = np.array([SEGMENTS[s]["attitudes"][construct] for s in SEG_NAMES])[rseg]
        person = rng.normal(0, 0.45, m)
        for key, _en, _es, rev in rows:
            val = np.clip(np.round(mean + person + rng.normal(0, 0.6, m)), 1, 5)
            if rev:
                val = 6 - val
            val = pd.array(val.astype(int), dtype="Int64")
            val[rng.random(m) < 0.02] = pd.NA
            out[key] = val
    best = np.array([CHANNEL_INDEX[SEGMENTS[s]["best"]] for s in SEG_NAMES])[rseg]
    rand_ch = rng.integers(0, len(CHANNELS), m)
    out["pref_channel"] = np.array(CHANNELS)[np.where(rng.random(m) < 0.65, best, rand_ch)]
    for c in CHANNELS:
        k = CHANNEL_INDEX[c]
        base = 3.9 - np.where(
            (rseg == SEG_NAMES.index("service_reliant")) & (k == CHANNEL_INDEX["web"]), 1.5, 0
        )
        val = pd.array(np.clip(np.round(rng.normal(base, 0.8)), 1, 5).astype(int), dtype="Int64")
        val[~used[resp, k]] = pd.NA
        out[f"sat_{c}"] = val
    nps_mean = np.array([SEGMENTS[s]["nps"] for s in SEG_NAMES])[rseg]
    out["nps"] = np.clip(np.round(rng.normal(nps_mean, 1.6)), 0, 10).astype(int)
    survey = pd.DataFrame(out)
    truth = pd.DataFrame(
        {
            "respondent_id": survey["respondent_id"],
            "customer_id": cust["customer_id"].to_numpy()[resp],
            "linked": linked,
            "segment": np.array(SEG_NAMES)[rseg],
        }
    )
    return survey, truth


_INTERVIEWS = load_table("interviews")
#: Sentences of each planted theme, per language (``tables/interviews.yaml``).
_THEME_TEXT: dict[str, dict[str, list[str]]] = _INTERVIEWS["themes"]
_OPENERS: dict[str, list[str]] = _INTERVIEWS["openers"]
_FILLER: dict[str, list[str]] = _INTERVIEWS["filler"]
_CLOSERS: dict[str, list[str]] = _INTERVIEWS["closers"]
#: Per language: (interviewer's label, interviewee's label, the three questions).
_QUESTIONS: dict[str, tuple[str, str, list[str]]] = {
    lang: (q["asker"], q["answerer"], q["questions"])
    for lang, q in _INTERVIEWS["questions"].items()
}
#: Personal data some interviewees volunteer (later stages must scrub it).
_PII_LINES: dict[str, list[str]] = _INTERVIEWS["pii_lines"]


def _pick(rng: np.random.Generator, bank: list[str], k: int) -> list[str]:
    return [bank[i] for i in rng.choice(len(bank), size=k, replace=False)]


def draw_interviews(
    rng: np.random.Generator, cust: pd.DataFrame, survey_truth: pd.DataFrame, n: int = 60
) -> tuple[dict[str, str], pd.DataFrame]:
    """Interview transcripts (question and answer) whose themes follow the segment.

    Every 5th interviewee of a segment is a survey respondent identified only by their
    ``respondent_id``; every 6th volunteers a name, email or phone in the text.
    """
    files: dict[str, str] = {}
    truth = []
    per_seg = n // len(SEG_NAMES)
    seg = cust["segment_idx"].to_numpy()
    respondent_of = dict(
        zip(survey_truth["customer_id"], survey_truth["respondent_id"], strict=True)
    )
    is_resp = cust["customer_id"].isin(respondent_of).to_numpy()
    k = 0
    for s_idx, s in enumerate(SEG_NAMES):
        # every 5th interviewee answered the survey and is named only by respondent_id (small
        # datasets may have fewer people than interviews: then fewer interviews)
        resp = list(rng.permutation(np.nonzero((seg == s_idx) & is_resp)[0]))
        others = list(rng.permutation(np.nonzero((seg == s_idx) & ~is_resp)[0]))
        chosen, by_resp = [], []
        for j in range(min(per_seg, len(resp) + len(others))):
            named_by_survey = j % 5 == 0 and bool(resp)
            chosen.append(resp.pop() if named_by_survey or not others else others.pop())
            by_resp.append(named_by_survey)
        for j, c in enumerate(chosen):
            k += 1
            row = cust.iloc[c]
            lang = "es" if rng.random() < 0.5 else "en"
            themes = [SEGMENTS[s]["themes"][t] for t in rng.permutation(3)]
            said = {t: _pick(rng, _THEME_TEXT[lang][t], 2) for t in themes}
            filler = _pick(rng, _FILLER[lang], 3)
            years = int(rng.integers(2, 15))
            opener = _pick(rng, _OPENERS[lang], 1)[0].format(
                age=row["age"], city=row["city"], years=years
            )
            answers = [
                [opener, *said[themes[0]], filler[0]],
                [said[themes[1]][0], said[themes[2]][0], said[themes[1]][1]],
                [said[themes[2]][1], filler[1], _pick(rng, _CLOSERS[lang], 1)[0]],
            ]
            if rng.random() < 0.5:
                answers[1].append(filler[2])
            if j % 6 == 0:
                phone = str(row["phone"])
                answers[2].insert(
                    1,
                    _pick(rng, _PII_LINES[lang], 1)[0].format(
                        email=row["email"],
                        phone=f"+34 {phone[:3]} {phone[3:6]} {phone[6:]}",
                        name=f"{row['first_name']} {row['last_name']}",
                    ),
                )
            asker, answerer, questions = _QUESTIONS[lang]
            body = "\n".join(
                f"{asker}: {q}\n{answerer}: {' '.join(a)}"
                for q, a in zip(questions, answers, strict=True)
            )
            respondent = respondent_of.get(row["customer_id"]) if by_resp[j] else None
            ident = (
                f"respondent_id: {respondent}"
                if respondent
                else f"customer_id: {row['customer_id']}"
            )
            header = [
                "---",
                ident,
                f"language: {lang}",
                f"age: {row['age']}",
                f"gender: {row['gender']}",
                "---",
            ]
            iid = f"INT{k:03d}"
            files[iid] = "\n".join(header) + "\n" + body + "\n"
            truth.append(
                {
                    "interview_id": iid,
                    "customer_id": row["customer_id"],
                    "respondent_id": respondent,
                    "segment": s,
                    "language": lang,
                    "themes": "|".join(SEGMENTS[s]["themes"]),
                    "has_pii": j % 6 == 0,
                }
            )
    return files, pd.DataFrame(truth)
