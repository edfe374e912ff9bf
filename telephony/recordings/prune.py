"""Removing recordings past the retention period: their files, then their rows. A dry run (the default of
`telephony recordings prune`) reports what would go and touches nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from telephony.db.recordings import Recording, RecordingStore


@dataclass
class PruneReport:
    cutoff: datetime
    applied: bool
    recordings: list[Recording] = field(default_factory=list)
    bytes: int = 0
    files_missing: int = 0  # rows whose file was already gone (removed by hand); their rows go too

    def lines(self) -> list[str]:
        verb = "removed" if self.applied else "would remove"
        out = [f"{r.started_at:%Y-%m-%d %H:%M} {r.path} ({r.duration_seconds:.0f} s)" for r in self.recordings]
        out.append(f"{verb} {len(self.recordings)} recording(s) ended before {self.cutoff:%Y-%m-%d %H:%M %Z}, "
                   f"{self.bytes / 1e6:.1f} MB" + (f"; {self.files_missing} file(s) already missing"
                                                   if self.files_missing else ""))
        if not self.applied and self.recordings:
            out.append("dry run: nothing removed; run again with --apply to remove them")
        return out


async def prune(store: RecordingStore, directory: Path, cutoff: datetime, apply: bool) -> PruneReport:
    report = PruneReport(cutoff, apply)
    root = directory.resolve()
    for recording in await store.older_than(cutoff):
        path = (root / recording.path).resolve()
        report.recordings.append(recording)
        if not path.is_relative_to(root) or not path.is_file():
            report.files_missing += 1
            continue
        report.bytes += path.stat().st_size
        if apply:
            path.unlink()
    if apply and report.recordings:
        await store.delete([r.id for r in report.recordings])
    return report
