"""Weekly opening hours as written in the file: `mon-fri: "09:00-12:00, 13:00-17:00"`."""

from __future__ import annotations

import re
from datetime import time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

Span = tuple[time, time]  # [start, end); end 24:00 is written time.max


def parse_days(key: str) -> list[int]:
    """`mon`, `mon-fri` or `sat,sun` -> weekday numbers (Monday is 0)."""
    days: list[int] = []
    for part in key.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if first not in DAYS or (dash and last not in DAYS):
            raise ValueError(f"days {key!r} must look like mon, mon-fri or sat,sun")
        start, end = DAYS.index(first), DAYS.index(last if dash else first)
        if end < start:
            raise ValueError(f"days {key!r} run backwards")
        days.extend(range(start, end + 1))
    return days


def parse_spans(value: str) -> list[Span]:
    """`09:00-17:00` or several ranges separated by commas; `closed` for none."""
    if value.strip() == "closed":
        return []
    spans: list[Span] = []
    for part in value.replace(" ", "").split(","):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f"hours {value!r} must look like 09:00-17:00 (several separated by commas)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise ValueError(f"hours {value!r}: {part} is not a time of day")
        start, end = time(h1, m1), time.max if h2 == 24 else time(h2, m2)
        if end <= start:
            raise ValueError(f"hours {value!r}: {part} ends before it starts")
        spans.append((start, end))
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:]):
        if start < end:
            raise ValueError(f"hours {value!r} overlap")
    return spans


def weekly_spans(hours: dict[str, str]) -> tuple[dict[int, list[Span]], list[tuple[str, str]]]:
    """The spans of each weekday, and (key, message) problems: bad keys or values, days given twice."""
    week: dict[int, list[Span]] = {}
    owner: dict[int, str] = {}
    problems: list[tuple[str, str]] = []
    for key, value in hours.items():
        try:
            days, spans = parse_days(key), parse_spans(value)
        except ValueError as exc:
            problems.append((key, str(exc)))
            continue
        for day in days:
            if day in owner:
                problems.append((key, f"{DAYS[day]} is already given by {owner[day]!r}"))
                continue
            owner[day] = key
            week[day] = spans
    return week, problems
