"""Identity resolution: link each person's identifiers across channels into one person key.

Every channel knows a customer by something else: an email on the web, a phone in the call centre,
a loyalty card in store, a device id in the app. :class:`IdentityResolver` links them:

1. **Normalise** every identifier: emails trimmed, lower-cased, Unicode NFC and checked for shape;
   phones to E.164 with a default country (``612 345 678`` and ``0034612345678`` both become
   ``+34612345678``; numbers that cannot be valid are rejected and counted); loyalty ids without
   spaces or the leading zeros spreadsheets drop; device and customer ids trimmed. Optionally each
   normalised value is replaced by a keyed hash (HMAC-SHA256, key from an environment variable) so
   raw identifiers need not leave the loader.
2. **Anchor** identifiers to CRM customers: the CRM row of customer C says that its email, phone
   and loyalty id are C's.
3. **Guard against over-merging**: an identifier that points to more than
   ``max_persons_per_identifier`` CRM customers — on their CRM rows (a family phone) or through the
   identifiers it appears with (a store's generic email typed on many receipts) — is *shared*: it
   is reported and never used as a link.
4. **Link** identifiers that appear on the same record (connected components over the identifier
   graph, without shared identifiers). A component with one CRM customer is that customer; a
   component with none is a person unknown to the CRM (key ``P-…``); a component that would join
   several CRM customers is a conflict: its anchored identifiers keep their customers and the rest
   stay unresolved and are reported.

Every link is explainable: :meth:`IdentityResolver.explain` lists the records on which an
identifier appears with the others of its person.

The steps live in their own modules: normalisation and hashing in
:mod:`omniseg.identity.normalise`, the distinct identifier combinations in
:mod:`omniseg.identity.combinations`, steps 2 to 4 in :mod:`omniseg.identity.graph`, the fit's
figures and the explanations in :mod:`omniseg.identity.diagnostics`, and the report's sentence,
figure and table in :mod:`omniseg.identity.report`.
"""

from __future__ import annotations

import os
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from omniseg._checks import check_int
from omniseg.engine import as_table, materialise
from omniseg.errors import DataValidationError, ParameterError, Problem
from omniseg.identity.combinations import (
    _combination_hash,
    _combination_table,
    _combinations,
    _path_key,
)
from omniseg.identity.diagnostics import explain_identifier, fit_summary
from omniseg.identity.graph import link_identifiers
from omniseg.identity.normalise import (
    KINDS,
    PRIORITY,
    _arrow_text,
    _check_country,
    _encode,
    _in_threads,
    _normalise_kind,
    _rejected,
    hash_identifiers,
    mask_identifier,
    normalise_identifiers,
)
from omniseg.identity.origin import _TRANSFORM_SOURCES, TransformOrigin

__all__ = ["IdentityResolver"]


class IdentityResolver:
    """Link identifiers across channels into persons (scikit-learn style: ``fit`` then use).

    Parameters
    ----------
    default_country : str
        Country whose national phone numbers have no international prefix (``"ES"`` -> ``+34``).
    max_persons_per_identifier : int
        An identifier pointing to more CRM customers than this is shared and not used as a link.
    hash_key_env : str or None
        Name of an environment variable holding a secret key; if set, emails, phones, loyalty
        and device ids are replaced by keyed hashes right after normalisation (``customer_id``,
        the CRM's own pseudonymous key, is kept so persons join back to the CRM). The key is read
        when needed and never stored on the object or written anywhere.
    progress : bool
        Show the steps of ``fit`` as a progress bar on the console (tqdm; off under
        ``omniseg report``, where ``TQDM_DISABLE`` is set).

    Attributes
    ----------
    identity_map_ : DataFrame
        One row per identifier: ``kind``, ``identifier`` (normalised, or hashed), ``person_id``
        (CRM customer id, ``P-…`` for persons unknown to the CRM, ``<NA>`` if unresolved),
        ``in_crm``, ``n_records``.
    shared_identifiers_ : DataFrame
        Identifiers not used as links: ``kind``, ``masked``, ``n_customers``, ``reason``
        (a code: ``"crm_rows"``, on the CRM rows of several customers; ``"co_occurrence"``,
        on records with several customers' identifiers).
    rejected_ : dict
        Kind -> invalid values rejected during normalisation (CRM and interactions together).
    summary_ : dict
        Fragmentation before/after, match rates, component sizes (see :meth:`summary`).
    """

    def __init__(
        self,
        *,
        default_country: str = "ES",
        max_persons_per_identifier: int = 1,
        hash_key_env: str | None = None,
        progress: bool = False,
    ):
        self.default_country = default_country
        self.max_persons_per_identifier = max_persons_per_identifier
        self.hash_key_env = hash_key_env
        self.progress = progress

    # -------------------------------------------------------------------------------- fitting

    def _check_params(self) -> None:
        _check_country(self.default_country, "IdentityResolver")
        check_int(
            self.max_persons_per_identifier, "max_persons_per_identifier", "IdentityResolver", 1
        )

    def _key(self) -> bytes | None:
        if not self.hash_key_env:
            return None
        key = os.environ.get(self.hash_key_env)
        if not key:
            raise ParameterError(
                f"hash_key_env={self.hash_key_env!r} but that environment variable is not set. "
                f"Fix: export {self.hash_key_env}=<a long random secret>, or pass "
                "hash_key_env=None."
            )
        return key.encode("utf-8")

    def _normalised(
        self, frame: pd.DataFrame, weights: np.ndarray | None = None
    ) -> tuple[pd.DataFrame, dict[str, int]]:
        norm, rejected = normalise_identifiers(frame, self.default_country, weights=weights)
        key = self._key()
        if key is not None:  # contact data only: customer_id is the CRM's own pseudonymous key
            for kind in norm.columns.drop("customer_id", errors="ignore"):
                norm[kind] = hash_identifiers(norm[kind], key)
        return norm, rejected

    def fit(self, customers: pd.DataFrame, interactions: Any) -> IdentityResolver:
        """Learn the identity map from the CRM and the interactions.

        The interactions are reduced first to their distinct *identifier combinations* (the
        values of ``customer_id, loyalty_id, email, phone, device_id`` that appear together on a
        row), with their row counts per channel: linking depends only on which identifiers
        appear together, so this is exact, and it makes the work proportional to the number of
        combinations (2.2M for 10M interactions in the benchmark) instead of the rows. That
        reduction runs in DuckDB (or the backend of an Ibis table), reading Parquet or CSV
        out-of-core;
        the distinct values of each kind are normalised once, and linking runs on integer
        identifier codes (numpy, scipy).

        Parameters
        ----------
        customers : DataFrame
            CRM table with ``customer_id`` and any of ``email``, ``phone``, ``loyalty_id``.
        interactions : DataFrame, ibis.Table, or path
            Interactions with any of ``customer_id``, ``email``, ``phone``, ``loyalty_id``,
            ``device_id`` (and ``channel`` for the match rates per channel). A Parquet or CSV
            file, or a folder of parts, is read out-of-core (:func:`omniseg.engine.as_table`).

        Returns
        -------
        self
        """
        from tqdm.auto import tqdm

        self._check_params()
        bar = tqdm(total=4, desc="identity resolution", unit="step", disable=not self.progress)
        if not isinstance(customers, pd.DataFrame) or "customer_id" not in customers:
            raise DataValidationError(
                [
                    Problem(
                        "<customers>",
                        "customer_id",
                        "required column missing",
                        "pass the CRM table with its customer_id column",
                    )
                ]
            )
        from_frame = isinstance(interactions, pd.DataFrame)
        if from_frame:  # row numbers name records in explain()
            cols = [c for c in (*KINDS, "channel") if c in interactions]
            interactions = interactions[cols].assign(_row=np.arange(len(interactions)))
        table, con = as_table(interactions, what="interactions")
        kinds = [k for k in KINDS if k in table.columns]
        if not kinds:
            raise DataValidationError(
                [
                    Problem(
                        "<interactions>",
                        None,
                        f"no identifier column among {list(KINDS)}. Columns found: "
                        f"{list(table.columns)}",
                        "pass interactions with at least one identifier column",
                    )
                ]
            )
        bar.set_postfix_str("identifier combinations")
        combos, channels = _combination_table(table, kinds, con, from_frame)
        bar.update(1)
        bar.set_postfix_str("normalising")
        crm_cols = [k for k in KINDS if k in customers and k != "device_id"]
        crm_norm, rej_c = self._normalised(customers[crm_cols])
        weights = combos["n_rows"].to_numpy().astype("int64")
        key = self._key()
        combo_codes, combo_norm, combo_raw, rej_e = {}, {}, {}, {}

        def code_kind(kind: str) -> tuple[np.ndarray, pd.Series, pd.Series, int]:
            codes, raw = _encode(combos[kind])  # each distinct raw value once
            norm = _normalise_kind(kind, raw, self.default_country)
            rejected = _rejected(raw, norm, codes, weights)
            if key is not None and kind != "customer_id":
                norm = hash_identifiers(norm, key)
            return codes, raw, norm, rejected

        # kinds in parallel threads: Arrow's kernels release the GIL (at 50M interactions the
        # encoding and normalisation took 8 s on one core)
        for kind, done in zip(kinds, _in_threads(code_kind, kinds), strict=True):
            combo_codes[kind], combo_raw[kind], combo_norm[kind], rej_e[kind] = done
        combos = combos.drop_columns(kinds)  # the raw text: now codes + distinct values
        self.rejected_ = {
            k: rej_c.get(k, 0) + rej_e.get(k, 0) for k in KINDS if k in rej_c or k in rej_e
        }
        # identifier nodes: per kind (alphabetical), the sorted distinct normalised values; one
        # dictionary encoding per kind codes the CRM's and the combinations' values together
        self._kinds_ = sorted({*kinds, *crm_cols})
        values, offsets, start = {}, {}, 0
        crm_nodes, raw_node = {}, {}

        def dictionary(kind: str) -> tuple[dict[str, pa.Array], pa.Array, np.ndarray]:
            sides = {
                name: _arrow_text(side[kind])
                for name, side in (("crm", crm_norm), ("combo", combo_norm))
                if kind in side
            }
            enc = pc.dictionary_encode(pa.concat_arrays(list(sides.values())))
            order = pc.sort_indices(enc.dictionary).to_numpy()
            rank = np.empty(len(order), dtype="int64")
            rank[order] = np.arange(len(order))  # dictionary position -> rank among the values
            codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            if len(rank):
                rank = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
            else:  # every value of this kind is missing (an empty column): no node
                rank = np.full(len(codes), -1, dtype="int64")
            return sides, enc.dictionary.take(pa.array(order)), rank

        for kind, (sides, sorted_values, rank) in zip(
            self._kinds_, _in_threads(dictionary, self._kinds_), strict=True
        ):
            values[kind] = sorted_values
            node = np.where(rank >= 0, rank + start, -1)
            at = 0
            for name, arr in sides.items():
                (crm_nodes if name == "crm" else raw_node)[kind] = node[at : at + len(arr)]
                at += len(arr)
            offsets[kind] = start
            start += len(values[kind])
        self._node_values_, self._node_offsets_ = values, offsets
        crm_m = np.column_stack(
            [crm_nodes[k] for k in crm_cols] or [np.empty(len(customers), "int64")]
        ).reshape(len(customers), len(crm_cols))
        combo_m = np.empty((len(weights), len(kinds)), dtype="int64")
        for j, k in enumerate(kinds):  # per distinct raw value -> per combination (-1: absent)
            combo_m[:, j] = np.append(raw_node[k], -1)[combo_codes[k]]
        cust_codes, cust_names = pd.factorize(crm_norm["customer_id"])
        self._crm_m_, self._combo_m_, self._weights_ = crm_m, combo_m, weights
        self._crm_kinds_, self._combo_kinds_ = crm_cols, kinds
        self._link(start, cust_codes, np.asarray(cust_names, dtype=object), bar)
        # each combination's person: its first identifier (PRIORITY order) that has a person
        node_person = self._node_person_
        person = np.full(len(weights), -1, dtype="int64")
        for kind in PRIORITY:
            if kind in kinds:
                col = combo_m[:, kinds.index(kind)]
                found = np.where(col >= 0, node_person[np.maximum(col, 0)], -1)
                person = np.where(person < 0, found, person)
        self._combo_person_ = person
        self._first_row_ = combos["first_row"].to_numpy() if from_frame else None
        self._con_ = con
        # transform of the fitted source: one join on a hash of the row's identifier combination
        # (exact: fit checks the hash is unique over the combinations), else per-kind lookups
        self._combo_map_ = None if from_frame else self._combination_map(con, combos, person)
        self._lookups_ = (
            None
            if from_frame or self._combo_map_ is not None
            else self._lookup_tables(con, combo_raw, raw_node)
        )
        # an Ibis source is kept (an expression, not data) so transform can reuse the combinations
        self._source_ = None if from_frame else table
        self._source_path_ = _path_key(interactions)
        bar.update(1)
        bar.set_postfix_str("summary")
        self.summary_ = fit_summary(self, combos, channels)
        bar.update(1)
        bar.close()
        return self

    def _link(self, n_nodes: int, cust: np.ndarray, cust_names: np.ndarray, bar: Any) -> None:
        """Link the identifiers (:func:`omniseg.identity.graph.link_identifiers` over the CRM
        rows ``_crm_m_`` and the combinations ``_combo_m_``) and build the fitted tables:
        ``identity_map_``, ``shared_identifiers_`` and the person codes."""
        links = link_identifiers(
            self._crm_m_,
            self._combo_m_,
            cust,
            len(cust_names),
            n_nodes,
            self.max_persons_per_identifier,
            self._node_keys,
            bar,
        )
        person, anchored, is_shared = links.person, links.anchored, links.is_shared
        crm_m, combo_m = self._crm_m_, self._combo_m_
        self._persons_ = np.concatenate([cust_names, np.array(links.unknown_keys, dtype=object)])
        self._n_crm_persons_ = len(cust_names)  # persons [0, n_cust) are the CRM's customers
        #: the same names as Arrow text, built once (the combination map, transform and the
        #: summary all take from it)
        self._person_names_ = pa.array(self._persons_.tolist(), pa.string())
        self._node_person_ = person

        kind_of = np.empty(n_nodes, dtype=object)
        identifier = []
        for kind in self._kinds_:
            start = self._node_offsets_[kind]
            kind_of[start : start + len(self._node_values_[kind])] = kind
            identifier.append(self._node_values_[kind])
        n_records = np.zeros(n_nodes, dtype="int64")  # CRM rows + interaction rows
        for j in range(crm_m.shape[1]):
            col = crm_m[:, j]
            n_records += np.bincount(col[col >= 0], minlength=n_nodes)
        for j in range(combo_m.shape[1]):
            col = combo_m[:, j]
            ok = col >= 0
            counts = np.bincount(col[ok], weights=self._weights_[ok], minlength=n_nodes)
            n_records += np.rint(counts).astype("int64")
        names = self._person_names_
        text = pd.StringDtype("pyarrow")  # Arrow-backed: no Python object per identifier
        person_id = pd.array(
            names.take(pa.array(person, mask=person < 0)) if len(names) else [None] * n_nodes,
            dtype=text,
        )
        self.identity_map_ = pd.DataFrame(
            {
                "kind": kind_of,
                "identifier": pd.array(pa.chunked_array(identifier, pa.string()), dtype=text),
                "person_id": person_id,
                "in_crm": anchored,
                "n_records": n_records,
            },
            copy=False,  # fresh arrays: no copy into consolidated blocks
        )
        shared_rows = []
        shared_nodes = np.flatnonzero(is_shared)
        # names of all shared identifiers in one vectorised pass (one by one: 0.1 s per 1,400)
        for n, key in zip(shared_nodes, self._node_keys(shared_nodes), strict=True):
            kind, value = key.split("\x1f", 1)
            shared_rows.append(
                {
                    "kind": kind,
                    "masked": mask_identifier(kind, value),
                    "n_customers": int(
                        links.n_customers[n] if links.is_shared_crm[n] else links.reach[n]
                    ),
                    "reason": "crm_rows" if links.is_shared_crm[n] else "co_occurrence",
                }
            )
        self.shared_identifiers_ = pd.DataFrame(
            shared_rows, columns=["kind", "masked", "n_customers", "reason"]
        )
        self.conflicts_ = links.conflicts

    def _combination_map(self, con: Any, combos: pa.Table, person: np.ndarray) -> Any:
        """Hash of each identifier combination (``_h``) -> its person (``_p``), as a temporary
        table in the backend; ``None`` if two combinations share a hash (then ``transform``
        uses the per-kind lookups)."""
        h = combos["_h"]
        # unique over every combination, counted by the engine on the Arrow column in place
        # (multi-threaded; a pandas is_unique over 10.8M hashes took 1.3 s)
        if con.to_pyarrow(ibis.memtable(pa.table({"_h": h}))._h.nunique()).as_py() != len(h):
            return None  # ~1e-7 at millions of combinations
        keep = person >= 0
        frame = pa.table(
            {
                "_h": h.filter(pa.array(keep)),
                "_p": self._person_names_.take(pa.array(person[keep])),
                "_c": pa.array(person[keep]),  # the person's code: position in ``_persons_``
            }
        )
        table, _ = materialise(ibis.memtable(frame), con)
        return table

    def _lookup_tables(
        self, con: Any, raw: dict[str, pd.Series], raw_node: dict[str, np.ndarray]
    ) -> dict[str, ibis.Table]:
        """Per identifier kind, the raw values that name a person (``_v_<kind>``) and that
        person (``_p_<kind>``), as temporary tables in the backend for ``transform``."""
        out = {}
        for kind, values in raw.items():
            node = raw_node[kind]
            person = np.where(node >= 0, self._node_person_[np.maximum(node, 0)], -1)
            keep = person >= 0
            names = self._persons_[person[keep]] if keep.any() else np.array([], dtype=object)
            frame = pa.table(
                {
                    f"_v_{kind}": _arrow_text(values).filter(pa.array(keep)),
                    f"_p_{kind}": pa.array(names.tolist(), pa.string()),
                }
            )
            out[kind], _ = materialise(ibis.memtable(frame), con)
        return out

    def _node_keys(self, nodes: np.ndarray) -> list[str]:
        """``kind\\x1fidentifier`` of each of ``nodes`` (identifier codes), vectorised."""
        out = np.empty(len(nodes), dtype=object)
        for kind in self._kinds_:
            start = self._node_offsets_[kind]
            values = self._node_values_[kind]
            here = (nodes >= start) & (nodes < start + len(values))
            names = values.take(pa.array(nodes[here] - start)).to_pylist()
            out[here] = [f"{kind}\x1f{v}" for v in names]
        return out.tolist()

    def _node_key(self, node: int) -> str:
        """``kind\\x1fidentifier`` of an identifier node."""
        return self._node_keys(np.array([node], dtype="int64"))[0]

    def _node_of(self, kind: str, value: str) -> int:
        """Node code of a normalised identifier, -1 if it was never seen."""
        if kind not in self._node_values_:
            return -1
        at = pc.index_in(pa.array([value], pa.string()), value_set=self._node_values_[kind])
        pos = at[0].as_py()
        return -1 if pos is None else self._node_offsets_[kind] + pos

    # -------------------------------------------------------------------------------- using

    def _check_fitted(self) -> None:
        if not hasattr(self, "identity_map_"):
            raise ParameterError(
                "This IdentityResolver instance is not fitted yet. Call 'fit' with the CRM and "
                "the interactions before using it."
            )

    def _resolve(self, norm: pd.DataFrame) -> pd.Series:
        """Person of each row of normalised identifiers: its first identifier (in
        :data:`PRIORITY` order) that has a person."""
        out = np.full(len(norm), -1, dtype="int64")
        for kind in PRIORITY:
            if kind not in norm or kind not in self._node_values_:
                continue
            todo = out < 0
            if not todo.any():
                break
            arr = _arrow_text(norm[kind])
            pos = pc.index_in(arr, value_set=self._node_values_[kind]).fill_null(-1).to_numpy()
            node = np.where(pos >= 0, pos + self._node_offsets_[kind], -1)
            found = np.where(node >= 0, self._node_person_[np.maximum(node, 0)], -1)
            out = np.where(todo, found, out)
        values = (
            np.where(out >= 0, self._persons_[np.maximum(out, 0)], None)
            if len(self._persons_)
            else np.full(len(norm), None, dtype=object)
        )
        return pd.Series(pd.array(values, dtype="string"), index=norm.index)

    def lookup(self, kind: str, values: pd.Series) -> pd.Series:
        """Person id of raw identifier values of one kind (normalised the same way)."""
        self._check_fitted()
        norm, _ = self._normalised(pd.DataFrame({kind: values}))
        return self._resolve(norm)

    def transform(self, interactions: Any) -> Any:
        """Person id of each interaction.

        A row's person is given by its first resolvable identifier in the order
        ``customer_id, loyalty_id, email, phone, device_id``; anonymous and unresolved rows get
        ``<NA>``.

        Parameters
        ----------
        interactions : DataFrame, ibis.Table, or path

        Returns
        -------
        Series or ibis.Table
            For a DataFrame, a ``string`` Series aligned with its rows. For an Ibis table or
            Parquet, the table with a ``person_id`` column added (lazy: nothing is computed
            until the table is used, e.g. by :func:`omniseg.features.build_features`). When it
            is the fitted table (or the same Parquet path), the rows are joined in the backend
            with the combinations resolved by ``fit``; otherwise its combinations are computed
            and resolved first.
        """
        self._check_fitted()
        if isinstance(interactions, pd.DataFrame):
            kinds = [k for k in KINDS if k in interactions]
            norm, _ = self._normalised(interactions[kinds])
            return self._resolve(norm)
        path = _path_key(interactions)
        if self._source_ is not None and path is not None and path == self._source_path_:
            table, con = self._source_, self._con_
        else:
            table, con = as_table(interactions, what="interactions")
        kinds = [k for k in KINDS if k in table.columns]
        joined = table.drop("person_id") if "person_id" in table.columns else table
        if (
            self._source_ is not None
            and table.equals(self._source_)
            and self._combo_map_ is not None
        ):
            # the combination of the row (its hash) -> its person, as resolved by fit
            look = self._combo_map_
            joined = joined.mutate(_h=_combination_hash(joined, kinds))
            joined = joined.left_join(look, joined._h == look._h)
            columns = [c for c in table.columns if c != "person_id"]
            out = joined.mutate(person_id=joined._p).select(*columns, "person_id")
            coded = joined.mutate(_person_code=joined._c).select(*columns, "_person_code")
            if len(_TRANSFORM_SOURCES) > 100:
                _TRANSFORM_SOURCES.clear()
            _TRANSFORM_SOURCES[out.op()] = TransformOrigin(table, coded, self._person_names_)
            return out
        if self._source_ is not None and table.equals(self._source_):
            # one equality join per identifier kind (raw value -> person), first match wins
            person = []
            for kind in PRIORITY:
                if kind in kinds:
                    look = self._lookups_[kind]
                    key = joined[kind].cast("string") == look[f"_v_{kind}"]
                    joined = joined.left_join(look, key)
                    person.append(f"_p_{kind}")
            joined = joined.mutate(person_id=ibis.coalesce(*[joined[c] for c in person]))
            return joined.select(*[c for c in table.columns if c != "person_id"], "person_id")
        else:
            combos = _combinations(table, kinds, con)
            combos["person_id"] = self._resolve(self._normalised(combos[kinds])[0])
            found = combos.loc[combos["person_id"].notna(), [*kinds, "person_id"]]
            known = ibis.memtable(found.rename(columns={k: f"_id_{k}" for k in kinds}))
        keys = [table[k].cast("string").identical_to(known[f"_id_{k}"]) for k in kinds]
        joined = joined.left_join(known, keys)
        return joined.select(*[c for c in table.columns if c != "person_id"], "person_id")

    def explain(self, kind: str, value: str, max_records: int = 10) -> pd.DataFrame:
        """Why an identifier belongs to its person: the records it shares with other identifiers.

        Returns
        -------
        DataFrame
            ``record`` (``crm:<row>``; ``interaction:<row>``, the first of the interaction rows
            with that combination of identifiers, 0-based, when fitted on a DataFrame, else
            ``combination:<i>``), ``rows`` (interaction rows with that combination), ``kind``,
            ``identifier`` (masked), ``person_id`` of each identifier on those records.
        """
        return explain_identifier(self, kind, value, max_records)

    # -------------------------------------------------------------------------------- summary

    def summary(self) -> pd.DataFrame:
        """Match rate per channel: rows, share resolved to a CRM customer, share resolved at all."""
        self._check_fitted()
        rows = [
            {"channel": ch, **vals} for ch, vals in self.summary_["match_rate_by_channel"].items()
        ]
        return pd.DataFrame(rows, columns=["channel", "rows", "matched_crm", "resolved"])
