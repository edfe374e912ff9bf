"""Which sounds Asterisk has: from its sounds directory (also inside a chroot), or asked over ARI.

Asterisk plays `sound:NAME` in language LANG from `<sounds>/LANG/NAME.<format>`, else from
`<sounds>/NAME.<format>`; any format will do (it transcodes).
"""

from __future__ import annotations

import os
from pathlib import Path

DEBIAN_SOUNDS = Path("usr/share/asterisk/sounds")  # astdatadir/sounds of the Debian package


class SoundsDirectory:
    def __init__(self, sounds: Path, root: Path | None = None):
        """`sounds`: the directory as Asterisk sees it; `root`: the chroot Asterisk runs in, if any (its
        symbolic links point inside it, at /etc/alternatives and the like)."""
        self.root = root
        self.sounds = sounds
        self._names: dict[Path, set[str]] = {}

    def __str__(self) -> str:
        return str(self._real(self.sounds))

    @property
    def exists(self) -> bool:
        return self._real(self.sounds).is_dir()

    def has(self, name: str, language: str) -> bool:
        return any(self._stem_in(folder / name) for folder in (self.sounds / language, self.sounds))

    def _stem_in(self, path: Path) -> bool:
        folder = self._real(path.parent)
        if folder not in self._names:
            try:
                self._names[folder] = {entry.rpartition(".")[0] for entry in os.listdir(folder) if "." in entry}
            except OSError:
                self._names[folder] = set()
        return path.name in self._names[folder]

    def _real(self, path: Path) -> Path:
        """`path` (as Asterisk sees it) on this machine, following links the way the chroot would."""
        if self.root is None:
            return path.resolve()
        current = self.root
        parts = list(Path(path).relative_to("/").parts) if Path(path).is_absolute() else list(Path(path).parts)
        hops = 0
        while parts:
            part = parts.pop(0)
            candidate = current / part
            if candidate.is_symlink() and hops < 40:
                hops += 1
                target = Path(os.readlink(candidate))
                if target.is_absolute():
                    current, parts = self.root, [*target.relative_to("/").parts, *parts]
                else:
                    parts = [*target.parts, *parts]
                continue
            current = current.parent if part == ".." else candidate
        return current


def local_sounds(sounds_dir: Path | None = None, asterisk_root: Path | None = None) -> SoundsDirectory | None:
    """The sounds directory to check against: the one given, the local Asterisk chroot's, the system's."""
    if sounds_dir is not None:
        return SoundsDirectory(sounds_dir)
    candidates = []
    if asterisk_root is not None:
        candidates.append(SoundsDirectory(Path("/") / DEBIAN_SOUNDS, asterisk_root))
    candidates.append(SoundsDirectory(Path("/") / DEBIAN_SOUNDS))
    return next((c for c in candidates if c.exists), None)
