"""Linking identifiers into persons over the identifier graph: CRM anchors, the over-merge
guards (shared identifiers) and connected components, all on integer identifier codes.

Steps 2 to 4 of identity resolution (:class:`omniseg.identity.resolver.IdentityResolver`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["Links", "link_identifiers"]


def _distinct_per_node(pairs: Any, n_nodes: int) -> np.ndarray:
    """Number of distinct values per node.

    ``pairs(only=None)`` yields chunks of (node, value) arrays, repeats allowed; ``only``, a
    boolean array over nodes, restricts them to those nodes. Nodes whose smallest and largest
    values are equal have one value; distinct pairs are counted only for the others (few: the
    identifiers that reach several customers), so this is linear in the pairs and holds one
    chunk at a time (hashing every pair took 2.7 s and 1 GB at 50M interactions).
    """
    lo = np.full(n_nodes, np.iinfo("int64").max, dtype="int64")
    hi = np.full(n_nodes, -1, dtype="int64")
    for node, value in pairs():
        np.minimum.at(lo, node, value)
        np.maximum.at(hi, node, value)
    out = (hi >= 0).astype("int64")
    several = lo < hi
    if several.any():
        chunks = list(pairs(several))
        node = np.concatenate([c[0] for c in chunks])
        value = np.concatenate([c[1] for c in chunks])
        scale = int(value.max()) + 1
        distinct = pd.unique(node * scale + value)
        out[several] = 0
        out += np.bincount(distinct // scale, minlength=n_nodes)
    return out


@dataclass(frozen=True)
class Links:
    """What linking found, per identifier node (arrays of length ``n_nodes``).

    Attributes
    ----------
    person : ndarray of int64
        The node's person code: ``[0, n_cust)`` a CRM customer, ``n_cust + i`` the ``i``-th
        person unknown to the CRM (key ``unknown_keys[i]``), -1 unresolved.
    unknown_keys : list of str
        ``P-…`` key of each person unknown to the CRM.
    anchored : ndarray of bool
        The node is on a CRM row of one customer (and not shared there).
    is_shared, is_shared_crm : ndarray of bool
        The node is shared (not used as a link); ``is_shared_crm``: because of the CRM rows.
    n_customers, reach : ndarray of int64
        CRM customers on the node's CRM rows; customers reached in one hop through anchored
        identifiers.
    conflicts : int
        Components that would join several CRM customers.
    """

    person: np.ndarray
    unknown_keys: list[str]
    anchored: np.ndarray
    is_shared: np.ndarray
    is_shared_crm: np.ndarray
    n_customers: np.ndarray
    reach: np.ndarray
    conflicts: int


def link_identifiers(
    crm_m: np.ndarray,
    combo_m: np.ndarray,
    cust: np.ndarray,
    n_cust: int,
    n_nodes: int,
    limit: int,
    node_keys: Callable[[np.ndarray], list[str]],
    bar: Any,
) -> Links:
    """Anchors, over-merge guards and connected components over the identifier graph.

    Records are the CRM rows (``crm_m``) and the interaction combinations (``combo_m``): one
    column per kind, identifier node codes, -1 where absent; everything here is integer arrays.
    ``cust`` is the customer code of each CRM row (-1: none), ``limit`` the
    ``max_persons_per_identifier`` of the resolver, ``node_keys`` names nodes
    (``kind\\x1fidentifier``) for the keys of persons unknown to the CRM, ``bar`` the progress
    bar of ``fit``.
    """
    bar.update(1)
    bar.set_postfix_str("anchors and guards")
    # 2. anchors: CRM customer of each identifier on CRM rows
    rows = np.arange(len(crm_m))
    node_l, cust_l, row_l = [], [], []
    for j in range(crm_m.shape[1]):
        ok = (crm_m[:, j] >= 0) & (cust >= 0)
        node_l.append(crm_m[ok, j])
        cust_l.append(cust[ok])
        row_l.append(rows[ok])
    a_node = np.concatenate(node_l) if node_l else np.empty(0, "int64")
    a_cust = np.concatenate(cust_l) if cust_l else np.empty(0, "int64")
    a_row = np.concatenate(row_l) if row_l else np.empty(0, "int64")
    pairs = pd.unique(a_node * max(n_cust, 1) + a_cust)
    n_customers = np.bincount(pairs // max(n_cust, 1), minlength=n_nodes)
    is_shared_crm = n_customers > limit
    # each identifier's customer: that of the first CRM row that has it
    order = np.lexsort((a_row, a_node))
    sorted_node, sorted_cust = a_node[order], a_cust[order]
    first = np.r_[True, sorted_node[1:] != sorted_node[:-1]] if len(order) else order > 0
    node_customer = np.full(n_nodes, -1, dtype="int64")
    node_customer[sorted_node[first]] = sorted_cust[first]
    node_customer[is_shared_crm] = -1

    # 3. co-occurrence guard: customers reached in one hop through anchored identifiers
    # records with a single identifier link nothing and reach no one: most combinations
    # (3 in 4 in the benchmark), so the pair loops below skip them
    multi = [m[(m >= 0).sum(axis=1) >= 2] for m in (crm_m, combo_m)]

    def hops(only: np.ndarray | None = None):
        """(identifier, customer of another identifier on the same record) pairs, per
        pair of columns (``only``: of these identifiers)."""
        for m in multi:
            for i in range(m.shape[1]):
                for j in range(m.shape[1]):
                    if i == j:
                        continue
                    ok = (m[:, i] >= 0) & (m[:, j] >= 0)
                    if only is not None:
                        ok &= only[np.maximum(m[:, i], 0)]
                    other = node_customer[np.where(ok, m[:, j], 0)]
                    ok &= other >= 0
                    yield m[ok, i], other[ok]

    reach = _distinct_per_node(hops, n_nodes)
    is_shared_hop = (reach > limit) & (node_customer < 0)
    is_shared = is_shared_crm | is_shared_hop

    bar.update(1)
    bar.set_postfix_str("linking")
    # 4. components over the identifier graph without shared identifiers: each record's
    # usable identifiers are linked to its first one
    src, dst = [], []
    for m in multi:
        use = np.where((m >= 0) & ~is_shared[np.maximum(m, 0)], m, -1)
        first = np.full(len(m), -1, dtype="int64")
        for j in reversed(range(m.shape[1])):
            first = np.where(use[:, j] >= 0, use[:, j], first)
        for j in range(m.shape[1]):
            ok = (use[:, j] >= 0) & (use[:, j] != first)
            src.append(use[ok, j])
            dst.append(first[ok])
    a = np.concatenate(src) if src else np.empty(0, "int64")
    b = np.concatenate(dst) if dst else np.empty(0, "int64")
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=False)
    component = component.astype("int64")
    anchored = node_customer >= 0
    comp_cust = pd.unique(component[anchored] * max(n_cust, 1) + node_customer[anchored])
    n_comp = component.max() + 1 if n_nodes else 0
    per_comp = np.bincount(comp_cust // max(n_cust, 1), minlength=n_comp)
    comp_customer = np.full(n_comp, -1, dtype="int64")
    comp_customer[comp_cust // max(n_cust, 1)] = comp_cust % max(n_cust, 1)
    person = np.full(n_nodes, -1, dtype="int64")
    single = per_comp[component] == 1
    person[single] = comp_customer[component[single]]
    # persons unknown to the CRM: a stable key from the component's smallest identifier
    unknown = per_comp[component] == 0
    keys: list[str] = []
    if unknown.any():
        u_nodes = np.flatnonzero(unknown)  # ascending: the first of each component is its min
        comps, first = np.unique(component[u_nodes], return_index=True)
        key_of = np.full(n_comp, -1, dtype="int64")
        key_of[comps] = n_cust + np.arange(len(comps))
        keys = [
            "P-" + hashlib.sha1(k.encode("utf-8")).hexdigest()[:10]
            for k in node_keys(u_nodes[first])
        ]
        person[unknown] = key_of[component[unknown]]
    conflict = per_comp[component] > 1
    person[conflict] = node_customer[conflict]  # anchored keep theirs
    person[is_shared] = -1
    return Links(
        person=person,
        unknown_keys=keys,
        anchored=anchored,
        is_shared=is_shared,
        is_shared_crm=is_shared_crm,
        n_customers=n_customers,
        reach=reach,
        conflicts=int((per_comp > 1).sum()),
    )
