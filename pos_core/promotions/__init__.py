"""The promotion engine: which promotions a basket gets, and where each discount lands.

Pure domain code: the selling core hands it the basket's lines (`PromoLine`), the
promotions (`PromotionBook`, read once from `PromotionRow`s) and the moment, store and
member, and gets back each line's discounts and amount (`PricedBasket`). How promotions are
resolved is written down for head office in docs/promotions.md; the rule schema of each
kind is in `rules`.
"""

from pos_core.promotions.book import PromotionBook, RejectedPromotion
from pos_core.promotions.engine import price_basket
from pos_core.promotions.lines import PromoLine, PromotionInputError
from pos_core.promotions.results import (
    AppliedDiscount,
    AppliedPromotion,
    PricedBasket,
    PricedLine,
)
from pos_core.promotions.rules import (
    Promotion,
    PromotionKind,
    PromotionRuleError,
    parse_promotion,
)
from pos_core.promotions.search import DEFAULT_SEARCH_BUDGET
from pos_core.promotions.windows import PromotionTimeError

__all__ = [
    "DEFAULT_SEARCH_BUDGET",
    "AppliedDiscount",
    "AppliedPromotion",
    "PricedBasket",
    "PricedLine",
    "PromoLine",
    "Promotion",
    "PromotionBook",
    "PromotionInputError",
    "PromotionKind",
    "PromotionRuleError",
    "PromotionTimeError",
    "RejectedPromotion",
    "parse_promotion",
    "price_basket",
]
