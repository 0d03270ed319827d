"""The seven scenario builders: each draws one data shape from its planted segments.

Every builder takes a random generator and a number of customers and returns a
:class:`~omniseg.demo.scenario_parts.ScenarioData`; the segment tables are read from
``omniseg/demo/tables/scenarios.yaml``. :mod:`omniseg.demo.scenarios` picks one by name and
writes it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omniseg.demo.scenario_parts import (
    PERIOD,
    ScenarioData,
    assign_segments,
    build_scenario,
    csv_bytes,
    draw_activity,
    draw_ages,
    draw_amounts,
    draw_orders,
    finish_events,
    make_ids,
    per_segment,
    scenario_segments,
    stamp,
    truth_frame,
)

# building blocks of this stage's other modules, imported by name; nothing here is public
__all__ = []


_RETAIL = scenario_segments("single-channel-retail")
_AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
_PRODUCTS = np.array(
    ["bread", "milk", "coffee", "olive oil", "cheese", "wine", "fruit", "fish", "meat",
     "detergent", "shampoo", "rice", "pasta", "yogurt", "chocolate", "beer"],
    dtype=object,
)  # fmt: skip


def single_channel_retail(rng: np.random.Generator, n_customers: int = 500) -> ScenarioData:
    """A one-store retailer: order lines from the till, a CRM with age band and postcode.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``interactions.csv`` holds one row per product line (``order_id``, ``product``,
        ``quantity``, ``revenue`` of the line; lines of an order share its timestamp), all on
        channel ``store``. Planted: three value segments (:data:`_RETAIL`); the occasional
        shoppers' last order falls in the last five months, the lapsed bought nothing after
        August 2025. ``truth/customers.csv`` also has ``orders`` (the true number of orders).
    """
    ids = make_ids("C", n_customers)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _RETAIL.items()})
    ev = draw_orders(rng, ids, seg, _RETAIL)
    ev = ev.sort_values(["ts", "customer_id"], kind="stable").reset_index(drop=True)
    ev["order_id"] = [f"T{i:07d}" for i in range(1, len(ev) + 1)]
    basket = draw_amounts(
        rng, per_segment(seg, _RETAIL, "basket")[pd.Index(ids).get_indexer(ev["customer_id"])]
    )
    # each order: 1-5 lines of distinct products that share the basket
    n_lines = 1 + rng.binomial(4, 0.4, size=len(ev))
    lines = ev.loc[ev.index.repeat(n_lines)].reset_index(drop=True)
    weights = rng.random(len(lines)) + 0.2
    order_of = np.repeat(np.arange(len(ev)), n_lines)
    share = weights / np.bincount(order_of, weights)[order_of]
    lines["revenue"] = np.maximum(np.round(basket[order_of] * share, 2), 0.5)
    lines["product"] = [p for k in n_lines for p in rng.choice(_PRODUCTS, size=k, replace=False)]
    lines["quantity"] = 1 + rng.binomial(3, 0.25, size=len(lines))
    lines["channel"] = "store"
    lines["event"] = "purchase"
    inter = finish_events(
        lines,
        ["timestamp", "channel", "event", "customer_id", "order_id", "product", "quantity",
         "revenue"],
    )  # fmt: skip
    band_p = np.array([_RETAIL[s]["age_bands"] for s in seg])
    bands = np.array(
        [_AGE_BANDS[i] for i in (rng.random((n_customers, 1)) > band_p.cumsum(1)).sum(1)]
    )
    postcode = np.array([f"{p:05d}" for p in rng.choice(
        [8001, 8012, 8025, 28001, 28013, 28045, 41001, 46002, 46020, 3001], size=n_customers
    )])  # fmt: skip
    crm = pd.DataFrame({"customer_id": ids, "age_band": bands, "postcode": postcode})
    params = {
        "run_name": "single-channel-retail",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    truth = pd.DataFrame(
        {"customer_id": ids, "segment": seg,
         "orders": pd.Series(ev["customer_id"]).value_counts().reindex(ids).to_numpy()}
    )  # fmt: skip
    return build_scenario(
        "single-channel-retail",
        _RETAIL,
        params,
        {"customers.csv": csv_bytes(crm), "interactions.csv": csv_bytes(inter)},
        {"customers": n_customers, "interactions": len(inter), "orders": len(ev)},
        truth=truth,
        readme_extra=", orders (true orders; interactions.csv has order lines)",
    )


_ONLINE = scenario_segments("online-only")


def online_only(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A pure online shop: web, app and email; identities split between customer ids and
    emails.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        Web and app rows carry the ``customer_id`` of the logged-in customer; email rows only
        the ``email`` address the newsletter went to, which identity resolution links through
        the CRM. Planted: three channel-mix segments (:data:`_ONLINE`), which also differ in age
        and basket size.
    """
    ids = make_ids("W", n_customers)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _ONLINE.items()})
    emails = np.array([f"cliente{i}@example.com" for i in range(1, n_customers + 1)], dtype=object)
    ev = draw_activity(rng, ids, seg, _ONLINE)
    owner = pd.Index(ids).get_indexer(ev["customer_id"])
    by_email = (ev["channel"] == "email").to_numpy()
    ev["email"] = np.where(by_email, emails[owner], None)
    ev["customer_id"] = np.where(by_email, None, ev["customer_id"])
    ev["customer_id"] = ev["customer_id"].astype(object)
    ev["ts_key"] = np.where(by_email, ev["email"], ev["customer_id"])
    ev = ev.sort_values(["ts", "ts_key"], kind="stable").reset_index(drop=True)
    ev["timestamp"] = stamp(ev["ts"])
    inter = ev[["timestamp", "channel", "event", "customer_id", "email", "revenue"]]
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "email": emails,
            "age": draw_ages(rng, seg, _ONLINE),
            "gender": rng.choice(["female", "male"], size=n_customers),
            "consent_email": np.where(rng.random(n_customers) < 0.8, "yes", "no"),
        }
    )
    params = {
        "run_name": "online-only",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return build_scenario(
        "online-only",
        _ONLINE,
        params,
        {
            "customers.csv": csv_bytes(crm),
            "interactions.csv": csv_bytes(inter),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=truth_frame(ids, seg),
    )


_SERVICE = scenario_segments("service-subscriber")
_PLANS = {"basic": 19.9, "plus": 34.9, "premium": 59.9}


def service_subscriber(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A subscription service: monthly fees, few purchases, many service contacts.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        The recurring revenue is in the CRM (``plan``, ``monthly_fee``); interactions hold app
        sessions, phone and chat contacts and complaints, and a few one-off purchases (add-ons,
        many subscribers have none). Phone rows identify the caller by ``phone`` only, app and
        chat rows by ``customer_id``. Planted: three service-style segments (:data:`_SERVICE`).
    """
    ids = make_ids("S", n_customers)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _SERVICE.items()})
    phones = np.array(
        [f"6{d:08d}" for d in rng.choice(10**8, size=n_customers, replace=False)], dtype=object
    )
    ev = draw_activity(rng, ids, seg, _SERVICE)
    owner = pd.Index(ids).get_indexer(ev["customer_id"])
    by_phone = (ev["channel"] == "phone").to_numpy()
    # the call centre writes numbers its own way: '612 345 678' for a CRM '612345678'
    spaced = np.array([f"{p[:3]} {p[3:6]} {p[6:]}" for p in phones], dtype=object)
    ev["phone"] = np.where(by_phone, spaced[owner], None)
    ev["customer_id"] = np.where(by_phone, None, ev["customer_id"]).astype(object)
    ev["key"] = np.where(by_phone, ev["phone"], ev["customer_id"])
    ev = ev.sort_values(["ts", "key"], kind="stable").reset_index(drop=True)
    ev["timestamp"] = stamp(ev["ts"])
    inter = ev[["timestamp", "channel", "event", "customer_id", "phone", "revenue"]]
    plan_p = np.array([_SERVICE[s]["plans"] for s in seg])
    plan = np.array(list(_PLANS))[(rng.random((n_customers, 1)) > plan_p.cumsum(1)).sum(1)]
    signup = PERIOD[0] - pd.to_timedelta(rng.integers(30, 2000, size=n_customers), unit="D")
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "phone": phones,
            "age": draw_ages(rng, seg, _SERVICE),
            "plan": plan,
            "monthly_fee": [_PLANS[p] for p in plan],
            "signup_date": stamp(signup, "%Y-%m-%d"),
            "consent_sms": np.where(rng.random(n_customers) < 0.6, "yes", "no"),
        }
    )
    params = {
        "run_name": "service-subscriber",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return build_scenario(
        "service-subscriber",
        _SERVICE,
        params,
        {
            "customers.csv": csv_bytes(crm),
            "interactions.csv": csv_bytes(inter),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=truth_frame(ids, seg),
    )


_CRM = scenario_segments("crm-only")
_INCOME = ["low", "lower-middle", "middle", "upper-middle", "high"]
_REGIONS = ["Madrid", "Cataluña", "Andalucía", "Comunidad Valenciana", "Galicia", "País Vasco"]


def crm_only(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A customer table of attributes and no interactions at all.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``customers.csv`` only (age, income band, region, household size, products held,
        annual spend); ``params.yaml`` names no interactions. Planted: three life-stage
        segments (:data:`_CRM`) that differ on every attribute but region. (No gender or
        consent column: binary attributes unrelated to the segments form stable clusters of
        their own in the default basis of a plain customer table, see ``docs/scenarios.md``.)
    """
    ids = make_ids("K", n_customers)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _CRM.items()})
    lo, hi = (np.array([_CRM[s][k][i] for s in seg]) for k, i in (("household", 0),
                                                                    ("household", 1)))  # fmt: skip
    household = rng.integers(lo, hi + 1)
    p_lo = np.array([_CRM[s]["products"][0] for s in seg])
    p_hi = np.array([_CRM[s]["products"][1] for s in seg])
    income_p = np.array([_CRM[s]["income"] for s in seg])
    income = np.array(_INCOME)[(rng.random((n_customers, 1)) > income_p.cumsum(1)).sum(1)]
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "age": draw_ages(rng, seg, _CRM),
            "income_band": income,
            "region": rng.choice(_REGIONS, size=n_customers),
            "household_size": household,
            "products_held": rng.integers(p_lo, p_hi + 1),
            "annual_spend": draw_amounts(rng, per_segment(seg, _CRM, "spend"), 0.25),
        }
    )
    params = {"run_name": "crm-only", "data": {"customers": "customers.csv"}}
    return build_scenario(
        "crm-only",
        _CRM,
        params,
        {
            "customers.csv": csv_bytes(crm),
        },
        {"customers": n_customers},
        truth=truth_frame(ids, seg),
    )


_TRANSACTIONS = scenario_segments("transactions-only")


def transactions_only(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """Purchases only, on web and in store, and a customer table of bare ids.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``interactions.csv`` holds one row per order (every row a purchase with its revenue);
        ``customers.csv`` has the single column ``customer_id``. Planted: three segments
        (:data:`_TRANSACTIONS`) that differ in channel, order frequency, basket and recency.
    """
    ids = make_ids("T", n_customers)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _TRANSACTIONS.items()})
    ev = draw_orders(rng, ids, seg, _TRANSACTIONS)
    owner = pd.Index(ids).get_indexer(ev["customer_id"])
    web = rng.random(len(ev)) < per_segment(seg, _TRANSACTIONS, "web_share")[owner]
    ev["channel"] = np.where(web, "web", "store")
    ev["event"] = "purchase"
    ev["revenue"] = draw_amounts(rng, per_segment(seg, _TRANSACTIONS, "basket")[owner])
    inter = finish_events(ev, ["timestamp", "channel", "event", "customer_id", "revenue"])
    params = {
        "run_name": "transactions-only",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return build_scenario(
        "transactions-only",
        _TRANSACTIONS,
        params,
        {
            "customers.csv": csv_bytes(pd.DataFrame({"customer_id": ids})),
            "interactions.csv": csv_bytes(inter),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=truth_frame(ids, seg),
    )


_B2B = scenario_segments("small-b2b")
_SECTORS = ["manufacturing", "hospitality", "construction", "retail", "health", "logistics"]


def small_b2b(rng: np.random.Generator, n_customers: int = 80) -> ScenarioData:
    """A small business-to-business book: 80 accounts, three channels, large orders.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        Accounts (``customer_id``, ``email``, ``phone``, ``sector``, ``employees``, ``region``)
        and their touchpoints on email, phone and web, every row with the account's
        ``customer_id``; orders are worth thousands. Planted: three account types
        (:data:`_B2B`) by channel and order size.
    """
    ids = make_ids("B", n_customers, width=3)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _B2B.items()})
    ev = draw_activity(rng, ids, seg, _B2B, spread=0.2)
    inter = finish_events(ev, ["timestamp", "channel", "event", "customer_id", "revenue"])
    lo = np.array([_B2B[s]["employees"][0] for s in seg])
    hi = np.array([_B2B[s]["employees"][1] for s in seg])
    crm = pd.DataFrame(
        {
            "customer_id": ids,
            "email": [f"compras@empresa{i:03d}.example" for i in range(1, n_customers + 1)],
            "phone": [f"+34 91{i:07d}" for i in range(1, n_customers + 1)],
            "sector": rng.choice(_SECTORS, size=n_customers),
            "employees": np.round(np.exp(rng.uniform(np.log(lo), np.log(hi)))).astype(int),
            "region": rng.choice(_REGIONS, size=n_customers),
        }
    )
    params = {
        "run_name": "small-b2b",
        "currency": "EUR",
        "data": {"customers": "customers.csv", "interactions": "interactions.csv"},
    }
    return build_scenario(
        "small-b2b",
        _B2B,
        params,
        {"customers.csv": csv_bytes(crm), "interactions.csv": csv_bytes(inter)},
        {"customers": n_customers, "interactions": len(inter)},
        truth=truth_frame(ids, seg),
    )


_SPANISH = scenario_segments("spanish-export")
#: How each canonical channel and event is written in the Spanish export.
_ES_CHANNELS = {"store": "Tienda", "web": "Web", "app": "App móvil", "phone": "Teléfono"}
_ES_EVENTS = {"purchase": "compra"}
_ES_STATES = ["Ciudad de México", "Jalisco", "Nuevo León", "Puebla", "Yucatán", "Querétaro"]


def _es_number(value: float) -> str:
    """``1234.5`` as a Spanish-locale export writes it: ``1.234,50``; whole amounts of a
    thousand or more without decimals (``15.597``), as Excel shows a cell formatted ``#.##0``."""
    if value != value:  # NaN
        return ""
    if value == round(value) and value >= 1000:
        return f"{int(value):,}".replace(",", ".")
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents}"


def spanish_export(rng: np.random.Generator, n_customers: int = 400) -> ScenarioData:
    """A Spanish-locale export from a Mexican retailer, with every quirk of such files.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_customers : int

    Returns
    -------
    ScenarioData
        ``clientes.csv`` and ``movimientos.csv``: ``;``-delimited, Latin-1, Spanish column names
        (``Id Cliente``, ``Edad``, ``Sexo``, ``Provincia``, ``Fecha Alta``; ``Fecha``, ``Canal``,
        ``Tipo``, ``Importe``) renamed by ``columns:`` in ``params.yaml``; amounts with decimal
        commas and thousands dots (``1.234,50``) and whole amounts without decimals
        (``15.597`` is 15597 pesos); gender ``H``/``M`` (hombre / mujer); channels ``Tienda``,
        ``Teléfono``, ``Web``, ``App móvil``; events ``compra``, ``visita``, ``clic``,
        ``contacto``, ``queja``; dates ``dd/mm/yyyy``. ``currency: MXN`` and ``language: es``.
        Planted: three channel segments (:data:`_SPANISH`). ``truth/customers.csv`` also holds
        ``gender`` (female / male, as ``M`` / ``H`` mean) and ``revenue`` (each customer's true
        total, to check that ``15.597`` was not read as 15.597).
    """
    ids = make_ids("MX", n_customers, width=6)
    seg = assign_segments(rng, n_customers, {s: v["share"] for s, v in _SPANISH.items()})
    ev = draw_activity(rng, ids, seg, _SPANISH)
    buy = (ev["event"] == "purchase").to_numpy()
    # about a quarter of the purchases are whole amounts (an appliance at 15.597 pesos)
    whole = buy & (rng.random(len(ev)) < 0.25)
    ev.loc[whole, "revenue"] = np.round(ev.loc[whole, "revenue"]) + 0.0
    ev = ev.sort_values(["ts", "customer_id"], kind="stable").reset_index(drop=True)
    inter = pd.DataFrame(
        {
            "Fecha": stamp(ev["ts"], "%d/%m/%Y %H:%M"),
            "Canal": ev["channel"].map(_ES_CHANNELS),
            "Tipo": ev["event"].replace(_ES_EVENTS),
            "Id Cliente": ev["customer_id"],
            "Importe": [_es_number(v) for v in ev["revenue"]],
        }
    )
    female = rng.random(n_customers) < per_segment(seg, _SPANISH, "female")
    signup = PERIOD[0] - pd.to_timedelta(rng.integers(0, 1500, size=n_customers), unit="D")
    crm = pd.DataFrame(
        {
            "Id Cliente": ids,
            "Edad": draw_ages(rng, seg, _SPANISH),
            "Sexo": np.where(female, "M", "H"),
            "Provincia": rng.choice(_ES_STATES, size=n_customers),
            "Fecha Alta": stamp(signup, "%d/%m/%Y"),
        }
    )
    revenue = ev.loc[ev["event"] == "purchase"].groupby("customer_id")["revenue"].sum()
    params = {
        "run_name": "spanish-export",
        "language": "es",
        "currency": "MXN",
        "data": {
            "customers": "clientes.csv",
            "interactions": "movimientos.csv",
            "columns": {
                "customers": {
                    "Id Cliente": "customer_id",
                    "Edad": "age",
                    "Sexo": "gender",
                    "Provincia": "region",
                    "Fecha Alta": "signup_date",
                },
                "interactions": {
                    "Fecha": "timestamp",
                    "Canal": "channel",
                    "Tipo": "event",
                    "Id Cliente": "customer_id",
                    "Importe": "revenue",
                },
            },
        },
    }
    return build_scenario(
        "spanish-export",
        _SPANISH,
        params,
        {
            "clientes.csv": csv_bytes(crm, sep=";", encoding="latin-1"),
            "movimientos.csv": csv_bytes(inter, sep=";", encoding="latin-1"),
        },
        {"customers": n_customers, "interactions": len(inter)},
        truth=truth_frame(ids, seg).assign(
            gender=np.where(female, "female", "male"),
            revenue=revenue.reindex(ids).fillna(0.0).round(2).to_numpy(),
        ),
        readme_extra=", gender (female/male: what the export's M/H mean), revenue (the true total)",
    )
