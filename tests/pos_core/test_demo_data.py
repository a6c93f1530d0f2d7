"""The demo chain: deterministic, valid against the protocol's row models, realistic enough."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from itertools import islice
from typing import Any

import pytest

from pos_core.barcodes import (
    DEFAULT_LAYOUTS,
    MeasureKind,
    VariableMeasureLayout,
    decode_variable_measure,
    is_valid_gtin,
    normalize_gtin,
    price_check_digit,
)
from pos_core.demo_data import (
    CASHIER_PIN,
    DEMO_EPOCH,
    FUTURE_PRICES_FROM,
    MANAGER_NUMBER,
    MANAGER_PIN,
    SUPERVISOR_NUMBER,
    SUPERVISOR_PIN,
    DemoChain,
    DemoSizes,
    coupon_code_hash,
    pickup_code_hash,
    priced_barcode,
    weighed_barcode,
)
from pos_core.demo_data.assortment import DEPARTMENTS
from pos_core.demo_data.scans import variable_measure_code
from pos_core.demo_data.words import BRANDS, EDITIONS, LOOSE, PACKAGINGS, Word
from pos_core.members import mask_phone, normalise_phone, phone_hash
from pos_core.permissions import Role
from pos_core.pins import verify_pin
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import ROW_MODELS, PickupStatus, row_key

SMALL = DemoSizes(products=1_000, members=40, cashiers=3, coupons=20, pickup_orders=10, stores=2)
STREAMED = {Entity.PRODUCT, Entity.BARCODE, Entity.PRICE, Entity.STOCK_LEVEL}
LOAD_ORDER = [
    Entity.CATEGORY,
    Entity.PRODUCT,
    Entity.BARCODE,
    Entity.PRICE,
    Entity.PROMOTION,
    Entity.STORE_SETTINGS,
    Entity.CASHIER,
    Entity.MEMBER,
    Entity.COUPON,
    Entity.PICKUP_ORDER,
    Entity.STOCK_LEVEL,
]


@pytest.fixture(scope="module")
def chain() -> DemoChain:
    return DemoChain.generate()


@pytest.fixture(scope="module")
def big() -> DemoChain:
    """A catalog large enough to hold every kind of product more than once."""
    return DemoChain.generate(sizes=DemoSizes(products=20_000, members=0, cashiers=3, stores=1))


def digest(changes: Iterable[tuple[Entity, str, dict[str, Any]]]) -> str:
    sha = hashlib.sha256()
    for entity, key, data in changes:
        line = json.dumps([entity.value, key, data], ensure_ascii=False, sort_keys=True)
        sha.update(line.encode())
    return sha.hexdigest()


# --- determinism --------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_chain_and_another_seed_another() -> None:
    first = DemoChain.generate(7, SMALL)
    second = DemoChain.generate(7, SMALL)
    other = DemoChain.generate(8, SMALL)

    assert digest(islice(first.iter_changes(), 200)) == digest(islice(second.iter_changes(), 200))
    assert digest(first.iter_changes()) == digest(second.iter_changes())
    assert digest(first.iter_changes("S002")) == digest(second.iter_changes("S002"))
    assert digest(islice(first.iter_changes(), 200)) != digest(islice(other.iter_changes(), 200))
    assert digest(first.iter_changes()) != digest(other.iter_changes())
    assert list(first.coupon_codes.values()) == list(second.coupon_codes.values())
    assert list(first.coupon_codes.values()) != list(other.coupon_codes.values())


def test_the_default_chain_is_pinned() -> None:
    # The same on every machine and Python: a change here changes every demo and benchmark.
    chain = DemoChain.generate(sizes=DemoSizes(products=100, cashiers=3, stores=1))
    product = next(chain.iter_products())
    assert (product["code"], product["name"], product["pinyin"]) == (
        "1000001",
        "雨润 火腿肠 30g×10",
        "yrhtc",
    )
    assert product["id"] == "019b7523-3400-73d1-a15c-7f0100000000"
    assert next(chain.iter_barcodes())["gtin"] == "06974347100010"
    assert [p["price"] for p in islice(chain.iter_prices(), 2)] == ["10.00", "18.90"]
    assert chain.members[0].card_no == "M1740536955"
    assert chain.coupon_codes[chain.coupons[0].id] == "2TD3CQSXY555WX3AVFJP"


def test_iterators_repeat_and_a_smaller_catalog_is_the_start_of_a_larger_one() -> None:
    small = DemoChain.generate(7, DemoSizes(products=100, cashiers=3, stores=1))
    large = DemoChain.generate(7, DemoSizes(products=1_000, cashiers=3, stores=1))

    assert list(small.iter_prices()) == list(small.iter_prices())
    assert list(small.iter_products()) == list(islice(large.iter_products(), 100))
    assert list(small.iter_stock_levels()) == list(islice(large.iter_stock_levels(), 100))
    # …so the coupons and promotions, which name the first products, do not move either.
    assert [c.code_hash for c in small.coupons] == [c.code_hash for c in large.coupons]
    assert small.promotions == large.promotions


# --- shapes -------------------------------------------------------------------------------


def test_a_sample_of_every_row_kind_matches_its_row_model(chain: DemoChain) -> None:
    seen: Counter[Entity] = Counter()
    for entity, key, data in chain.iter_changes():
        seen[entity] += 1
        if entity in STREAMED and seen[entity] % 50 != 1:
            continue  # every 50th of the big kinds, every row of the small ones
        row = ROW_MODELS[entity].model_validate(data)
        assert row.model_dump(mode="json") == data
        assert list(row.model_dump(mode="json")) == list(data)  # the same key order, too
        assert row_key(entity, row) == key
    assert set(seen) == set(LOAD_ORDER)


def test_the_future_prices_and_the_weighed_goods_match_their_row_models(big: DemoChain) -> None:
    # Rare rows that a sample of a small catalog may miss.
    model = ROW_MODELS[Entity.PRICE]
    futures = [p for p in big.iter_prices() if p["effective_from"] != DEMO_EPOCH.isoformat()]
    assert futures
    for data in futures[:20]:
        assert model.model_validate(data).model_dump(mode="json") == data
    weighed = [p for p in big.iter_products() if p["unit"] == "kg"]
    assert weighed
    for data in weighed[:20]:
        assert ROW_MODELS[Entity.PRODUCT].model_validate(data).model_dump(mode="json") == data


def test_changes_come_in_load_order_and_never_point_forward(chain: DemoChain) -> None:
    order = [entity for entity, _, _ in chain.iter_changes()]
    positions = [LOAD_ORDER.index(entity) for entity in order]
    assert positions == sorted(positions)
    categories: set[str] = set()
    products: set[str] = set()
    for entity, key, data in chain.iter_changes():
        if entity is Entity.CATEGORY:
            assert data["parent_id"] is None or data["parent_id"] in categories
            categories.add(key)
        elif entity is Entity.PRODUCT:
            assert data["category_id"] in categories
            products.add(key)
        elif entity in (Entity.BARCODE, Entity.PRICE, Entity.STOCK_LEVEL):
            assert data["product_id"] in products
        elif entity is Entity.PICKUP_ORDER:
            assert {line["product_id"] for line in data["lines"]} <= products


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match=r"products must be 100 to 1,000,000, not 99"):
        DemoSizes(products=99)
    with pytest.raises(ValueError, match=r"products must be 100 to 1,000,000, not 1,000,001"):
        DemoSizes(products=1_000_001)
    with pytest.raises(ValueError, match="cashiers"):
        DemoSizes(cashiers=2)
    with pytest.raises(ValueError, match="stores"):
        DemoSizes(stores=13)
    with pytest.raises(ValueError, match="whole number"):
        DemoSizes(members=True)
    DemoSizes(products=100)
    DemoSizes(products=1_000_000)


# --- the catalog --------------------------------------------------------------------------


def test_the_category_tree_is_two_levels_with_tax_and_points(chain: DemoChain) -> None:
    tops = [c for c in chain.categories if c.parent_id is None]
    leaves = [c for c in chain.categories if c.parent_id is not None]
    assert 10 <= len(tops) <= 15
    assert 50 <= len(leaves) <= 70
    assert {leaf.parent_id for leaf in leaves} == {top.id for top in tops}
    by_name = {c.name: c for c in chain.categories}
    assert by_name["酒类"].points_multiplier == by_name["香烟"].points_multiplier == 0
    assert by_name["护肤"].points_multiplier == 2
    assert Counter(c.points_multiplier for c in chain.categories).most_common(1)[0][0] == 1


def test_products_have_unique_codes_names_and_initials(chain: DemoChain) -> None:
    products = list(chain.iter_products())
    assert len(products) == 500
    assert [p["code"] for p in products] == [str(1_000_001 + i) for i in range(500)]
    assert len({p["name"] for p in products}) == 500
    assert len({p["id"] for p in products}) == 500
    for product in products:
        assert re.fullmatch(r"[a-z]+", product["pinyin"]), product
        assert product["name_en"]
        assert not re.search(r"[\u4e00-\u9fff]", product["name_en"])
    taxes = Counter(p["tax_code"] for p in products)
    assert taxes.most_common(1)[0][0] == "VAT13"
    assert {"VAT9", "VAT0"} <= set(taxes)


def test_a_product_name_reads_brand_product_flavour_size(big: DemoChain) -> None:
    names = {p["name"]: p for p in big.iter_products()}
    assert len(names) == 20_000  # distinct, with edition and packaging variants
    water = names["农夫山泉 饮用天然水 550ml"]
    assert water["name_en"] == "Nongfu Spring Natural Water 550ml"
    assert water["pinyin"] == "nfsqyytrs"  # 农夫山泉 饮用天然水: initials of the Chinese only
    assert names["乐事 薯片 黄瓜味 70g"]["pinyin"] == "lssphgw"
    assert names["鸡蛋 散装"]["unit"] == "kg"


def test_every_barcode_is_a_valid_unique_gtin(big: DemoChain) -> None:
    barcodes = list(big.iter_barcodes())
    gtins = [b["gtin"] for b in barcodes]
    assert len(set(gtins)) == len(gtins)
    for gtin in gtins:
        assert is_valid_gtin(gtin)
        assert normalize_gtin(gtin) == gtin
    chinese = [g for g in gtins if g.startswith("069")]
    upc_a = [g for g in gtins if g.startswith("00")]
    assert len(chinese) > 0.8 * len(gtins)
    assert upc_a
    assert all(is_valid_gtin(g[2:]) for g in upc_a)
    per_product = Counter(b["product_id"] for b in barcodes)
    packed = [p for p in big.iter_products() if p["unit"] == "pcs"]
    assert set(per_product) == {p["id"] for p in packed}
    second = sum(1 for n in per_product.values() if n == 2) / len(packed)
    assert 0.02 < second < 0.04
    assert max(per_product.values()) == 2


def test_weighed_goods_are_fresh_per_kg_and_scan_from_scale_labels(big: DemoChain) -> None:
    products = list(big.iter_products())
    weighed = [p for p in products if p["unit"] == "kg"]
    assert 0.015 < len(weighed) / len(products) < 0.025
    refs = [p["item_ref"] for p in weighed]
    assert len(set(refs)) == len(refs)
    assert all(re.fullmatch(r"\d{5}", r) for r in refs)
    fresh = {str(c.id) for c in big.categories if c.code.startswith("06")}
    assert all(p["category_id"] in fresh for p in weighed)
    assert all(p["item_ref"] is None for p in products if p["unit"] == "pcs")

    for item in islice(big.iter_weighed(), 50):
        assert item.item_ref is not None
        for grams in (5, 756, 12_345, 99_999):
            weight = Decimal(grams) / 1000
            scanned = decode_variable_measure(
                weighed_barcode(item.item_ref, weight), DEFAULT_LAYOUTS
            )
            assert scanned is not None
            assert scanned.kind is MeasureKind.WEIGHT
            assert (scanned.item_ref, scanned.weight_kg) == (item.item_ref, weight)
        price = Decimal(item.price_fen) / 100 * Decimal("0.756")
        price = price.quantize(Decimal("0.01"))
        scanned = decode_variable_measure(priced_barcode(item.item_ref, price), DEFAULT_LAYOUTS)
        assert scanned is not None
        assert (scanned.item_ref, scanned.price) == (item.item_ref, price)


def test_scale_labels_refuse_what_a_label_cannot_hold() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        weighed_barcode("00001", Decimal("0.0005"))
    with pytest.raises(ValueError, match="does not fit"):
        weighed_barcode("00001", Decimal("100"))
    with pytest.raises(ValueError, match="item reference"):
        weighed_barcode("0001", Decimal("1"))
    with pytest.raises(ValueError, match="prefix"):
        priced_barcode("00001", Decimal("1"), prefix="28")


def test_any_layout_builds_codes_with_a_price_check_digit() -> None:
    layout = VariableMeasureLayout(
        prefixes=frozenset({"29"}),
        item_ref_digits=4,
        kind=MeasureKind.PRICE,
        value_digits=5,
        implied_decimals=2,
        value_check_digit=True,
    )
    code = variable_measure_code(layout, "29", "1234", Decimal("123.45"))
    scanned = decode_variable_measure(code, [layout])
    assert scanned is not None
    assert (scanned.item_ref, scanned.price) == ("1234", Decimal("123.45"))
    assert code[6] == str(price_check_digit("12345"))


def test_prices_are_realistic_exact_and_partly_future_dated(big: DemoChain) -> None:
    prices = list(big.iter_prices())
    current = [p for p in prices if p["effective_from"] == "2026-01-01T00:00:00+08:00"]
    future = [p for p in prices if p["effective_from"] == FUTURE_PRICES_FROM.isoformat()]
    assert len(current) == 20_000
    assert len(current) + len(future) == len(prices)
    assert 0.005 < len(future) / len(current) < 0.015
    assert all(p["store_id"] is None and p["effective_to"] is None for p in prices)
    for price in prices:
        assert re.fullmatch(r"[1-9]\d*\.\d\d", price["price"]), price
    members = [p for p in current if p["member_price"] is not None]
    assert 0.08 < len(members) / len(current) < 0.12
    assert all(Decimal(p["member_price"]) < Decimal(p["price"]) for p in members)
    endings = Counter(p["price"][-3:] for p in current)
    charm = sum(endings[e] for e in (".00", ".50", ".80", ".90", ".99"))
    assert charm > 0.9 * len(current)

    names = {p["id"]: p["name"] for p in big.iter_products()}
    by_name = {names[p["product_id"]]: Decimal(p["price"]) for p in current}
    assert Decimal("1.00") <= by_name["农夫山泉 饮用天然水 550ml"] <= Decimal("3.99")
    assert Decimal("35.00") <= by_name["金龙鱼 东北大米 5kg"] <= Decimal("80.99")


def test_every_product_has_stock_and_a_few_are_low(big: DemoChain) -> None:
    products = {p["id"]: p for p in big.iter_products()}
    levels = list(big.iter_stock_levels("S001"))
    assert [level["product_id"] for level in levels] == list(products)
    low = 0
    for level in levels:
        product = products[level["product_id"]]
        pattern = r"\d+\.000" if product["unit"] == "pcs" else r"\d+\.\d{3}"
        assert re.fullmatch(pattern, level["quantity"]), level
        low += Decimal(level["quantity"]) < Decimal(product["low_stock_threshold"])
    assert 0.01 < low / len(levels) < 0.03


def test_initials_match_pypinyin() -> None:
    pypinyin = pytest.importorskip("pypinyin")
    # pypinyin reads 会稽 as hui ji; the mountain is Kuaiji.
    known = {"会稽山": "kjs"}
    vocabulary: set[Word] = {*BRANDS.values(), *PACKAGINGS, *EDITIONS, LOOSE}
    for department in DEPARTMENTS:
        for category in department.categories:
            for family in category.families:
                vocabulary |= {family.product, *family.brands, *family.flavours}
                vocabulary |= {size.word for size in family.sizes}
    assert len(vocabulary) > 400
    for word in vocabulary:
        letters = pypinyin.lazy_pinyin(word.zh, style=pypinyin.Style.FIRST_LETTER, errors="ignore")
        assert word.initials == known.get(word.zh, "".join(letters).lower()), word


# --- the store stream ---------------------------------------------------------------------


def test_stores_carry_the_rates_layouts_and_one_lookup_key(chain: DemoChain) -> None:
    s001, s002 = chain.stores
    assert (s001.code, s001.name, s002.code, s002.name) == (
        "S001",
        "上海南京西路店",
        "S002",
        "上海徐家汇店",
    )
    assert (s001.cash_rounding, s002.cash_rounding) == ("nearest", "down")
    for store in chain.stores:
        assert store.time_zone == "Asia/Shanghai"
        assert store.prices_include_tax
        rates = {(r.code, r.rate) for r in store.tax_rates}
        assert rates >= {("VAT13", Decimal("0.13")), ("VAT9", Decimal("0.09"))}
        assert store.member_lookup_key == chain.member_lookup_key.hex()
        assert len(chain.member_lookup_key) == 32
        layouts = {(tuple(lay.prefixes), lay.kind) for lay in store.variable_measure_layouts}
        assert layouts == {(tuple(sorted(lay.prefixes)), lay.kind.value) for lay in DEFAULT_LAYOUTS}
        assert store.receipt_header
        assert store.receipt_footer


def test_cashier_pins_verify_and_each_store_has_one_supervisor_and_manager(
    chain: DemoChain,
) -> None:
    for store in chain.stores:
        staff = chain.cashiers[store.store_id]
        roles = Counter(c.role for c in staff)
        assert roles == {Role.CASHIER: 4, Role.SUPERVISOR: 1, Role.MANAGER: 1}
        numbers = {c.number: c for c in staff}
        assert numbers["001"].role is Role.CASHIER
        assert numbers[SUPERVISOR_NUMBER].role is Role.SUPERVISOR
        assert numbers[MANAGER_NUMBER].role is Role.MANAGER
    staff = chain.cashiers[chain.stores[0].store_id]
    expected = {"001": CASHIER_PIN, SUPERVISOR_NUMBER: SUPERVISOR_PIN, MANAGER_NUMBER: MANAGER_PIN}
    for cashier in staff:
        pin = chain.cashier_pins[cashier.id]
        assert pin == expected.get(cashier.number, CASHIER_PIN)
        assert verify_pin(pin, cashier.pin_hash)
    assert not verify_pin("1234", staff[0].pin_hash)
    assert len({c.pin_hash for cs in chain.cashiers.values() for c in cs}) == 12  # salted


def test_member_phones_hash_with_the_chain_key(chain: DemoChain) -> None:
    key = bytes.fromhex(chain.stores[0].member_lookup_key)
    pattern = re.compile(chain.stores[0].member_card_pattern)
    assert len(chain.members) == 200
    for member in chain.members:
        phone = chain.member_phones[member.id]
        assert normalise_phone(phone) == phone
        assert member.phone_hash == phone_hash(phone, key)
        assert member.phone_masked == mask_phone(phone)
        assert pattern.match(member.card_no)
    assert len({m.card_no for m in chain.members}) == 200
    assert len(set(chain.member_phones.values())) == 200
    assert {m.tier for m in chain.members} == {"standard", "silver", "gold"}


def test_coupon_codes_are_unguessable_and_hash_to_the_row(chain: DemoChain) -> None:
    codes = chain.coupon_codes
    assert len(set(codes.values())) == len(chain.coupons) == 50
    for coupon in chain.coupons:
        code = codes[coupon.id]
        assert re.fullmatch(r"[A-Z2-7]{20}", code)  # 100 bits
        assert (
            coupon.code_hash == coupon_code_hash(code) == hashlib.sha256(code.encode()).hexdigest()
        )
        assert coupon.valid_from == DEMO_EPOCH < coupon.valid_to
    typed = "-".join(re.findall("....", codes[chain.coupons[0].id])).lower()
    assert coupon_code_hash(typed) == chain.coupons[0].code_hash
    kinds = Counter(
        (c.kind, c.min_spend > 0, bool(c.product_ids or c.category_ids)) for c in chain.coupons
    )
    assert len(kinds) >= 5
    assert any(c.max_uses > 1 for c in chain.coupons)
    assert any(c.uses == c.max_uses for c in chain.coupons)
    assert any(c.member_id is not None for c in chain.coupons)


def test_pickup_orders_have_six_digit_codes_and_lines_from_the_catalog(chain: DemoChain) -> None:
    key = chain.member_lookup_key
    products = {p["id"]: p for p in chain.iter_products()}
    prices = {
        p["product_id"]: p["price"]
        for p in chain.iter_prices()
        if p["effective_from"] == DEMO_EPOCH.isoformat()
    }
    for store in chain.stores:
        orders = chain.pickup_orders[store.store_id]
        assert len(orders) == 20
        codes = [chain.pickup_codes[o.id] for o in orders]
        assert len(set(codes)) == 20
        assert all(re.fullmatch(r"\d{6}", c) for c in codes)
        assert Counter(o.status for o in orders)[PickupStatus.READY] == 14
        for order, code in zip(orders, codes, strict=True):
            assert order.code_hash == pickup_code_hash(order.id, code)
            assert order.code_hash == hashlib.sha256(f"{order.id}:{code}".encode()).hexdigest()
            assert order.phone_hash == phone_hash(chain.pickup_phones[order.id], key)
            due = sum(line.quantity * line.unit_price for line in order.lines)
            assert order.amount_due == (0 if order.paid_online else due)
            for line in order.lines:
                assert products[str(line.product_id)]["name"] == line.name
                assert str(line.unit_price) == prices[str(line.product_id)]


def test_promotions_cover_every_kind_and_name_real_products(chain: DemoChain) -> None:
    kinds = {p.kind for p in chain.promotions}
    assert kinds == {
        "percent_off",
        "amount_off",
        "member_price",
        "bundle",
        "buy_x_get_y",
        "spend_threshold",
    }
    products = {p["id"] for p in chain.iter_products()}
    for promotion in chain.promotions:
        named = set(promotion.rule.get("product_ids", []))
        named |= set(promotion.rule.get("prices", {}))
        named |= {item["product_id"] for item in promotion.rule.get("items", [])}
        assert named <= products
    assert any(p.valid_from == FUTURE_PRICES_FROM for p in chain.promotions)
    s002 = [e for e, _, _ in chain.iter_changes("S002") if e is Entity.PROMOTION]
    assert len(s002) == len(chain.promotions) - 1  # one is S001's only


# --- scale ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_hundred_thousand_products_keep_codes_and_barcodes_unique() -> None:
    chain = DemoChain.generate(sizes=DemoSizes(products=200_000, members=0, cashiers=3, stores=1))
    codes = {p["code"] for p in chain.iter_products()}
    assert len(codes) == 200_000
    gtins: set[str] = set()
    count = 0
    for barcode in chain.iter_barcodes():
        gtins.add(barcode["gtin"])
        count += 1
    assert len(gtins) == count > 190_000
