"""供需对接 (supply-demand matching): needs, offers, ranked and explained matches, measured quality.

* :mod:`.records` — validated needs and offers (add, list, get, open/close)
* :mod:`.text` — jieba tokens and BM25
* :mod:`.engine` — :func:`rank_suppliers` for a need, :func:`rank_needs` for an offer
* :mod:`.evaluate` — precision@k, MRR, the bundled evaluation set and the ablation
"""

from chainbrain.match.engine import Match, MatchPart, SupplierPool, rank_needs, rank_suppliers
from chainbrain.match.records import (
    MatchRecordError,
    Need,
    Offer,
    add_need,
    add_offer,
    get_need,
    get_offer,
    list_needs,
    list_offers,
    set_state,
)

__all__ = [
    "Match",
    "MatchPart",
    "MatchRecordError",
    "Need",
    "Offer",
    "SupplierPool",
    "add_need",
    "add_offer",
    "get_need",
    "get_offer",
    "list_needs",
    "list_offers",
    "rank_needs",
    "rank_suppliers",
    "set_state",
]
