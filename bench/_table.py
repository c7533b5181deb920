"""What every benchmark shares: the database it runs on, and one way to print a figure against its target.

A script prints each figure with `row(...)`: `figure | target | measured | ratio | ok`, where the ratio
is measured / target (at most 1 is good for a ceiling, at least 1 for a floor). `make bench` runs every
`bench/*.py` once per database and prints all the rows in one table at the end (`python bench/_table.py
summary FILE`); a script run by hand just prints its own rows.

The database: SQLite in a fresh file by default; PostgreSQL when `CPAS_BENCH_BACKEND=postgresql`
(`CPAS_BENCH_DATABASE_URL`, default `postgresql://postgres@127.0.0.1:5432/test`), each run in a schema
of its own, dropped when the script ends.

    from _table import database_url, row          # scripts run as `python bench/x.py`
    url = database_url(folder)                    # the SQLAlchemy URL for this run
    row("digests, 5,000 users", seconds, 5, "s")  # a ceiling: 5 s at most
    row("transitions per second", rate, 300, "/s", at_least=True)
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import uuid
from pathlib import Path

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent


def backend() -> str:
    """`sqlite` or `postgresql`: the database this run measures."""
    return os.environ.get("CPAS_BENCH_BACKEND", "sqlite")


def postgresql_url() -> str:
    return os.environ.get("CPAS_BENCH_DATABASE_URL") or DEFAULT_PG


def postgresql_reachable() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(postgresql_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def bench_app(folder: Path, url: str | None = None, **config):
    """The application a benchmark measures: test settings over a fresh database (`url`, or a new one in
    `folder`), with the script's own settings on top."""
    from cpas_workflow import create_app

    settings = {
        "TESTING": True,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url or database_url(folder),
        "CPAS_BASE_URL": "http://cpas.bench",
    }
    return create_app({**settings, **config}, instance_path=str(folder))


def database_url(folder: Path) -> str:
    """A fresh, empty database for this run: a SQLite file in `folder`, or a new PostgreSQL schema."""
    if backend() != "postgresql":
        return f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    from sqlalchemy import create_engine, text

    base = postgresql_url()
    schema = f"cpas_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    atexit.register(drop)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def _fmt(value: float) -> str:
    if value == 0 or abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def row(figure: str, measured: float, target: float, unit: str = "", *, at_least: bool = False) -> bool:
    """Print one figure against its target (a ceiling, or a floor with `at_least`); True if it is met.
    Under `make bench` the row is also kept for the summary table."""
    ok = measured >= target if at_least else measured <= target
    ratio = f"{measured / target:.2f}" if target else ("0" if measured == 0 else "—")
    entry = {
        "figure": figure,
        "target": f"{'≥' if at_least else '≤'} {_fmt(target)} {unit}".rstrip(),
        "measured": f"{_fmt(measured)} {unit}".rstrip(),
        "ratio": ratio,
        "ok": "ok" if ok else "MISSED",
        "backend": backend(),
        "load": round(os.getloadavg()[0], 1),  # a busy machine slows every figure: keep it beside them
    }
    print(" | ".join(entry[k] for k in ("figure", "target", "measured", "ratio", "ok")), flush=True)
    results = os.environ.get("CPAS_BENCH_RESULTS")
    if results:
        with open(results, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
    return ok


def note(text: str) -> None:
    """A line of context under the figures (a query plan, a skipped row and why)."""
    print(f"   {text}", flush=True)


def summary(path: str) -> None:
    """One table of every row `make bench` collected: SQLite and PostgreSQL side by side."""
    entries = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    figures: dict[str, dict] = {}
    for e in entries:
        figures.setdefault(e["figure"], {"target": e["target"]})[e["backend"]] = e
    backends = [b for b in ("sqlite", "postgresql") if any(b in f for f in figures.values())]
    header = ["figure", "target"] + [f"{b} {c}" for b in backends for c in ("measured", "ratio", "ok")]
    lines = []
    for figure, by in figures.items():
        cells = [figure, by["target"]]
        for b in backends:
            e = by.get(b)
            cells += [e["measured"], e["ratio"], e["ok"]] if e else ["—", "", ""]
        lines.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=True)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in lines:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |")
    missed = sum(1 for by in figures.values() for b in backends if by.get(b, {}).get("ok") == "MISSED")
    loads = [e["load"] for e in entries if "load" in e]
    print(f"\n{len(figures)} figures, {missed} measurement(s) missing their target", end="")
    print(f"; load average {min(loads)}–{max(loads)} while measuring" if loads else "")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "postgresql-reachable":
        sys.exit(0 if postgresql_reachable() else 1)
    else:
        sys.exit("usage: python bench/_table.py summary FILE | postgresql-reachable")
