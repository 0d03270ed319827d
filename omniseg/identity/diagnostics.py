"""What a fitted :class:`~omniseg.identity.IdentityResolver` can tell about itself: the figures
of its fit (:func:`fit_summary`, stored as ``summary_``) and why an identifier belongs to its
person (:func:`explain_identifier`, behind :meth:`IdentityResolver.explain`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from omniseg.errors import ParameterError
from omniseg.identity.normalise import mask_identifier

if TYPE_CHECKING:
    from omniseg.identity.resolver import IdentityResolver

__all__ = ["explain_identifier", "fit_summary"]


def explain_identifier(
    resolver: IdentityResolver, kind: str, value: str, max_records: int = 10
) -> pd.DataFrame:
    """Why an identifier belongs to its person: the records it shares with other identifiers.

    Returns
    -------
    DataFrame
        ``record`` (``crm:<row>``; ``interaction:<row>``, the first of the interaction rows
        with that combination of identifiers, 0-based, when fitted on a DataFrame, else
        ``combination:<i>``), ``rows`` (interaction rows with that combination), ``kind``,
        ``identifier`` (masked), ``person_id`` of each identifier on those records.
    """
    resolver._check_fitted()
    norm, _ = resolver._normalised(pd.DataFrame({kind: pd.Series([value])}))
    ident = norm[kind].iloc[0]
    if pd.isna(ident):
        raise ParameterError(f"{kind} value is not a valid identifier after normalisation.")
    columns = ["record", "rows", "kind", "identifier", "person_id"]
    node = resolver._node_of(kind, ident)
    if node < 0:
        return pd.DataFrame(columns=columns)
    # the records with the identifier and another one: CRM rows first, kind by kind
    entries = []
    for block, m, kinds in (
        ("crm", resolver._crm_m_, resolver._crm_kinds_),
        ("combo", resolver._combo_m_, resolver._combo_kinds_),
    ):
        hit = ((m == node).any(axis=1)) & ((m >= 0).sum(axis=1) > 1)
        recs = np.flatnonzero(hit)
        for j, k in enumerate(kinds):
            for r in recs[m[recs, j] >= 0]:
                entries.append((block, int(r), k, int(m[r, j])))
    entries = entries[: max_records * 4]
    labels, rows = [], []
    for block, r, _k, _n in entries:
        if block == "crm":
            labels.append(f"crm:{r}")
            rows.append(1)
        else:
            first_row = resolver._first_row_
            labels.append(
                f"interaction:{first_row[r]}" if first_row is not None else f"combination:{r}"
            )
            rows.append(int(resolver._weights_[r]))
    persons = resolver.identity_map_["person_id"]
    return pd.DataFrame(
        {
            "record": labels,
            "rows": np.array(rows, dtype="int64"),
            "kind": [k for _, _, k, _ in entries],
            "identifier": [
                mask_identifier(k, resolver._node_key(n).split("\x1f", 1)[1])
                for _, _, k, n in entries
            ],
            "person_id": persons.to_numpy()[[n for *_, n in entries]],
        },
        columns=columns,
    ).reset_index(drop=True)


def fit_summary(
    resolver: IdentityResolver, combos: pa.Table, channels: list[str]
) -> dict[str, Any]:
    """The figures of a fit (``IdentityResolver.summary_``): identifiers, persons, match rates
    overall and per channel, shared identifiers, conflicts and rejected values."""
    person = resolver._combo_person_
    resolved = person >= 0
    # persons are the CRM's customers first (codes below n_crm), then the unknown ones
    n_crm = resolver._n_crm_persons_
    to_crm = resolved & (person < n_crm)
    n_rows = resolver._weights_
    total = int(n_rows.sum())
    per_channel = {}
    for i, ch in sorted(enumerate(channels), key=lambda x: x[1]):
        rows = combos[f"_ch{i}"].to_numpy().astype("int64")
        n = int(rows.sum())
        if n:
            per_channel[ch] = {
                "rows": n,
                "matched_crm": float(rows[to_crm].sum() / n),
                "resolved": float(rows[resolved].sum() / n),
            }
    node_person = resolver._node_person_
    sizes = np.bincount(node_person[node_person >= 0], minlength=len(resolver._persons_))
    used = np.flatnonzero(sizes)
    sizes = np.sort(sizes[used])[::-1]
    return {
        "identifiers": len(node_person),
        "persons": len(used),
        "crm_persons_seen": int((used < n_crm).sum()),
        "unknown_persons": int((used >= n_crm).sum()),
        "identifiers_per_person": float(sizes.mean()) if len(sizes) else float("nan"),
        "largest_persons": [int(s) for s in sizes[:5]],
        "interactions": total,
        "match_rate_crm": float(n_rows[to_crm].sum() / total) if total else 0.0,
        "resolved_rate": float(n_rows[resolved].sum() / total) if total else 0.0,
        "match_rate_by_channel": per_channel,
        "shared_identifiers": len(resolver.shared_identifiers_),
        "conflicts": resolver.conflicts_,
        "rejected": dict(resolver.rejected_),
    }
