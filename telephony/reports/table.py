"""A report's rows as a plain text table for a terminal (`telephony report`): one line a row, columns
aligned, numbers right-aligned, empty cells as '-'."""

from __future__ import annotations

from collections.abc import Sequence

from telephony.reports.csv_rows import cell


def to_table(rows: Sequence[dict]) -> str:
    if not rows:
        return "(no rows)\n"
    columns = list(rows[0])
    cells = [[cell(row.get(column)) or "-" for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    numeric = [all(_is_number(line[i]) for line in cells) for i in range(len(columns))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(columns), *(line(values) for values in cells)]) + "\n"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return text == "-"
    return True
