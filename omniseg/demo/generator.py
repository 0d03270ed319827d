"""Seeded synthetic omnichannel data with planted truth.

:func:`generate_demo` writes a dataset that looks like what a retailer's CRM, web analytics,
call-centre, store and campaign systems export — including the mess — with the answers planted so
tests can check every later stage:

* **5 latent segments** (:data:`omniseg.demo.population.SEGMENTS`) that differ in demographics,
  channel habits, value, journeys, survey attitudes and interview themes. Each customer uses
  only some channels (the planted per-segment reach); each segment's planted best channel leads
  on reach, conversion (purchases per engaged customer) and revenue, and its worst channel is
  barely used.
* **18 months of interactions** over the 8 canonical channels with seasonality (November/December
  peaks with a Black Friday week, January sales, an August dip in stores), email/SMS bursts after
  campaign launches, channel-specific hours, heavy-tailed spend, and journeys: research online
  then buy in store (ROPO), campaign click then an order from the email (or from the web after an
  SMS), web visit then phone call.
* **Fragmented identities**: each row carries only what its channel sees (email on web/email/social,
  phone on phone/SMS, loyalty card in store, device id in the app, device + email on app logins),
  with formatting noise; a store's generic email and family phones are *shared* identifiers that
  must not merge people.
* A **survey** (~15% of customers; some respondents not linked), its codebook, and ~60 **interview
  transcripts** in Spanish and English whose themes follow the segments.
* Realistic mess: missing values, duplicated rows, mixed-case channel labels, accents.

The planted truth goes to ``truth/`` and is read only by tests. ``format="parquet"`` streams large
datasets (a million customers and more) in chunks with bounded memory, for benchmarks.

This module writes the files; what goes in them is drawn by :mod:`omniseg.demo.population`
(segments and customers), :mod:`omniseg.demo.interactions` (events and identifiers) and
:mod:`omniseg.demo.responses` (survey and interviews), from the literal tables in
``omniseg/demo/tables/*.yaml`` (:mod:`omniseg.demo.table_files`).
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from omniseg.atomic import replace_dir
from omniseg.demo.interactions import attach_identifiers, draw_interactions, noisy_phone
from omniseg.demo.population import (
    CHANNEL_INDEX,
    CHANNEL_LABELS,
    CHANNELS,
    EVENTS,
    GENERIC_STORE_EMAIL,
    SEG_NAMES,
    SEGMENTS,
    draw_customers,
)
from omniseg.demo.responses import codebook, draw_interviews, draw_survey
from omniseg.errors import ParameterError

__all__ = ["CHANNEL_LABELS", "generate_demo"]
_INTERACTION_COLUMNS = (
    "timestamp",
    "channel",
    "event",
    "customer_id",
    "email",
    "phone",
    "loyalty_id",
    "device_id",
    "revenue",
    "campaign",
    "satisfaction",
)


def _chunk(rng: np.random.Generator, n: int, offset: int, start: pd.Timestamp, months: int):
    cust = draw_customers(rng, n, offset, start + pd.DateOffset(months=months))
    cust["has_card"] = rng.random(n) < np.where(cust["segment_idx"].to_numpy() == 1, 0.95, 0.6)
    # family phones: a few pairs and triples of CRM customers share one phone
    n_fam = max(3, n // 250)
    fam = rng.choice(n, size=n_fam * 3, replace=False).reshape(-1, 3)
    triple = np.arange(n_fam) % 3 == 0
    phones = cust["phone"].to_numpy().copy()
    phones[fam[:, 1]] = phones[fam[:, 0]]
    phones[fam[triple, 2]] = phones[fam[triple, 0]]
    cust["phone"] = phones
    ev = draw_interactions(rng, cust, start, months)
    ev, shared = attach_identifiers(rng, ev, cust)
    ids = cust["customer_id"].to_numpy()
    for k, members in enumerate(fam):
        people = members if triple[k] else members[:2]
        shared.append(
            {
                "identifier_type": "phone",
                "value": phones[members[0]],
                "customer_ids": "|".join(sorted(ids[people])),
            }
        )
    labels_idx = rng.integers(0, 5, len(ev))
    lab = np.array(
        [[CHANNEL_LABELS[c][i % len(CHANNEL_LABELS[c])] for i in range(5)] for c in CHANNELS],
        dtype=object,
    )
    ev["channel"] = lab[ev["ch"].to_numpy(), labels_idx]
    ev["event"] = np.array(EVENTS, dtype=object)[ev["event"].to_numpy()]
    ev["timestamp"] = ev["ts"].dt.strftime("%Y-%m-%d %H:%M:%S")
    # anonymous web views: no identifier at all
    anon = (ev["ch"].to_numpy() == CHANNEL_INDEX["web"]) & (
        ev[["customer_id", "email"]].isna().all(axis=1).to_numpy()
    )
    ev.loc[anon, ["customer_id", "email", "phone", "loyalty_id", "device_id"]] = None
    return cust, ev, shared


def _crm_frame(rng: np.random.Generator, cust: pd.DataFrame) -> pd.DataFrame:
    n = len(cust)
    crm = pd.DataFrame({"customer_id": cust["customer_id"]})
    crm["email"] = np.where(rng.random(n) < 0.08, None, cust["email"])
    # family phones stay on every member's CRM record: that is what makes them a trap
    family = cust["phone"].duplicated(keep=False).to_numpy()
    blank = (rng.random(n) < 0.12) & ~family
    crm["phone"] = np.where(blank, None, noisy_phone(rng, cust["phone"].to_numpy()))
    crm["loyalty_id"] = np.where(cust["has_card"], cust["loyalty_id"].str.zfill(10), None)
    age = cust["age"].astype(object)
    age[rng.random(n) < 0.03] = None
    crm["age"] = age
    gmap = {
        "F": ("F", "female", "Mujer"),
        "M": ("M", "male", "Hombre"),
        "X": ("X", "non-binary", "No binario"),
    }
    gi = rng.integers(0, 3, n)
    crm["gender"] = [gmap[g][i] for g, i in zip(cust["gender"], gi, strict=True)]
    crm["income_band"] = np.where(rng.random(n) < 0.05, None, cust["income_band"])
    crm["region"] = cust["region"]
    crm["city"] = cust["city"]
    crm["signup_date"] = cust["signup_date"].dt.strftime("%d/%m/%Y")
    crm["consent_email"] = np.where(cust["consent_email"], "sí", "no")
    crm["consent_sms"] = np.where(cust["consent_sms"], "sí", "no")
    return crm


def _link_first_use(ev: pd.DataFrame, cust: pd.DataFrame, crm: pd.DataFrame) -> None:
    """The first use of an identifier the CRM does not hold carries the customer id.

    Real systems see a new email, phone or app device first at a login or registration, which
    ties it to the account; after that the channel records only its own identifier. This keeps
    every identifier linkable in principle (what identity resolution must then find), while most
    rows still carry a single, fragmented identifier. Shared identifiers are not linked this way.
    """
    ci = ev["ci"].to_numpy()
    in_crm = {
        "email": crm["email"].notna().to_numpy(),
        "phone": crm["phone"].notna().to_numpy(),
        "device_id": np.zeros(len(cust), dtype=bool),
    }
    customer_ids = cust["customer_id"].to_numpy()
    for kind, known in in_crm.items():
        values = ev[kind]
        rows = np.nonzero(
            (values.notna() & (values != GENERIC_STORE_EMAIL)).to_numpy() & ~known[ci]
        )[0]
        if not len(rows):
            continue
        _, first = np.unique(ci[rows], return_index=True)
        ev.loc[ev.index[rows[first]], "customer_id"] = customer_ids[ci[rows[first]]]


def _identity_truth(
    cust: pd.DataFrame, crm: pd.DataFrame, ev: pd.DataFrame, ci: np.ndarray
) -> pd.DataFrame:
    rows = []
    true_id = cust["customer_id"].to_numpy()[ci]
    for col in ("customer_id", "email", "phone", "loyalty_id", "device_id"):
        vals = ev[col].to_numpy()
        m = pd.notna(vals)
        rows.append(
            pd.DataFrame({"identifier_type": col, "value": vals[m], "customer_id": true_id[m]})
        )
    for col in ("email", "phone", "loyalty_id"):
        m = crm[col].notna().to_numpy()
        rows.append(
            pd.DataFrame(
                {
                    "identifier_type": col,
                    "value": crm[col].to_numpy()[m],
                    "customer_id": crm["customer_id"].to_numpy()[m],
                }
            )
        )
    out = pd.concat(rows, ignore_index=True).drop_duplicates()
    out = out[out["value"] != GENERIC_STORE_EMAIL]
    return out.sort_values(["identifier_type", "value", "customer_id"]).reset_index(drop=True)


def _channel_effects(cust: pd.DataFrame, ev: pd.DataFrame) -> pd.DataFrame:
    """Planted channel parameters and what they produced, per segment x channel, by true person.

    ``reach``: share of the segment's customers with at least one interaction on the channel;
    ``conversion_rate``: purchases on the channel per customer engaged with it;
    ``revenue_per_customer``: the channel's revenue per segment member (EUR). Computed on the true
    person behind every row (before duplicated rows are added), so these are the answers a
    pipeline with perfect identity resolution should find.
    """
    seg = cust["segment_idx"].to_numpy()
    ci, ch = ev["ci"].to_numpy(), ev["ch"].to_numpy()
    k = len(CHANNELS)
    engaged = np.zeros((len(cust), k), dtype=bool)
    engaged[ci, ch] = True
    buys = ev["event"].to_numpy() == "purchase"
    purchases = np.zeros((len(cust), k))
    np.add.at(purchases, (ci[buys], ch[buys]), 1)
    revenue = np.zeros((len(cust), k))
    np.add.at(revenue, (ci[buys], ch[buys]), np.nan_to_num(ev["revenue"].to_numpy()[buys]))
    rows = []
    for s_idx, s in enumerate(SEG_NAMES):
        v = SEGMENTS[s]
        m = seg == s_idx
        n_eng = engaged[m].sum(axis=0)
        for c in CHANNELS:
            j = CHANNEL_INDEX[c]
            rows.append(
                {
                    "segment": s,
                    "channel": c,
                    "reach": round(float(n_eng[j] / max(m.sum(), 1)), 4),
                    "conversion_rate": round(float(purchases[m, j].sum() / max(n_eng[j], 1)), 4),
                    "revenue_per_customer": round(float(revenue[m, j].sum() / max(m.sum(), 1)), 2),
                    "planted_reach": v["reach"][c],
                    "rate_per_month": v["rates"][c],
                    "purchase_share": v["buy"][c],
                    "is_best": c == v["best"],
                    "is_worst": c == v["worst"],
                }
            )
    return pd.DataFrame(rows)


_TRUTH_README = """\
Planted truth of the omniseg demo dataset (omniseg.demo.generate_demo). For tests only: the
pipeline never reads it.

customers.csv           customer_id, segment (true latent segment of every CRM customer)
segments.csv            segment, name, share, best_channel, worst_channel, description,
                        survey_rate (probability a member answers the survey), themes
identity.csv.gz         identifier_type, value (raw, exactly as written in interactions.csv.gz or
                        customers.csv), customer_id (the true person)
shared_identifiers.csv  identifier_type, value, customer_ids (|-separated): identifiers used by
                        several people (a store's generic email, family phones); never merge them
channel_effects.csv     segment, channel, reach, conversion_rate, revenue_per_customer (realised,
                        by true person), planted_reach, rate_per_month, purchase_share (planted
                        parameters), is_best, is_worst
survey.csv              respondent_id, customer_id (true, also for unlinked respondents), linked,
                        segment
interviews.csv          interview_id, customer_id (true), respondent_id (when the transcript
                        names only the respondent), segment, language, themes, has_pii

Messy labels in the data that mean the same thing:
  gender (customers.csv): F = female = Mujer; M = male = Hombre; X = non-binary = No binario
  consent_*: sí / no
  channel (interactions): see omniseg.demo.generator.CHANNEL_LABELS; all map with
  omniseg.config.normalise_channel
"""


def _write_csv(frame: pd.DataFrame, path: Path, sep: str = ",") -> None:
    text = frame.to_csv(index=False, sep=sep, lineterminator="\n")
    if path.suffix == ".gz":
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        ):
            gz.write(text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


def generate_demo(
    out_dir: str | Path,
    *,
    n_customers: int = 5000,
    seed: int = 42,
    months: int = 18,
    start: str = "2025-05-01",
    format: str = "csv",
    chunk_size: int = 50_000,
    progress: bool = True,
) -> dict[str, Any]:
    """Write a synthetic omnichannel dataset with planted truth into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Destination folder; replaced atomically (written next to it, then renamed).
    n_customers : int
        Number of customers (>= 50).
    seed : int
        Seed; the same seed and arguments give byte-identical files.
    months : int
        Months of interactions, starting at ``start``.
    start : str
        First day of the interaction period.
    format : {"csv", "parquet"}
        ``"csv"``: the small layout committed in ``data/demo`` (CRM ``;``-delimited, interactions
        gzip CSV, survey, codebook, interviews, truth). ``"parquet"``: big datasets for benchmarks,
        customers and interactions streamed in chunks of ``chunk_size`` customers to
        ``customers/part-*.parquet`` and ``interactions/part-*.parquet`` (no survey/interviews).
    chunk_size : int
        Customers per chunk in parquet mode.
    progress : bool
        Show a progress bar over chunks.

    Returns
    -------
    dict
        ``customers`` (distinct), rows written per table (``customer_rows`` includes the planted
        duplicate rows), and ``path``.

    Examples
    --------
    >>> import tempfile
    >>> summary = generate_demo(tempfile.mkdtemp() + "/demo", n_customers=200, progress=False)
    >>> summary["customers"]
    200
    """
    from tqdm.auto import tqdm

    if not isinstance(n_customers, int) or n_customers < 50:
        raise ParameterError(
            f"The 'n_customers' parameter must be an int in [50, inf). Got {n_customers!r}."
        )
    if format not in ("csv", "parquet"):
        raise ParameterError(f"The 'format' parameter must be 'csv' or 'parquet'. Got {format!r}.")
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    start_ts = pd.Timestamp(start)
    try:
        if format == "csv":
            summary = _write_small(tmp, n_customers, seed, start_ts, months)
        else:
            chunks = range(0, n_customers, chunk_size)
            seeds = np.random.SeedSequence(seed).spawn(len(chunks))
            import pyarrow as pa
            import pyarrow.parquet as pq

            (tmp / "customers").mkdir()
            (tmp / "interactions").mkdir()
            summary = {"customers": 0, "interactions": 0}
            for k, lo in enumerate(tqdm(chunks, desc="demo chunks", disable=not progress)):
                rng = np.random.default_rng(seeds[k])
                n = min(chunk_size, n_customers - lo)
                cust, ev, _ = _chunk(rng, n, lo, start_ts, months)
                crm = _crm_frame(rng, cust)
                _link_first_use(ev, cust, crm)
                inter = ev[list(_INTERACTION_COLUMNS)].assign(timestamp=ev["ts"])  # typed
                pq.write_table(
                    pa.Table.from_pandas(crm, preserve_index=False),
                    tmp / "customers" / f"part-{k:05d}.parquet",
                )
                pq.write_table(
                    pa.Table.from_pandas(inter, preserve_index=False),
                    tmp / "interactions" / f"part-{k:05d}.parquet",
                )
                truth = pd.DataFrame(
                    {
                        "customer_id": cust["customer_id"],
                        "segment": np.array(SEG_NAMES)[cust["segment_idx"]],
                    }
                )
                (tmp / "truth").mkdir(exist_ok=True)
                truth.to_parquet(tmp / "truth" / f"segments-{k:05d}.parquet", index=False)
                summary["customers"] += n
                summary["interactions"] += len(inter)
                del cust, ev, crm, inter
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary["path"] = str(out_dir)
    return summary


def _write_small(tmp: Path, n: int, seed: int, start: pd.Timestamp, months: int) -> dict[str, Any]:
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    cust, ev, shared = _chunk(rng, n, 0, start, months)
    crm = _crm_frame(rng, cust)
    _link_first_use(ev, cust, crm)
    # realistic mess: ~0.5% exact duplicate CRM rows, ~0.3% duplicated interaction rows
    dup = crm.sample(frac=0.005, random_state=int(rng.integers(0, 2**31)))
    crm_out = pd.concat([crm, dup]).sort_values("customer_id", kind="stable")
    inter = ev[list(_INTERACTION_COLUMNS)]
    ci = ev["ci"].to_numpy()
    dup_rows = rng.random(len(inter)) < 0.003
    inter_out = pd.concat([inter, inter[dup_rows]]).sort_index(kind="stable")
    ci_out = np.concatenate([ci, ci[dup_rows]])[
        np.argsort(np.concatenate([np.arange(len(inter)), np.nonzero(dup_rows)[0]]), kind="stable")
    ]
    _write_csv(crm_out, tmp / "customers.csv", sep=";")
    _write_csv(inter_out, tmp / "interactions.csv.gz")

    used = np.zeros((n, len(CHANNELS)), dtype=bool)
    used[ci, ev["ch"].to_numpy()] = True
    survey, survey_truth = draw_survey(rng, cust, used)
    _write_csv(survey, tmp / "survey.csv", sep=";")
    (tmp / "survey_codebook.yaml").write_text(
        yaml.safe_dump(codebook(), allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    files, interviews_truth = draw_interviews(rng, cust, survey_truth)
    (tmp / "interviews").mkdir()
    for iid, text in files.items():
        (tmp / "interviews" / f"{iid}.txt").write_text(text, encoding="utf-8")

    truth = tmp / "truth"
    truth.mkdir()
    seg_names = np.array(SEG_NAMES)
    _write_csv(
        pd.DataFrame(
            {"customer_id": cust["customer_id"], "segment": seg_names[cust["segment_idx"]]}
        ),
        truth / "customers.csv",
    )
    _write_csv(
        pd.DataFrame(
            [
                {
                    "segment": s,
                    "name": v["name"],
                    "share": v["share"],
                    "best_channel": v["best"],
                    "worst_channel": v["worst"],
                    "description": v["description"],
                    "survey_rate": v["survey_rate"],
                    "themes": "|".join(v["themes"]),
                }
                for s, v in SEGMENTS.items()
            ]
        ),
        truth / "segments.csv",
    )
    _write_csv(_identity_truth(cust, crm, inter_out, ci_out), truth / "identity.csv.gz")
    _write_csv(
        pd.DataFrame(shared, columns=["identifier_type", "value", "customer_ids"]),
        truth / "shared_identifiers.csv",
    )
    _write_csv(_channel_effects(cust, ev), truth / "channel_effects.csv")
    _write_csv(survey_truth, truth / "survey.csv")
    _write_csv(interviews_truth, truth / "interviews.csv")
    (truth / "README.txt").write_text(_TRUTH_README, encoding="utf-8")
    return {
        "customers": n,
        "customer_rows": len(crm_out),
        "interactions": len(inter_out),
        "survey": len(survey),
        "interviews": len(files),
    }
