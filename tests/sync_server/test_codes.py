"""Coupon and pickup codes: the server, the till and the demo chain hash them one way."""

from __future__ import annotations

from pos_core.demo_data import DemoChain, DemoSizes
from pos_core.protocol.codes import coupon_code_hash, normalise_coupon_code, pickup_code_hash
from sync_server.services.coupons import new_coupon_code


def test_the_demo_chains_hashes_are_the_protocols():
    chain = DemoChain.generate(sizes=DemoSizes(products=100, coupons=20, pickup_orders=5))
    for coupon in chain.coupons:
        code = chain.coupon_codes[coupon.id]
        assert coupon.code_hash == coupon_code_hash(code)
        spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
        assert coupon_code_hash(spaced) == coupon.code_hash
    for orders in chain.pickup_orders.values():
        for order in orders:
            assert order.code_hash == pickup_code_hash(order.id, chain.pickup_codes[order.id])
            assert order.code_hash != pickup_code_hash(order.id, "000000")


def test_issued_coupon_codes_are_100_random_bits_of_base32():
    codes = {new_coupon_code() for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert len(code) == 20
        assert normalise_coupon_code(code) == code
        assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
