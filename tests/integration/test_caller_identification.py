"""Issue 4 end to end: a real SIP call from a new number creates its customer; a second call from the same
number written nationally links the same customer, whose history then shows the first call.

The daemon reads national numbers in Germany (TELEPHONY_DEFAULT_REGION=DE in conftest's daemon_env), so
"030555000NN" and "+4930555000NN" are one number.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

from telephony.crm.service import CrmService
from telephony.db.customers import CustomerStore
from telephony.db.tickets import TicketStore
from tests.integration.rig import place_call
from tests.integration.test_inbound_call import wait_for_row

ENDED_CALL = """SELECT * FROM interactions WHERE caller_raw = $1 AND ended_at IS NOT NULL
                ORDER BY started_at DESC"""


async def test_new_caller_gets_a_customer_and_the_next_call_in_national_format_finds_it(daemon, db):
    suffix = f"{random.randrange(100):02d}"
    international, national = f"+4930555000{suffix}", f"030555000{suffix}"

    first = await place_call("100", international)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    first_row = await wait_for_row(db, ENDED_CALL, international)
    assert first_row["caller_e164"] == international
    assert first_row["customer_id"] is not None
    owner = await db.fetchval("SELECT customer_id FROM customer_phones WHERE e164 = $1", international)
    assert owner == first_row["customer_id"]

    second = await place_call("100", national)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    second_row = await wait_for_row(db, ENDED_CALL, national)
    assert second_row["caller_raw"] == national
    assert second_row["caller_e164"] == international
    assert second_row["customer_id"] == first_row["customer_id"]
    assert await db.fetchval("SELECT count(*) FROM customer_phones WHERE e164 = $1", international) == 1

    crm = CrmService(CustomerStore(db), TicketStore(db), "DE", lambda *_: None,
                     lambda: datetime.now(timezone.utc))
    pop = await crm.screen_pop(first_row["customer_id"])
    assert [i.id for i in pop.interactions][:2] == [second_row["id"], first_row["id"]]
    assert pop.customer.phones == (international,)


async def test_withheld_caller_is_handled_and_creates_no_customer(daemon, db):
    before = await db.fetchval("SELECT count(*) FROM customers")
    result = await place_call("100", "anonymous")
    assert result.returncode == 0, result.stdout[-2000:]
    row = await wait_for_row(db, ENDED_CALL, "anonymous")
    assert row["outcome"] == "ivr_completed"
    assert row["caller_e164"] is None and row["customer_id"] is None
    assert await db.fetchval("SELECT count(*) FROM customers") == before
