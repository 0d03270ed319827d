"""Activation lists: for each segment and its planned channels, the customers to contact, with
their contact identifier (masked, or replaced by a keyed hash), written as CSV files."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from omniseg.atomic import atomic_write
from omniseg.channels.plan import ChannelPlan
from omniseg.errors import ParameterError

__all__ = ["activation_lists", "consent_column", "reachable"]


def consent_column(channel: str, consent: pd.DataFrame | None) -> str | None:
    """The consent flag that governs contacting people on ``channel`` (``consent_<channel>``,
    e.g. ``consent_sms``), or ``None`` when the data has no such flag."""
    column = f"consent_{channel}"
    return column if consent is not None and column in consent.columns else None


def reachable(person_ids: pd.Index, channel: str, consent: pd.DataFrame | None) -> pd.Index:
    """The people of ``person_ids`` who may be contacted on ``channel``.

    Where the CRM has a consent flag for the channel (``consent_email``, ``consent_sms``...:
    a column of ``consent``, indexed by person id) only people whose flag is true are kept (a
    missing flag counts as no consent); without a flag for the channel everyone is kept and
    the report says no consent flag was checked.
    """
    column = consent_column(channel, consent)
    if column is None:
        return person_ids
    flags = consent[column].reindex(person_ids).astype("boolean").fillna(False)
    return person_ids[flags.to_numpy(dtype=bool)]


def activation_lists(
    plan: ChannelPlan,
    labels: pd.Series,
    *,
    customers: pd.DataFrame | None = None,
    top: int = 1,
    hash_key_env: str | None = None,
    default_country: str = "ES",
    output_dir: str | Path | None = None,
    file_names: Mapping[Any, str] | None = None,
    consent: pd.DataFrame | None = None,
) -> dict[tuple[Any, str], pd.DataFrame]:
    """Customer lists per segment x recommended channel, ready for an email, SMS or ads tool.

    A list holds only the people who may be contacted on its channel (:func:`reachable`:
    with ``consent``, a ``consent_<channel>`` flag that is false or missing leaves them out).

    Parameters
    ----------
    plan : ChannelPlan
    labels : Series
        Segment per person id.
    customers : DataFrame, optional
        CRM table with ``customer_id`` and ``email``/``phone``; with ``hash_key_env`` their
        HMAC-SHA256 (key from that environment variable, never written anywhere) is added as
        ``email_hash``/``phone_hash``, computed on the identifier as identity resolution
        normalises it (:func:`omniseg.identity.normalise_email`, ``normalise_phone`` to E.164),
        so ``612 345 678`` and ``+34 612-345-678`` hash alike, as an ads platform's matching
        expects; an identifier that is not valid gets no hash.
    top : int
        How many of each segment's first-ranked channels get a list (thin ones and untested
        options are skipped).
    hash_key_env : str, optional
    default_country : str
        Country of phone numbers written without an international prefix.
    output_dir : path, optional
        Write each list to ``<output_dir>/activation/<segment>_<channel>.csv`` (atomic).
    file_names : mapping, optional
        Segment -> the ``<segment>`` part of its files (a report run gives the codes, ``S1``:
        a persona's name is for people, not for file names); default the plan's names.
    consent : DataFrame, optional
        Consent flags per person id (the feature table's ``consent_*`` columns).

    Returns
    -------
    dict
        ``{(segment, channel): DataFrame}`` with ``person_id`` (and hashes).
    """
    from omniseg.identity.normalise import normalise_email, normalise_phone

    key = None
    if hash_key_env:
        secret = os.environ.get(hash_key_env)
        if not secret:
            raise ParameterError(
                f"Environment variable {hash_key_env} is not set: it must hold the key for "
                "hashing identifiers."
            )
        key = secret.encode("utf-8")

    def stem(segment: Any) -> str:
        return str((file_names or {}).get(segment, plan.name(segment)))

    t = plan.table
    chosen = t[(t["rank"] <= top) & ~t["thin"] & (t["status"] == "ranked")]
    out = {}
    for r in chosen.itertuples():
        ids = reachable(labels.index[labels.to_numpy() == r.segment], r.channel, consent)
        frame = pd.DataFrame({"person_id": ids.astype(str)})
        if key is not None and customers is not None:
            crm = customers.set_index(customers["customer_id"].astype(str))
            for col, norm in (
                ("email", normalise_email),
                ("phone", lambda s: normalise_phone(s, default_country)),
            ):
                if col in crm:
                    values = norm(crm[col].astype("string")).reindex(frame["person_id"])
                    frame[f"{col}_hash"] = [
                        None
                        if pd.isna(v)
                        else hmac.new(key, v.encode(), hashlib.sha256).hexdigest()
                        for v in values
                    ]
        out[(r.segment, r.channel)] = frame
        if output_dir:
            atomic_write(
                Path(output_dir) / "activation" / f"{stem(r.segment)}_{r.channel}.csv",
                frame.set_index("person_id").to_csv,
                private=True,
            )
    return out
