"""Store benchmark: import time and lookup time on SQLite and PostgreSQL, per inventory size.

    python bench/store.py [N ...] [--postgres URL]

For each N it generates an inventory (seed 1), writes it to a JSON file, and times, each in a fresh
process as a user runs them: `analytics-maestro import FILE`, a lookup from one system and a lookup
from every system. PostgreSQL runs in a database of its own that the script creates and drops.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from analytics_maestro.inventory.generate import generate

COMMAND = str(Path(sys.executable).with_name("analytics-maestro"))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([COMMAND, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def looked_up_ms(output: str) -> float:
    return float(re.search(r"looked up in (\d+) ms", output).group(1))


def bench_backend(name: str, url: str, inventory: Path, system: str) -> dict:
    env = {**os.environ, "MAESTRO_DATABASE_URL": url}
    result = {"backend": name}
    result["import_s"], _ = timed(["import", str(inventory)], env)
    _, out = timed(["lookup", "--system", system], env)
    result["one_system_ms"] = looked_up_ms(out)
    _, out = timed(["lookup", "--all"], env)
    result["all_systems_ms"] = looked_up_ms(out)
    result["reached"] = int(re.search(r"applications: (\d+)", out).group(1))
    return result


def scratch_postgres(url: str, name: str):
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    return admin, make_url(url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--postgres", default=os.environ.get("MAESTRO_TEST_POSTGRES_URL", DEFAULT_PG))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            inventory = Path(tmp) / f"inventory-{n}.json"
            inventory.write_text(json.dumps(generate(n, seed=1)))
            rows.append({"n": n, **bench_backend("sqlite", f"sqlite:///{tmp}/store-{n}.db", inventory, "sys-system-5")})
            admin, url = scratch_postgres(args.postgres, f"maestro_bench_{n}")
            try:
                rows.append({"n": n, **bench_backend("postgresql", url, inventory, "sys-system-5")})
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS maestro_bench_{n} WITH (FORCE)")
    print(f"{'N':>8} {'store':<11} {'import (s)':>10} {'one system (ms)':>16} {'all systems (ms)':>17} {'reached':>8}")
    for r in rows:
        print(
            f"{r['n']:>8} {r['backend']:<11} {r['import_s']:>10.1f} {r['one_system_ms']:>16.0f}"
            f" {r['all_systems_ms']:>17.0f} {r['reached']:>8}"
        )


if __name__ == "__main__":
    main()
