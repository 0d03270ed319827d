"""The evidence of a persona's card: who, behaviour, channels, attitudes and interview themes.

Each section function fills one part of a :class:`~omniseg.voice.persona_model.Persona` with
statements that carry their :class:`~omniseg.voice.persona_model.Evidence` (number of people,
index against the average, adjusted p-value). A statement is a catalog key with its figures and
codes (:class:`~omniseg.voice.persona_model.Statement`), worded when the card is shown. Survey
statements need ``min_respondents`` answers; quotes are taken from PII-scrubbed interview
sentences only, and complaint cues (:data:`_NEGATIVE`) mark a sentence as a frustration.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from omniseg.config.vocabulary import CANONICAL_CHANNELS, fold_label
from omniseg.errors import ParameterError
from omniseg.voice.persona_model import Evidence, Figure, Label, Persona, Statement

__all__ = ["MIN_CHANNEL_REACH"]


# ---------------------------------------------------------------------- customers


def _female_share(gender: pd.Series) -> float:
    g = gender.dropna().astype(str)
    return float((g == "female").mean()) if len(g) else float("nan")


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def _who(p: Persona, features, mask, ages, female_share) -> None:
    n = int(mask.sum())
    if ages is not None and np.isfinite(p.median_age or np.nan):
        overall = float(ages.median())
        p.who.append(
            Statement(
                "median_age",
                {"v": Figure(p.median_age), "a": Figure(overall)},
                Evidence(n=int(ages[mask].notna().sum()), index=_index(p.median_age, overall)),
            )
        )
    if np.isfinite(female_share):
        overall_f = _female_share(features["gender"])
        p.who.append(
            Statement(
                "gender",
                {"share": Figure(female_share, "percent", 0)},
                Evidence(n=n, index=_index(female_share, overall_f)),
            )
        )
    for col in ("income_band", "region"):
        if col in features:
            values = features.loc[mask, col].dropna().astype(str)
            if len(values):
                top = values.value_counts().index[0]
                s = float((values == top).mean())
                overall_s = float((features[col].dropna().astype(str) == top).mean())
                p.who.append(
                    Statement(
                        "top_level",
                        {"v": top, "share": Figure(s, "percent", 0)},
                        Evidence(n=len(values), index=_index(s, overall_s)),
                        prefix=Label("feature", col),
                    )
                )


def _index(value: float, overall: float) -> float | None:
    if not (np.isfinite(value) and np.isfinite(overall)) or overall <= 0:
        return None
    return round(100 * value / overall, 1)


def _behaviour(p: Persona, features, mask, overall_rpc, n_channels=None) -> None:
    n = int(mask.sum())
    part = features.loc[mask]
    if {"frequency", "aov", "monetary"} <= set(features.columns):
        f = float(part["frequency"].astype("float64").mean())
        aov = float(part["aov"].astype("float64").median())
        m = float(part["monetary"].astype("float64").fillna(0).mean())
        p.behaviour.append(
            Statement(
                "rfm",
                {
                    "f": Figure(f, "number", 1),
                    "aov": Figure(aov, "money"),
                    "m": Figure(m, "money"),
                    "ma": Figure(overall_rpc, "money"),
                },
                Evidence(n=n, index=_index(m, overall_rpc)),
            )
        )
    if "recency_days" in features:
        d = part["recency_days"].astype("float64").median()
        if np.isfinite(d):
            p.behaviour.append(
                Statement(
                    "recency",
                    {"d": Figure(float(d))},
                    Evidence(n=int(part["recency_days"].notna().sum())),
                )
            )
    if {"first_channel", "last_channel"} <= set(features.columns) and n_channels != 1:
        first = part["first_channel"].dropna().astype(str)
        last = part["last_channel"].dropna().astype(str)
        if len(first) and len(last):
            omni = (
                float(part["omnichannel"].astype("float64").mean())
                if "omnichannel" in part
                else float("nan")
            )
            p.behaviour.append(
                Statement(
                    "journey",
                    {
                        "first": Label("channel", str(first.value_counts().index[0])),
                        "last": Label("channel", str(last.value_counts().index[0])),
                        "omni": Figure(omni, "percent", 0),
                    },
                    Evidence(n=len(first)),
                )
            )


#: A channel used by fewer than this share of a segment's customers gets no card line.
MIN_CHANNEL_REACH = 0.01


def _channels(p: Persona, features, mask) -> None:
    rows = []
    for ch in CANONICAL_CHANNELS:
        col = f"share_{ch}"
        if col in features:
            x = features[col].astype("float64")
            seg, overall = float(x[mask].mean()), float(x.mean())
            inter = f"interactions_{ch}"
            used = features.get(inter, x)
            reach = float((pd.to_numeric(used[mask], errors="coerce").fillna(0) > 0).mean())
            if not np.isfinite(seg) or seg <= 0 or reach < MIN_CHANNEL_REACH:
                continue  # a channel the segment does not use: no line
            rows.append((seg, ch, overall, int(x[mask].notna().sum())))
    rows.sort(key=lambda r: -r[0])
    p.channel_mix = {ch: seg for seg, ch, _, _ in rows}  # every channel it uses, for charts
    for seg, ch, overall, n in rows[:3]:
        idx = _index(seg, overall)
        p.channels.append(
            Statement(
                "channel_line",
                {
                    "ch": Label("channel", ch),
                    "share": Figure(seg, "percent", 0),
                    "idx": Figure(idx),
                },
                Evidence(n=n, index=idx),
            )
        )


# ---------------------------------------------------------------------- survey and interviews


def _survey_evidence(survey, codebook, labels, respondent_segments, weights=None) -> dict | None:
    if survey is None or codebook is None:
        return None
    if weights is not None:
        if not isinstance(weights, pd.Series) or not weights.index.equals(survey.index):
            raise ParameterError(
                "The 'survey_weights' parameter of build_personas must be a Series on the "
                "survey's index (one weight per survey row), such as the weights of "
                "omniseg.voice.weight_to_customers."
            )
        weights = pd.to_numeric(weights, errors="coerce").to_numpy(dtype="float64")
        if np.any(weights[np.isfinite(weights)] < 0):
            raise ParameterError("The 'survey_weights' of build_personas must be >= 0.")
    from omniseg.voice.construct_reliability import reliability
    from omniseg.voice.survey import constructs as construct_items
    from omniseg.voice.survey import score_constructs

    scores = score_constructs(survey, codebook)
    if respondent_segments is not None:
        seg = scores["respondent_id"].map(respondent_segments)
    elif "customer_id" in scores:
        seg = scores["customer_id"].map(labels)
    else:
        return None
    rel = reliability(survey, codebook)
    constructs = list(construct_items(codebook))
    nps_item = next(
        (name for name, item in codebook["items"].items() if item.get("type") == "nps"), None
    )
    scale_hi = {}
    for c, items in construct_items(codebook).items():
        scale_hi[c] = codebook["items"][items[0]].get("scale", [1, 5])[1]
    extra = {"_segment": seg.to_numpy()}
    if weights is not None:  # scores are one row per survey row, in survey order
        extra["_w"] = weights
    return {
        "scores": scores.assign(**extra),
        "reliability": rel,
        "constructs": constructs,
        "nps_item": nps_item,
        "survey": survey.assign(**extra),
        "codebook": codebook,
        "scale_hi": scale_hi,
    }


def _attitude_effects(part: dict | None, seg: int, min_respondents: int):
    """(standardised difference, construct, its label in a name) of the segment's respondents
    vs everyone."""
    if part is None:
        return []
    scores = part["scores"]
    mine = scores[scores["_segment"] == seg]
    if len(mine) < min_respondents:
        return []
    out = []
    for c in part["constructs"]:
        if c not in scores or int(mine[c].notna().sum()) < min_respondents:
            continue
        if "_w" in scores:
            v, _ = _weighted_stats(mine[c], mine["_w"])
            a, sd = _weighted_stats(scores[c], scores["_w"])
        else:
            v, a, sd = float(mine[c].mean()), float(scores[c].mean()), float(scores[c].std())
        if np.isfinite(v) and np.isfinite(sd) and sd > 0:
            out.append(((v - a) / sd, c, _construct_label(c, part["codebook"], lower=True)))
    return out


def _construct_label(name: str, codebook: dict, lower: bool = False) -> Label:
    """A construct as a :class:`Label`, with its codebook labels (``label_en``, ``label``...)."""
    labels = (codebook.get("constructs") or {}).get(name) or {}
    kept = (
        {k: str(v) for k, v in labels.items() if str(k).startswith("label") and v}
        if isinstance(labels, dict)
        else {}
    )
    return Label("construct", str(name), kept or None, lower)


def _attitudes(p: Persona, part: dict | None, seg: int, min_respondents: int) -> None:
    if part is None:
        return
    scores = part["scores"]
    mine = scores[scores["_segment"] == seg]
    n = len(mine)
    if n < min_respondents:
        p.notes.append(Statement("few_respondents", {"n": n, "m": min_respondents}))
        return
    rel = part["reliability"]
    weighted = "_w" in scores
    diffs = []
    for c in part["constructs"]:
        if c not in scores:
            continue
        if weighted:  # the respondents as the customers they stand for
            v, _ = _weighted_stats(mine[c], mine["_w"])
            a, sd = _weighted_stats(scores[c], scores["_w"])
        else:
            v = float(mine[c].mean())
            a = float(scores[c].mean())
            sd = float(scores[c].std())
        nn = int(mine[c].notna().sum())
        if nn < min_respondents or not np.isfinite(v):
            continue
        diffs.append(((v - a) / sd if sd > 0 else 0.0, c, v, a, nn))
    diffs.sort(key=lambda d: -abs(d[0]))
    for d, c, v, a, _nn in diffs:
        if d >= 0.5:  # a construct well above everyone's: what this persona seeks
            p.goals.append(
                Statement(
                    "goal_line",
                    {
                        "c": _construct_label(c, part["codebook"]),
                        "v": Figure(v, "number", 1),
                        "a": Figure(a, "number", 1),
                    },
                )
            )
    for _d, c, v, a, nn in diffs[:3]:
        label = _construct_label(c, part["codebook"])
        p.attitudes.append(
            Statement(
                "construct_line",
                {
                    "c": label,
                    "v": Figure(v, "number", 1),
                    "hi": part["scale_hi"].get(c, 5),
                    "a": Figure(a, "number", 1),
                    "n": nn,
                },
                Evidence(n=nn, index=_index(v, a), source="survey"),
            )
        )
        ok = "reliable" not in rel.columns or bool(
            rel.set_index("construct").get("reliable", pd.Series(dtype=bool)).get(c, True)
        )
        if not ok:
            alpha = rel.set_index("construct")["alpha"].get(c, np.nan)
            p.notes.append(
                Statement("unreliable", {"c": label, "a": Figure(_float(alpha), "number", 2)})
            )
    item = part["nps_item"]
    if item is not None:
        from omniseg.voice.survey_tables import nps

        allx = part["survey"]
        w = "_w" if "_w" in allx else None
        if w is not None:  # respondents without a weight are left out of weighted figures
            allx = allx[allx[w].notna()]
        sub = allx[allx["_segment"] == seg].drop(columns="_segment")
        if sub[item].notna().sum() >= min_respondents:
            mine_nps = nps(sub, part["codebook"], weights=w)
            all_nps = nps(allx.drop(columns="_segment"), part["codebook"], weights=w)
            p.nps = _float(mine_nps["nps"])
            p.attitudes.append(
                Statement(
                    "nps_line",
                    {
                        "v": Figure(_float(mine_nps["nps"])),
                        "a": Figure(_float(all_nps["nps"])),
                        "n": int(mine_nps["n"]),
                    },
                    Evidence(n=int(mine_nps["n"]), source="survey"),
                )
            )


def _weighted_stats(values: pd.Series, weights: pd.Series) -> tuple[float, float]:
    """Weighted mean and standard deviation of the answered values with a weight."""
    x = values.to_numpy(dtype="float64", na_value=np.nan)
    w = weights.to_numpy(dtype="float64", na_value=np.nan)
    ok = np.isfinite(x) & np.isfinite(w) & (w > 0)
    if not ok.any():
        return float("nan"), float("nan")
    x, w = x[ok], w[ok]
    mean = float(np.average(x, weights=w))
    return mean, float(np.sqrt(np.average((x - mean) ** 2, weights=w)))


def _theme_evidence(themes: Any, interview_segments: pd.Series | None) -> dict | None:
    if themes is None or interview_segments is None:
        return None
    return {"themes": themes, "segments": interview_segments}


def _themes(p: Persona, part: dict | None, seg: int) -> None:
    if part is None:
        return
    segs = part["segments"]
    if not (segs == seg).any():
        p.notes.append(Statement("no_interviews"))
        return
    themes = part["themes"]
    table = themes.by_segment(segs)
    mine = table[table["segment"] == seg] if "segment" in table else table.loc[[seg]]
    mine = mine.sort_values("lift", ascending=False) if "lift" in mine else mine
    table_ = themes.themes.set_index("theme")
    top = [t for t in mine["theme"].tolist() if mine.set_index("theme").loc[t, "lift"] > 1][:3]
    # each theme's label in both languages, worded at display time
    p.themes = [
        Label(
            "theme",
            str(t),
            {
                k: str(table_.loc[t, k])
                for k in ("label", "label_es", "label_en")
                if k in table_.columns
            },
        )
        for t in top
    ]
    quotes: list[str] = []
    for t in top:
        for q in themes.quotes(t, n=2, segment_labels=segs, segment=seg):
            if q not in quotes:
                quotes.append(q)
            if len(quotes) >= 3:
                break
        if len(quotes) >= 3:
            break
    p.quotes = quotes
    # frustrations: sentences of the segment's themes that carry a complaint cue
    seen = set(quotes)
    for t in top:
        for q in themes.quotes(t, n=8, segment_labels=segs, segment=seg):
            if q not in seen and _NEGATIVE.search(fold_label(q) or ""):
                p.frustrations.append(q)
                seen.add(q)
            if len(p.frustrations) >= 2:
                return


#: Complaint cues (accent-folded, Spanish and English) that mark an interview sentence as a
#: frustration. A heuristic, not sentiment analysis: it is shown as quotes, never as a score.
#: Negations ("no", "never") are not cues: "they have never let me down" is praise.
_NEGATIVE = re.compile(
    r"\b(worse|worst|peor|enfad\w*|quicio|molest\w*|annoy\w*|hate|odio|lent[oa]s?|slow\w*|"
    r"problem\w*|colg\w*|crash\w*|froze|agotad\w*|sold out|complicad\w*|difficult|"
    r"frustr\w*|queja\w*|complain\w*|musiquita|me voy a otra|go to another)\b"
)
