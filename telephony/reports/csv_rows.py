"""Report rows as CSV: one column per figure, a mapping (overflowed to, paused by reason) as `key=n;key=n`."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def to_csv(rows: Sequence[dict]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow([cell(v) for v in row.values()])
    return out.getvalue()
