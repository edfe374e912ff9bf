"""`telephony check-config`: the file validates, and what else can be known to go wrong is found.

Prompts are looked up over ARI when Asterisk runs and its user is set, else in the sounds directory
(--sounds-dir, the local Asterisk chroot's under ASTERISK_ROOT, or the system's); agents' queues in the
database when TELEPHONY_DATABASE_DSN reaches it. Neither is needed: what could not be checked is said.
No AMI or ARI secret is required.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from telephony.config import load_config
from telephony.config.checks import HasSound, membership_findings, prompt_findings, strict, structure_findings
from telephony.config.models import CallCenterConfig
from telephony.config.sounds import local_sounds
from telephony.errors import AriError, AsteriskUnavailable, ConfigError

DEFAULT_ASTERISK_ROOT = Path("/var/cache/telephony/asterisk-22")  # where `make asterisk` builds the chroot
LOOKUP_TIMEOUT = 3.0


def check_config(path: Path | None, *, strict_mode: bool = False, sounds_dir: Path | None = None,
                 ask_ari: bool = True, ask_database: bool = True, out=None) -> int:
    from telephony.settings import ToolSettings

    out = out or sys.stdout
    settings = ToolSettings()
    path = path or settings.config_file
    try:
        config = load_config(path)
    except ConfigError as exc:
        for place, message in exc.problems:
            print(f"{exc.source}: {place}: {message}" if place else f"{exc.source}: {message}", file=out)
        print(f"{len(exc.problems)} error(s)", file=sys.stderr)
        return 1
    findings = structure_findings(config)
    notes = []
    has_sound, source = _sounds(settings, sounds_dir, ask_ari)
    if has_sound is None:
        notes.append(f"prompts not checked ({source})")
    else:
        findings += prompt_findings(config, has_sound)
        notes.append(f"prompts checked against {source}")
    memberships, source = _memberships(settings) if ask_database else (None, "not asked")
    if memberships is None:
        notes.append(f"agents' queues not checked ({source})")
    else:
        findings += membership_findings(config, memberships)
        notes.append(f"agents' queues checked in {source}")
    if strict_mode:
        findings = strict(findings)
    for finding in findings:
        print(f"{path}: {finding.level}: {finding.place}: {finding.message}", file=out)
    errors = sum(f.level == "error" for f in findings)
    print(f"{path}: {'ok' if not errors else f'{errors} error(s)'} ({_counts(config)}); {'; '.join(notes)}",
          file=out)
    return 1 if errors else 0


def _counts(config: CallCenterConfig) -> str:
    return f"{len(config.dids)} DIDs, {len(config.ivr)} IVR nodes, {len(config.queues)} queues"


def _sounds(settings, sounds_dir: Path | None, ask_ari: bool) -> tuple[HasSound | None, str]:
    if ask_ari and sounds_dir is None and settings.ari_user and settings.ari_password:
        known = _run(_ari_sounds(settings))
        if isinstance(known, dict):
            return (lambda name, lang: lang in known.get(name, ())), f"ARI at {settings.ari_url}"
    root = Path(os.environ.get("ASTERISK_ROOT", DEFAULT_ASTERISK_ROOT))
    directory = local_sounds(sounds_dir, root if root.is_dir() else None)
    if directory is None or not directory.exists:
        return None, "no Asterisk over ARI and no sounds directory; give --sounds-dir"
    return directory.has, f"{directory}"


async def _ari_sounds(settings) -> dict[str, set[str]] | None:
    from telephony.asterisk.ari import AriClient

    client = AriClient(settings.ari_url, settings.ari_user, settings.ari_password.get_secret_value(),
                       timeout=LOOKUP_TIMEOUT)
    await client.start()
    try:
        return await client.sound_languages()
    except (AriError, AsteriskUnavailable):
        return None
    finally:
        await client.close()


def _memberships(settings) -> tuple[list[tuple[str, str]] | None, str]:
    if settings.database_dsn is None:
        return None, "TELEPHONY_DATABASE_DSN is not set"
    rows = _run(_read_memberships(settings))
    if isinstance(rows, Exception):
        return None, f"the database cannot be read: {type(rows).__name__}"
    return rows, "the database"


async def _read_memberships(settings) -> list[tuple[str, str]] | Exception:
    import asyncpg

    from telephony.db.pool import with_database

    dsn = with_database(settings.database_dsn.get_secret_value(), settings.database_name)
    try:
        conn = await asyncpg.connect(dsn, timeout=LOOKUP_TIMEOUT)
    except (OSError, asyncio.TimeoutError, asyncpg.PostgresError) as exc:
        return exc
    try:
        rows = await conn.fetch(
            """SELECT a.extension, a.name, m.queue FROM queue_members m JOIN agents a ON a.id = m.agent_id
               WHERE a.removed_at IS NULL ORDER BY a.extension, m.queue""")
    except asyncpg.PostgresError as exc:  # a database not migrated yet
        return exc
    finally:
        await conn.close()
    return [(f"{r['extension']} ({r['name']})", r["queue"]) for r in rows]


def _run(coroutine) -> object:
    return asyncio.run(coroutine)

