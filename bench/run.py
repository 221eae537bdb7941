"""``python -m bench``: seed (when needed), count queries, EXPLAIN, start gunicorn, load every
page with wrk in interleaved rounds, print the table and the JSON, write them to var/bench/.

    python -m bench                      # factor 0.05 into postgres://…/dlep_scale
    python -m bench --factor 1.0 --database-url postgres://postgres@127.0.0.1:5432/dlep_scale_full
    python -m bench --reseed             # build the synthetic country again

The pages are measured in rounds; in each, every page right after a run of the floor as long
as its own, so that a change of background load (the machine is shared) touches the floor and
the page alike. A page's p50 and p95 are the medians over the rounds, its requests per second
the total over the rounds, its ratio to the floor the median over the rounds of its p50 over
the p50 of the floor's run just before it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .load import BenchError, say

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dlep_scale"
ROOT = Path(__file__).resolve().parent.parent
RATIO_LIMIT = 2.0  # a key page's p50 within twice the floor's (issue 10)
# The data fit in memory: a random page costs about what a sequential one does. With
# PostgreSQL's default (4) the planner scans whole tables where an index is cheaper (province
# roster at F = 1.0: 203 ms → 19 ms). Deployments set the same (docker-compose.yml, deploy.md).
RANDOM_PAGE_COST = 1.1


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--factor", type=float, default=0.05, help="synthetic country size (0.05)")
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                            DEFAULT_DATABASE_URL),
                   help="PostgreSQL to use (BENCH_DATABASE_URL; default %(default)s); never "
                        "a database you keep: --reseed empties it")
    p.add_argument("--reseed", action="store_true", help="seed again even if the data fits")
    p.add_argument("--random-page-cost", type=float, default=RANDOM_PAGE_COST,
                   help="set on the database (ALTER DATABASE … SET random_page_cost), as "
                        "docker-compose.yml sets it on the server (%(default)s; PostgreSQL's "
                        "own default is 4)")
    p.add_argument("--hot-roster", type=int, default=500)
    p.add_argument("--hot-queue", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    p.add_argument("--connections", type=int, default=2, help="wrk connections (2)")
    p.add_argument("--seconds", type=float, default=3, help="seconds per page per round (3)")
    p.add_argument("--rounds", type=int, default=5, help="rounds over all pages (5)")
    p.add_argument("--explain", type=int, default=6, help="heaviest queries to EXPLAIN (6)")
    p.add_argument("--timed", type=int, default=11,
                   help="in-process requests per page for the app and SQL times (11)")
    p.add_argument("--out", default=str(ROOT / "var" / "bench"), help="report folder")
    return p.parse_args(argv)


def _port_open(host: str, port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def ensure_database(url: str, random_page_cost: float = RANDOM_PAGE_COST) -> dict:
    """PostgreSQL up (started like .ci/run when it is local and down) and the database there,
    with the planner's ``random_page_cost`` of the deployment (new connections take it)."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise BenchError("the benchmark runs against PostgreSQL: pass --database-url postgres://…")
    host, port = config.get("HOST") or "127.0.0.1", int(config.get("PORT") or 5432)
    if not _port_open(host, port) and host in ("127.0.0.1", "localhost"):
        clusters = Path("/etc/postgresql")
        if clusters.is_dir() and any(clusters.iterdir()):
            version = sorted(p.name for p in clusters.iterdir())[0]
            say(f"bench: PostgreSQL is down, starting cluster {version}/main")
            command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"]
            subprocess.run(command, check=False)  # noqa: S603 (as .ci/run starts it)
            for _ in range(30):
                if _port_open(host, port):
                    break
                time.sleep(1)
    if not _port_open(host, port):
        raise BenchError(f"PostgreSQL does not answer on {host}:{port}: start it, or pass "
                         "--database-url")
    admin = psycopg2.connect(dbname="postgres", user=config.get("USER") or None,
                             password=config.get("PASSWORD") or None, host=host, port=port)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            say(f"bench: creating database {config['NAME']}")
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
        cursor.execute(f'ALTER DATABASE "{config["NAME"]}" SET random_page_cost = '
                       f'{float(random_page_cost)}')
    admin.close()
    return config


def _fits(plan) -> bool:
    from accounts.models import Organization
    from appraisal.models import Application
    from personnel.models import Person

    kinds = {k: Organization.objects.filter(kind=k).count() for k in plan.counts_by_kind}
    return (kinds == plan.counts_by_kind and Person.objects.count() == plan.total_people
            and Application.objects.count() == plan.total_applications)


def seed(args, plan, out: Path) -> dict:
    """Seed unless the database already holds this plan's country; the seeding's report."""
    from accounts.models import Organization
    from devdata import scale

    marker = out / f"seed-{plan.factor}-{plan.hot_roster}-{plan.hot_queue}.json"
    if not args.reseed and _fits(plan):
        say("bench: the database already holds this synthetic country")
        if marker.exists():
            return {**json.loads(marker.read_text()), "reused": True}
        return {"factor": plan.factor, "reused": True}
    if Organization.objects.exists():
        say("bench: emptying the database (TRUNCATE)")
        scale.reset()
    say(f"bench: seed_scale --factor {plan.factor}")
    started = time.perf_counter()
    summary = scale.build(plan.factor, hot_roster=plan.hot_roster, hot_queue=plan.hot_queue,
                          log=say)
    report = {**summary.as_dict(), "wall_seconds": round(time.perf_counter() - started, 1)}
    for old in out.glob("seed-*.json"):
        old.unlink()
    marker.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return report


def main(argv=None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    from .load import ensure_wrk, free_port, gunicorn, wrk

    started = time.perf_counter()
    wrk_binary = ensure_wrk()
    config = ensure_database(args.database_url, args.random_page_cost)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from devdata.scale.plan import Plan

    from . import measure
    from .pages import FLOOR, PAGES, PENDING

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plan = Plan.for_factor(args.factor, hot_roster=args.hot_roster, hot_queue=args.hot_queue)
    say("bench: migrate")
    call_command("migrate", interactive=False, verbosity=0)
    seeding = seed(args, plan, out)

    planner = measure.planner_settings()
    logins = measure.prepare_logins()
    pages = [FLOOR, *PAGES]
    say("bench: counting queries in-process")
    counts = {p.label: measure.count_queries(p, logins[p.login], plan, timed=args.timed)
              for p in pages}
    broken = {label: c.problem for label, c in counts.items() if c.problem}
    if broken:
        raise BenchError("pages do not show what they should: " + json.dumps(
            broken, ensure_ascii=False))
    say("bench: EXPLAIN ANALYZE of every query the pages run")
    heavy, findings = measure.explain(list(counts.values()), args.explain)

    env = {**os.environ, "DATABASE_URL": args.database_url,
           "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONUNBUFFERED": "1"}
    runs: dict[str, list[dict]] = {p.label: [] for p in pages}
    paired: dict[str, list[dict]] = {p.label: [] for p in pages[1:]}  # the floor's runs
    load_before = os.getloadavg()
    with gunicorn(env, workers=args.workers, port=free_port()) as base:
        say(f"bench: gunicorn ({args.workers} workers) at {base}; wrk -c{args.connections}, "
              f"{args.rounds} rounds × {args.seconds:g} s per page")
        for page in pages:  # warm every worker on every page
            wrk(wrk_binary, base + page.path, logins[page.login].wrk_header(page.api),
                seconds=1, connections=args.connections)
        def load(page) -> dict:
            figures = wrk(wrk_binary, base + page.path, logins[page.login].wrk_header(page.api),
                          seconds=args.seconds, connections=args.connections)
            if figures["not_ok"] or figures["socket_errors"]:
                raise BenchError(f"{page.label}: {figures['not_ok']} answers other than "
                                 f"200, {figures['socket_errors']} socket errors")
            return figures

        for number in range(1, args.rounds + 1):
            for page in pages[1:]:  # each page right after a run of the floor: its pair
                paired[page.label].append(load(FLOOR))
                runs[FLOOR.label].append(paired[page.label][-1])
                runs[page.label].append(load(page))
            say(f"bench: round {number}/{args.rounds} done")

    rows = []
    for page in pages:
        figures = runs[page.label]
        seconds = sum(f["duration_us"] for f in figures) / 1e6
        rows.append({
            "page": page.name, "login": page.login, "path": page.path,
            "rps": round(sum(f["requests"] for f in figures) / seconds, 1),
            "p50_ms": round(statistics.median(f["p50_us"] for f in figures) / 1000, 2),
            "p95_ms": round(statistics.median(f["p95_us"] for f in figures) / 1000, 2),
            "queries": counts[page.label].queries,
            "queries_warm": counts[page.label].queries_warm,
            "app_ms": counts[page.label].wall_ms, "sql_ms": counts[page.label].sql_ms,
            "cold_ms": counts[page.label].cold_ms,
            "rounds": figures,
        })
    # The ratio is taken pair by pair (the floor ran just before the page, for as long), then
    # the median over the rounds: the machine is shared (a virtual one here, whose speed drifts
    # by a fifth within minutes), and a change of speed touches both sides of a pair alike.
    floor_app = counts[FLOOR.label].wall_ms
    for row, page in zip(rows, pages, strict=True):
        floors = paired.get(page.label, runs[FLOOR.label])
        ratios = [f["p50_us"] / base["p50_us"]
                  for f, base in zip(row["rounds"], floors, strict=True) if base["p50_us"]]
        row["x_floor"] = round(statistics.median(ratios), 2) if ratios else None
        row["app_x_floor"] = round(row["app_ms"] / floor_app, 2) if floor_app else None
        row["within_2x"] = row["x_floor"] is not None and row["x_floor"] <= RATIO_LIMIT
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "factor": plan.factor, "database": config["NAME"], "planner": planner,
        "cache": {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                  "dashboard_counts_seconds": settings.DASHBOARD_COUNTS_SECONDS,
                  "kept_seconds": settings.KEPT_SECONDS},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_before": [round(x, 2) for x in load_before],
                    "load_after": [round(x, 2) for x in os.getloadavg()]},
        "seed": seeding,
        "server": {"gunicorn_workers": args.workers, "wrk_connections": args.connections,
                   "seconds_per_round": args.seconds, "rounds": args.rounds},
        "pages": rows,
        "pending": [{"page": name, "comes_with": issue} for name, issue in PENDING],
        "all_within_2x": all(r["within_2x"] for r in rows[1:]),
        "heaviest_queries": [{"ms": round(e.ms, 2), "pages": e.pages, "sql": e.sql,
                              "plan": e.plan_text} for e in heavy],
        "plan_findings": [{"pages": e.pages, "ms": round(e.ms, 2), "findings": e.findings,
                           "sql": e.sql} for e in findings],
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    text = render(report)
    say(text)
    say(json.dumps({k: v for k, v in report.items()
                      if k not in ("heaviest_queries", "plan_findings")}
                     | {"pages": [{k: v for k, v in r.items() if k != "rounds"}
                                  for r in rows]}, ensure_ascii=False))
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-F{plan.factor}-{stamp}", "latest"):
        (out / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
        (out / f"{name}.txt").write_text(text)
    say(f"bench: report in {out / 'latest.txt'} and {out / 'latest.json'} "
          f"({report['total_seconds']:.0f} s in all)")
    return 0


def render(report: dict) -> str:
    lines = [f"D-LEP benchmark, factor {report['factor']} ({report['database']}), "
             f"{report['when']}",
             f"gunicorn {report['server']['gunicorn_workers']} sync workers, wrk "
             f"{report['server']['wrk_connections']} connections, {report['server']['rounds']} "
             f"rounds × {report['server']['seconds_per_round']:g} s per page; "
             f"{report['machine']['cores']} cores, load {report['machine']['load_before'][0]} "
             f"before / {report['machine']['load_after'][0]} after",
             "PostgreSQL " + ", ".join(f"{k} = {v}" for k, v in report["planner"].items()),
             f"cache {report['cache']['backend']}, dashboard counts kept "
             f"{report['cache']['dashboard_counts_seconds']} s, list rows kept up to "
             f"{report['cache']['kept_seconds']} s (until a row they show changes)", ""]
    header = (f"{'page':<20} {'login':<15} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'×floor':>7} {'queries':>7} {'warm q':>6} {'app ms':>7} {'sql ms':>7} "
              f"{'app ×fl':>7} {'cold ms':>7}")
    lines += [header, "-" * len(header)]
    for r in report["pages"]:
        mark = "" if r["within_2x"] or r["page"] == "floor" else "  > 2×"
        lines.append(f"{r['page']:<20} {r['login']:<15} {r['rps']:>7} {r['p50_ms']:>8.2f} "
                     f"{r['p95_ms']:>8.2f} {r['x_floor']:>7.2f} {r['queries']:>7} "
                     f"{r['queries_warm']:>6} {r['app_ms']:>7.1f} {r['sql_ms']:>7.1f} "
                     f"{r['app_x_floor']:>7.2f} {r['cold_ms']:>7.1f}{mark}")
    for p in report["pending"]:
        lines.append(f"{p['page']:<20} {'-':<15} (comes with {p['comes_with']})")
    lines += ["", "req/s, p50, p95: wrk against gunicorn (medians over the rounds); ×floor: the "
              "page's p50 over the p50 of the floor's run just before it, median over the rounds;",
              "queries (cache empty), warm q (cache filled), app ms (median of in-process "
              "requests, cache warm), sql ms (of which in the database driver), app ×fl "
              "(app ms over the floor's) and cold ms (in-process, the cache emptied before "
              "each request: the first visit after a change): Django's test client on the "
              "same database",
              "every key page within 2× the floor: "
              + ("yes" if report["all_within_2x"] else "NO")]
    lines += ["", "Heaviest queries (EXPLAIN ANALYZE, BUFFERS):"]
    for q in report["heaviest_queries"]:
        lines += ["", f"-- {q['ms']} ms, {', '.join(q['pages'])}", q["sql"], q["plan"]]
    lines += ["", "Plans that scan a big table or sort many rows:"]
    if not report["plan_findings"]:
        lines.append("  none")
    for f in report["plan_findings"]:
        lines += [f"  {', '.join(f['pages'])} ({f['ms']} ms): {'; '.join(f['findings'])}",
                  f"    {f['sql'][:300]}"]
    return "\n".join(lines)
