"""Hostile caller ids through real SIP: names and numbers with quotes, SQL, shell and JSON characters,
unicode, absurd lengths, junk in the number. Each call goes through the IVR as any other (DID 100: a
greeting, then the daemon hangs up), its row keeps what Asterisk reported as it was (Asterisk leaves a
display name's escaped quotes escaped and cuts a long one short), only real numbers become customers, and the daemon stays healthy.
Prints what it counted."""

from __future__ import annotations

import random

from tests.integration.rig import run_sipp
from tests.integration.test_inbound_call import wait_for_row

ROW_BY_NAME = """SELECT caller_raw, caller_name, caller_e164, customer_id, outcome FROM interactions
                 WHERE caller_name = $1 AND ended_at IS NOT NULL"""
ROW_BY_NUMBER = """SELECT caller_raw, caller_name, caller_e164, customer_id, outcome FROM interactions
                   WHERE caller_raw = $1 AND ended_at IS NOT NULL"""


def quoted(text: str) -> str:
    """`text` as the inside of a SIP quoted-string (RFC 3261: quote and backslash escaped)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


async def call(number: str, display: str):
    return await run_sipp("caller_named.xml", "100", "-key", "caller", number, "-key", "display", quoted(display))


async def test_hostile_names_are_kept_as_they_were_and_real_numbers_still_find_their_customer(daemon, db):
    run = random.randrange(10_000)
    names = ["Robert'); DROP TABLE customers;--", "$(touch /tmp/pwned) `id` && echo",
             '{"json": [1, 2], "x": null}', "Ünïcødé 📞 名字", "Say \"hi\" \\ there", "<b>bold</b> & co",
             "L" * 300]
    counted = {"calls": 0, "kept": 0, "customers": 0}
    for i, name in enumerate(names):
        number = f"+49305557{run:04d}{i}"
        result = await call(number, name)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        row = await wait_for_row(db, ROW_BY_NUMBER, number)
        counted["calls"] += 1
        assert row["outcome"] == "ivr_completed"
        # Asterisk reports a display name's quoted-pairs as they came (\" stays \") and cuts a long one
        # short: what it reported is kept as it was.
        reported, stored = quoted(name), row["caller_name"]
        assert stored == reported or (len(reported) > 64 and stored and reported.startswith(stored)), stored
        counted["kept"] += 1
        assert row["caller_e164"] == number and row["customer_id"] is not None
        counted["customers"] += 1
    status, _ = await daemon.health()
    assert status == 200
    print(f"hostile names: {counted['calls']} calls, {counted['kept']} names kept as Asterisk reported them, "
          f"{counted['customers']} customers found or made for their real numbers")


async def test_junk_in_the_number_makes_no_customer(daemon, db):
    run = random.randrange(10_000)
    before = await db.fetchval("SELECT count(*) FROM customers")
    numbers = ["anonymous", "%27%3B%20DROP%20TABLE%20customers%3B--", "1" * 60, "*31%23", "abc.def", "0",
               "+", "restricted"]
    answered = 0
    for i, number in enumerate(numbers):
        marker = f"junk-{run}-{i}"
        result = await call(number, marker)
        assert result.returncode == 0, (number, result.stdout[-2000:] + result.stderr[-2000:])
        row = await wait_for_row(db, ROW_BY_NAME, marker)
        assert row["outcome"] == "ivr_completed"
        assert row["caller_e164"] is None and row["customer_id"] is None, (number, dict(row))
        answered += 1
    assert await db.fetchval("SELECT count(*) FROM customers") == before
    status, _ = await daemon.health()
    assert status == 200
    print(f"junk numbers: {answered} of {len(numbers)} calls handled, 0 customers made")
