import pytest

from telephony.crm.numbers import normalise


@pytest.mark.parametrize(("raw", "region", "e164"), [
    ("+4930123456", "US", "+4930123456"),            # a test range: possible, not necessarily assigned
    ("030 555 000 12", "DE", "+493055500012"),
    ("+49 (30) 555-000-12", "DE", "+493055500012"),
    ("004930555000", "DE", "+4930555000"),
    ("(212) 555-1234", "US", "+12125551234"),
    ("+1 555 123 4567", "DE", "+15551234567"),
    ("tel:+4930123456", "US", "+4930123456"),
    ("  +4930123456 ", "US", "+4930123456"),
])
def test_usual_formats_normalise_to_e164(raw, region, e164):
    assert normalise(raw, region) == e164


def test_national_and_international_forms_meet():
    assert normalise("03055500012", "DE") == normalise("+493055500012", "DE")


@pytest.mark.parametrize("raw", [
    None, "", "   ", "anonymous", "Anonymous", "unknown", "restricted", "1-800-FLOWERS", "abc123",
    "1" * 300, "+" + "4" * 299, '"+4930123456"', "'; DROP TABLE customers; --", "<script>alert(1)</script>",
    "+49301234<b>", "12", "+", "+0123456789", "123\x00456", "+49 30 12345678901234567",
])
def test_withheld_and_junk_ids_are_none(raw):
    assert normalise(raw, "DE") is None
