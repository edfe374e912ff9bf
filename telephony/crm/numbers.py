"""Caller numbers to E.164, or None when the caller id is withheld or junk.

We accept numbers that are *possible* (a plausible length for their country), not only *valid* ones
(inside a range phonenumbers' metadata knows as assigned): a call center must recognise a repeat caller
even when their range is newer than the metadata, or a test range. Junk — "anonymous", letters (vanity
numbers included: a caller id never carries them), quotes, markup, SQL, absurd lengths — is refused
before the parser sees it, and so are internal extensions and service codes (under six digits):
they are not customers.
"""

from __future__ import annotations

import re

import phonenumbers

MAX_RAW_LENGTH = 40
DIALLABLE = re.compile(r"^\+?[0-9(][0-9 ().\-/]*$")
MIN_DIGITS = 6


def normalise(raw: str | None, default_region: str) -> str | None:
    """E.164 for a caller id written in any usual format, national ones read in `default_region`."""
    if not raw:
        return None
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    if len(text) > MAX_RAW_LENGTH or not DIALLABLE.match(text) or sum(c.isdigit() for c in text) < MIN_DIGITS:
        return None
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_region(region: str) -> bool:
    return region in phonenumbers.SUPPORTED_REGIONS
