import pytest

from pos_core.members import PhoneError, mask_phone, normalise_phone, phone_hash

KEY = bytes.fromhex("00" * 32)


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "008613812345678"]
)
def test_phones_normalise_to_one_form(raw):
    assert normalise_phone(raw) == "13812345678"
    assert phone_hash(raw, KEY) == phone_hash("13812345678", KEY)


def test_mask_and_keyed_hash():
    assert mask_phone("13812345678") == "138****5678"
    assert phone_hash("13812345678", KEY) != phone_hash("13812345678", b"other key")
    assert len(phone_hash("13812345678", KEY)) == 64


@pytest.mark.parametrize("raw", ["", "12812345678", "1381234567", "abc", "+1 415 555 0100"])
def test_bad_phones_are_refused_clearly(raw):
    with pytest.raises(PhoneError, match="11-digit mobile"):
        normalise_phone(raw)
