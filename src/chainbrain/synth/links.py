"""Synthetic supply links, drawn for whole arrays at once (see :mod:`chainbrain.synth.generate`)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

#: probability that a link's supplier is drawn from the buyer's own province
P_LOCAL = 0.45
#: share of the links that go to OEM plants (the rest are between suppliers)
P_OEM = 0.4


def pick(sorted_keys: np.ndarray, members: np.ndarray, want: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each wanted key, the member at fraction ``u`` of those having it, or -1 when none has it.

    ``members`` are sorted by their key, ``sorted_keys`` being those keys.
    """
    lo = np.searchsorted(sorted_keys, want, "left")
    cnt = np.searchsorted(sorted_keys, want, "right") - lo
    pos = lo + np.minimum((u * cnt).astype(np.int64), np.maximum(cnt - 1, 0))
    return np.where(cnt > 0, members[np.minimum(pos, max(len(members) - 1, 0))], -1)


def make_links(rng: np.random.Generator, m: int, plan: dict) -> dict:
    """Column arrays of ``m`` links: i, b (buyer site index), s (supplier site index), seg (part index),
    val (元), vol (units, 5 % missing), since."""
    plants, mplant, volume, sel = plan["plants"], plan["mplant"], plan["volume"], plan["sel"]
    qty, unit_value, n_prov = plan["qty"], plan["unit_value"], plan["n_prov"]
    site_role, site_seg, site_prov = plan["site_role"], plan["site_seg"], plan["site_prov"]
    n_parts = sel.shape[1]

    suppliers = np.flatnonzero(site_role != 0)
    has_supplier = np.bincount(site_seg[suppliers], minlength=n_parts + 1)[:n_parts] > 0
    # plant × part demand in units: Σ over the plant's models of volume × qty
    demand = np.zeros((len(plants), n_parts))
    np.add.at(demand, mplant, sel * volume[:, None])
    demand *= qty[None, :n_parts]
    buyable = (demand > 0) & has_supplier[None, :]
    weight = np.bincount(mplant, weights=volume, minlength=len(plants)) * buyable.any(axis=1)
    tier_sup = np.flatnonzero(np.isin(site_role, (2, 3)))
    tier_buy = np.flatnonzero(np.isin(site_role, (1, 2)))
    tier_ok = len(tier_sup) > 0 and len(tier_buy) > 1
    m_oem = (round(m * P_OEM) if tier_ok else m) if weight.sum() > 0 else 0
    if not tier_ok and m_oem == 0 and m > 0:
        raise ValueError("too few firms to draw supply links from; generate more firms")
    m_tier = m - m_oem

    # links to OEM plants
    p = rng.choice(len(plants), m_oem, p=weight / weight.sum()) if m_oem else np.zeros(0, np.int64)
    rows, cols = np.nonzero(buyable)
    starts = np.searchsorted(rows, np.arange(len(plants)))
    cnt = np.bincount(rows, minlength=len(plants))
    oj = cols[starts[p] + (rng.random(m_oem) * cnt[p]).astype(np.int64)] if m_oem else np.zeros(0, np.int64)
    ob = plants[p]
    by_seg = suppliers[np.argsort(site_seg[suppliers], kind="stable")]
    sp_key = site_seg * n_prov + site_prov
    by_sp = suppliers[np.argsort(sp_key[suppliers], kind="stable")]
    u = rng.random(m_oem)
    near = pick(sp_key[by_sp], by_sp, oj * n_prov + site_prov[ob], u)
    near = np.where(rng.random(m_oem) < P_LOCAL, near, -1)
    os_ = np.where(near >= 0, near, pick(site_seg[by_seg], by_seg, oj, u))
    ovol = np.maximum(np.round(demand[p, oj] * rng.uniform(0.05, 0.6, m_oem)), 1.0)
    oval = np.round(ovol * unit_value[oj] * rng.uniform(0.9, 1.1, m_oem), 2)

    # links between suppliers: Tier1/Tier2 buyers ← Tier2/Tier3 suppliers
    if m_tier:
        ts = tier_sup[rng.integers(0, len(tier_sup), m_tier)]
        by_prov = tier_buy[np.argsort(site_prov[tier_buy], kind="stable")]
        tb = pick(site_prov[by_prov], by_prov, site_prov[ts], rng.random(m_tier))
        anywhere = tier_buy[rng.integers(0, len(tier_buy), m_tier)]
        tb = np.where((rng.random(m_tier) < P_LOCAL) & (tb >= 0), tb, anywhere)
        same = tb == ts
        if same.any():  # never a site buying from itself: take the next buyer in the pool
            tb[same] = tier_buy[(np.searchsorted(tier_buy, tb[same]) + 1) % len(tier_buy)]
    else:
        ts = tb = np.zeros(0, np.int64)
    tj = site_seg[ts]
    tvol = np.round(np.exp(rng.normal(np.log(20_000), 1.0, m_tier)) * qty[tj])
    tval = np.round(tvol * unit_value[tj] * rng.uniform(0.5, 1.0, m_tier), 2)

    n = m_oem + m_tier
    vol = np.concatenate([ovol, tvol])
    return dict(
        i=np.arange(n),
        b=np.concatenate([ob, tb]),
        s=np.concatenate([os_, ts]),
        seg=np.concatenate([oj, tj]),
        val=np.concatenate([oval, tval]),
        vol=pa.array(vol, mask=rng.random(n) < 0.05),
        since=rng.integers(2010, 2026, n),
    )
