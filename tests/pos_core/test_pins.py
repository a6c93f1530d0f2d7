import pytest

from pos_core.pins import PinError, hash_pin, verify_pin


def test_pins_verify_and_are_salted():
    first, second = hash_pin("1234", log2_n=4), hash_pin("1234", log2_n=4)
    assert first != second  # salted
    assert "1234" not in first
    assert verify_pin("1234", first)
    assert not verify_pin("1235", first)
    assert not verify_pin("12a4", first)


def test_the_cost_travels_with_the_hash():
    stored = hash_pin("987654", log2_n=5)
    assert stored.startswith("scrypt$5$")
    assert verify_pin("987654", stored)


@pytest.mark.parametrize("pin", ["123", "123456789", "12 34", ""])
def test_bad_pins_are_refused(pin):
    with pytest.raises(PinError):
        hash_pin(pin)


def test_an_unreadable_hash_is_an_error_not_a_match():
    with pytest.raises(PinError):
        verify_pin("1234", "md5$abc")
