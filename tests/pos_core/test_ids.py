import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_core.ids import IdGenerator, ReceiptNumber, ReceiptNumberError, id_timestamp_ms, new_id


def test_uuid7_layout_and_time():
    value = IdGenerator().new(now_ms=1_795_000_000_000)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert id_timestamp_ms(value) == 1_795_000_000_000


def test_ids_strictly_increase_even_within_a_millisecond_and_when_the_clock_steps_back():
    ids_of = IdGenerator()
    ids = [ids_of.new(now_ms=1_795_000_000_000) for _ in range(5000)]
    ids += [ids_of.new(now_ms=1_794_999_999_000) for _ in range(10)]  # clock stepped back
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_id_timestamp_refuses_other_versions():
    with pytest.raises(ValueError, match="version 7"):
        id_timestamp_ms(uuid.uuid4())


def test_receipt_numbers():
    number = ReceiptNumber("S001", 2, 123)
    assert str(number) == "S001-02-000123"
    assert str(number.next()) == "S001-02-000124"
    assert str(ReceiptNumber("S001", 2, 1, training=True)) == "S001-02-T000001"
    assert ReceiptNumber.parse(" s001-02-000123 ") == number
    assert ReceiptNumber.parse("S001-02-T000001").training
    assert str(ReceiptNumber("S001", 2, 1_234_567)) == "S001-02-1234567"


@pytest.mark.parametrize("text", ["", "S001-2-000001", "S001-02-12", "S-001-02-000001", "hello"])
def test_bad_receipt_numbers_say_what_is_expected(text):
    with pytest.raises(ReceiptNumberError, match="STORE-TILL-NNNNNN"):
        ReceiptNumber.parse(text)


@given(
    st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True),
    st.integers(1, 9999),
    st.integers(1, 10**9),
    st.booleans(),
)
def test_receipt_numbers_round_trip(store, till, counter, training):
    number = ReceiptNumber(store, till, counter, training)
    assert ReceiptNumber.parse(str(number)) == number


def test_the_process_generator_gives_fresh_increasing_ids():
    first, second = new_id(), new_id()
    assert first < second
    assert first.version == 7
