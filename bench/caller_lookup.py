"""Caller lookup among 1,000,000 customers through the daemon's own path: CrmService.identify_caller →
CustomerStore → asyncpg pool → the embedded PostgreSQL, with numbers written in mixed formats.

    .venv/bin/python bench/caller_lookup.py [--customers N] [--lookups N] [--concurrency N]

The generated database is kept in var/bench/pgdata and reused while it holds the same number of customers.
Aim: p99 under 2 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telephony.crm.service import CrmService  # noqa: E402
from telephony.db.customers import CustomerStore  # noqa: E402
from telephony.db.migrations import migrate  # noqa: E402
from telephony.db.pool import ensure_database, start_embedded_postgres, with_database  # noqa: E402
from telephony.db.tickets import TicketStore  # noqa: E402
from telephony.logs import configure_logging  # noqa: E402

DATA_DIR = ROOT / "var" / "bench" / "pgdata"
DB_NAME = "bench_crm"
BATCH = 100_000
FIRST = 10_000_000  # +4930 1xxxxxxx: Berlin numbers of 10 national digits


def number(i: int) -> str:
    return f"+4930{FIRST + i}"


def written_somehow(e164: str, rng: random.Random) -> str:
    national = "0" + e164[3:]
    local = e164[5:]
    return rng.choice([e164, national, f"+49 30 {local}", f"0049 30 {local[:4]}-{local[4:]}",
                       f"(030) {local[:4]} {local[4:]}", f"tel:{e164}"])


async def populate(pool: asyncpg.Pool, customers: int) -> None:
    have = await pool.fetchval("SELECT count(*) FROM customer_phones WHERE e164 LIKE '+49301%'")
    if have == customers:
        print(f"reusing {have:,} customers in {DATA_DIR}", flush=True)
        return
    print(f"generating {customers:,} customers (had {have:,})", flush=True)
    await pool.execute("TRUNCATE customers CASCADE")
    started = time.perf_counter()
    for low in range(0, customers, BATCH):
        high = min(low + BATCH, customers)
        await pool.execute(
            """WITH made AS (
                   INSERT INTO customers (name, company)
                   SELECT 'Customer ' || g, 'Company ' || (g % 5000) FROM generate_series($1::int, $2::int) g
                   RETURNING id, name)
               INSERT INTO customer_phones (e164, customer_id)
               SELECT '+4930' || ($3::bigint + substr(name, 10)::bigint), id FROM made""",
            low, high - 1, FIRST)
        print(f"  {high:>9,} customers  {time.perf_counter() - started:6.1f} s", flush=True)
    await pool.execute("VACUUM ANALYZE customers")
    await pool.execute("VACUUM ANALYZE customer_phones")


async def measure(crm: CrmService, numbers: list[str], concurrency: int) -> list[float]:
    timings: list[float] = []
    queue = iter(numbers)

    async def worker():
        for raw in queue:
            t0 = time.perf_counter()
            identity = await crm.identify_caller(raw)
            timings.append(time.perf_counter() - t0)
            if identity.customer is None or identity.created:
                raise AssertionError(f"{raw} should be an existing customer")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings


def report(label: str, timings: list[float]) -> float:
    ms = sorted(t * 1000 for t in timings)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label}: {len(ms):,} lookups  p50 {p50:.3f} ms  p99 {p99:.3f} ms  max {ms[-1]:.3f} ms",
          flush=True)
    return p99


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    configure_logging("console", "warning")

    admin = (await asyncio.to_thread(start_embedded_postgres, DATA_DIR)).get_uri()
    await ensure_database(admin, DB_NAME)
    pool = await asyncpg.create_pool(with_database(admin, DB_NAME), min_size=max(2, args.concurrency),
                                      max_size=max(2, args.concurrency))
    try:
        await migrate(pool, ROOT / "migrations")
        await populate(pool, args.customers)
        crm = CrmService(CustomerStore(pool), TicketStore(pool), "DE", lambda *_: None,
                         lambda: datetime.now(timezone.utc))
        rng = random.Random(4)
        warm = [written_somehow(number(rng.randrange(args.customers)), rng) for _ in range(2000)]
        await measure(crm, warm, args.concurrency)
        lookups = [written_somehow(number(rng.randrange(args.customers)), rng) for _ in range(args.lookups)]
        started = time.perf_counter()
        timings = await measure(crm, lookups, args.concurrency)
        elapsed = time.perf_counter() - started
        p99 = report(f"identify_caller, concurrency {args.concurrency}", timings)
        print(f"throughput {len(timings) / elapsed:,.0f} lookups/s", flush=True)
        print(f"target p99 < 2 ms: {'met' if p99 < 2 else 'NOT met'}", flush=True)
        return 0 if p99 < 2 else 1
    finally:
        await pool.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
