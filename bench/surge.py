"""``make bench-surge``: deadline day on this machine.

In one run it starts the portal twice and puts each under the same surge:

* ``default``: as ``make run`` starts it (SQLite, files on disk, the folder broker, gunicorn with
  2 uvicorn workers, a Celery worker with beat): uploads go through the portal with tus;
* ``production``: with the production settings: PostgreSQL, Redis (broker and cache), the
  object store of CI (SeaweedFS), the web server command of the Dockerfile (read from it), a
  Celery worker: uploads go straight to the object store by multipart on signed links and
  downloads are redirects to signed links.

In each: a quiet probe of the key pages (login, the teacher's dashboard, the office's queue),
then 50 concurrent uploads of 16 MB at 0.5 MB/s and 10 concurrent downloads of a 16 MB evidence
file at 0.5 MB/s with the probe running; beside them one upload and one download at 0.2 MB/s
(longer than any request timeout), measured on their own. Uploads are checked byte for byte by
reading back what the portal stored. It prints a table and, as its last line, one JSON object
``{"modes": {"default": {...}, "production": {...}}}``; both go to var/bench-surge/latest.*.

    python -m bench.surge --help
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

from bench.load import BenchError, free_port, say
from bench.surge_client import (
    Counter,
    Payloads,
    percentile,
    probe,
    request,
    sample_rss,
)

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
PAGES = ("login", "dashboard", "office_queue")


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m bench.surge", description=__doc__.split("\n\n")[0])
    p.add_argument("--modes", default="default,production")
    p.add_argument("--uploads", type=int, default=50)
    p.add_argument("--upload-mb", type=float, default=16)
    p.add_argument("--downloads", type=int, default=10)
    p.add_argument("--download-mb", type=float, default=16)
    p.add_argument("--rate", type=float, default=0.5, help="MB/s of each transfer (0.5)")
    p.add_argument("--slow-rate", type=float, default=0.2, help="MB/s of the slow pair (0.2)")
    p.add_argument("--slow-mb", type=float, default=14)
    p.add_argument("--quiet-seconds", type=float, default=15)
    p.add_argument("--warmup-seconds", type=float, default=15,
                   help="probes not counted, while the workers finish starting (15)")
    p.add_argument("--database-url", default=os.environ.get(
        "SURGE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dlep_surge"),
        help="production mode's PostgreSQL database (dropped and made again)")
    p.add_argument("--redis-url", default=os.environ.get("SURGE_REDIS_URL",
                                                         "redis://127.0.0.1:6379/5"),
                   help="production mode's broker (flushed); a private redis-server is started "
                        "when nothing answers there")
    p.add_argument("--cache-redis-url", default=os.environ.get("SURGE_CACHE_REDIS_URL",
                                                               "redis://127.0.0.1:6379/6"))
    p.add_argument("--out", default=str(ROOT / "var" / "bench-surge"))
    return p.parse_args(argv)


# --- the servers ----------------------------------------------------------------------------------

def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD (the production web server command)."""
    text = (ROOT / "Dockerfile").read_text()
    start = text.index("CMD [")
    end = text.index("]", start)
    return json.loads(text[start + 4:end + 1].replace("\\\n", " "))


def web_command(mode: str, port: int) -> list[str]:
    if mode == "default":  # the Makefile's `run`
        command = ["gunicorn", "dlep.asgi:application", "--worker-class",
                   "uvicorn_worker.UvicornWorker", "--bind", f"127.0.0.1:{port}",
                   "--workers", "2", "--timeout", "60"]
    else:
        command = dockerfile_command()
        command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
        command += ["--workers", "3"]  # the image's WEB_CONCURRENCY
    return [sys.executable, "-m", *command]


def _run(env: dict, *args, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, input=stdin,  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise BenchError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def process(command: list[str], env: dict, log: Path):
    with open(log, "wb") as out:
        running = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,  # noqa: S603
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield running
    finally:
        with suppress(ProcessLookupError):
            os.killpg(running.pid, 15)
        try:
            running.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(running.pid, 9)
            running.wait()


def wait_for(url: str, running: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if running.poll() is not None:
            raise BenchError(f"the server exited: {log.read_text()[-3000:]}")
        with suppress(OSError), urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310
            if r.status == 200:
                return
        time.sleep(0.5)
    raise BenchError(f"{url} did not answer within {seconds:.0f} s")


def reset_postgres(url: str) -> None:
    import environ
    import psycopg2

    from bench.run import ensure_database

    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(dbname="postgres", user=config.get("USER") or None,
                             password=config.get("PASSWORD") or None,
                             host=config.get("HOST") or "127.0.0.1",
                             port=int(config.get("PORT") or 5432))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
    admin.close()
    ensure_database(url)


@contextmanager
def redis_at(url: str, cache_url: str, folder: Path):
    """The broker and cache URLs to use: the given ones, flushed, when Redis answers there;
    else a private redis-server on a free port for the run."""
    import redis

    try:
        for u in (url, cache_url):
            client = redis.Redis.from_url(u, socket_connect_timeout=1)
            client.flushdb()
        yield url, cache_url
        return
    except redis.exceptions.ConnectionError:
        binary = shutil.which("redis-server")
        if binary is None:
            raise BenchError(f"Redis does not answer at {url} and redis-server is missing") \
                from None
    port = free_port()
    with process([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no"], dict(os.environ), folder / "redis.log"):
        time.sleep(1)
        yield f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"


# --- the surge ------------------------------------------------------------------------------------

def _headers(session: dict, **extra) -> dict:
    return {"Cookie": session["cookie"], "X-CSRFToken": session["csrf"], **extra}


async def upload_tus(base, plan, session, data, rate, counter, chunk) -> bool:
    meta = {"application": session["application"], "slot": "teaching_video", "position": 1,
            "filename": "classroom.mp4"}
    encoded = ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}"
                       for k, v in meta.items())
    created = await request(base + plan["tus_url"], method="POST", counter=counter,
                            headers=_headers(session, **{"Tus-Resumable": "1.0.0",
                                                         "Upload-Length": str(len(data)),
                                                         "Upload-Metadata": encoded}))
    if created.status != 201:
        return False
    location = created.headers["location"]
    for offset in range(0, len(data), chunk):
        r = await request(location, method="PATCH", body=data[offset:offset + chunk],
                          up_rate=rate, counter=counter, headers=_headers(session, **{
                              "Tus-Resumable": "1.0.0", "Upload-Offset": str(offset),
                              "Content-Type": "application/offset+octet-stream"}))
        if r.status != 204:
            return False
    return True


async def upload_direct(base, plan, session, data, rate, counter) -> bool:
    created = await request(base + plan["direct_url"], method="POST", counter=counter,
                            body=json.dumps({"application": session["application"],
                                             "slot": "teaching_video", "position": 1,
                                             "filename": "classroom.mp4",
                                             "size": len(data)}).encode(),
                            headers=_headers(session, **{"Content-Type": "application/json"}))
    if created.status != 201:
        return False
    upload = json.loads(created.body)
    numbers = list(range(1, upload["part_count"] + 1))
    signed = await request(base + upload["sign_url"], method="POST", counter=counter,
                           body=json.dumps({"parts": numbers}).encode(),
                           headers=_headers(session, **{"Content-Type": "application/json"}))
    if signed.status != 200:
        return False
    urls = json.loads(signed.body)["urls"]
    size = upload["part_size"]
    for n in numbers:  # straight to the object store: not counted as the web's
        put = await request(urls[str(n)], method="PUT", body=data[(n - 1) * size:n * size],
                            up_rate=rate, counter=counter)
        if put.status != 200:
            return False
    done = await request(base + upload["complete_url"], method="POST", counter=counter,
                         headers=_headers(session))
    return done.status == 201


async def download(base, plan, rate, counter) -> dict:
    item = plan["download"]
    started = time.monotonic()
    r = await request(base + item["path"], headers={"Cookie": item["cookie"]},
                      down_rate=rate, counter=counter, rcvbuf=32 * 1024, keep_body=0)
    if r.status == 302:  # a signed link of the object store
        r = await request(r.headers["location"], down_rate=rate, counter=counter,
                          rcvbuf=32 * 1024, keep_body=0)
    return {"ok": r.status == 200 and r.digest == item["sha256"] and r.length == item["size"],
            "seconds": time.monotonic() - started, "status": r.status}


async def surge(base: str, pid: int, plan: dict, args) -> dict:
    counter = Counter(web_port=int(base.rsplit(":", 1)[1]))
    pages = {name: plan["probe"][name] for name in PAGES}
    # every web worker and the Celery worker finish starting: probes not counted
    # (each worker also signs a download link once: its first S3 client loads botocore's
    # models, ~20 MB, which is not the surge's doing)
    warm_until = time.monotonic() + args.warmup_seconds
    item = plan["download"]
    while time.monotonic() < warm_until:
        await asyncio.gather(*(request(base + p["path"], headers={"Cookie": p.get("cookie", "")})
                               for p in pages.values() for _ in range(3)),
                             *(request(base + item["path"], headers={"Cookie": item["cookie"]},
                                       keep_body=0) for _ in range(3)))
        await asyncio.sleep(0.2)
    quiet: dict = {}
    stop = asyncio.Event()
    rss_quiet: list = []
    sampler = asyncio.create_task(sample_rss(pid, rss_quiet, stop))
    prober = asyncio.create_task(probe(base, pages, quiet, stop))
    await asyncio.sleep(args.quiet_seconds)
    stop.set()
    await asyncio.gather(prober, sampler)
    baseline = statistics.median(rss_quiet[len(rss_quiet) // 2:])

    size = int(args.upload_mb * MB)
    rate, slow_rate = args.rate * MB, args.slow_rate * MB
    sessions = plan["uploads"]
    expected = {}

    sent: dict = {}
    payloads = Payloads(max(size, int(args.slow_mb * MB)))
    files = {s["application"]: payloads.make(size) for s in sessions[:args.uploads]}
    files[sessions[args.uploads]["application"]] = payloads.make(int(args.slow_mb * MB))

    async def one_upload(session, nbytes, per_second):
        data = files[session["application"]]
        expected[str(session["application"])] = hashlib.sha256(data).hexdigest()
        started = time.monotonic()
        try:
            if plan["mode"] == "tus":
                ok = await upload_tus(base, plan, session, data, per_second, counter,
                                      plan["chunk"])
            else:
                ok = await upload_direct(base, plan, session, data, per_second, counter)
        except (TimeoutError, OSError, ConnectionError, KeyError, ValueError):
            ok = False
        sent[session["application"]] = ok
        return {"ok": ok, "seconds": time.monotonic() - started}

    async def one_download(per_second):
        try:
            return await download(base, plan, per_second, counter)
        except (TimeoutError, OSError, ConnectionError):
            return {"ok": False, "seconds": 0}

    during: dict = {}
    rss: list = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, rss, stop))
    prober = asyncio.create_task(probe(base, pages, during, stop))
    slow = [asyncio.create_task(one_upload(sessions[args.uploads], int(args.slow_mb * MB),
                                           slow_rate)),
            asyncio.create_task(one_download(slow_rate))]
    started = time.monotonic()
    main = await asyncio.gather(*(one_upload(s, size, rate) for s in sessions[:args.uploads]),
                                *(one_download(rate) for _ in range(args.downloads)))
    surge_seconds = time.monotonic() - started
    stop.set()
    await prober
    slow_upload, slow_download = await asyncio.gather(*slow)
    await sampler
    uploads, downloads = main[:args.uploads], main[args.uploads:]
    all_quiet = [v for name in PAGES for v in quiet.get(name, [])]
    all_surge = [v for name in PAGES for v in during.get(name, [])]
    return {
        "quiet_p95_ms": round(percentile(all_quiet, 95), 1),
        "surge_p95_ms": round(percentile(all_surge, 95), 1),
        "uploads": len(uploads),
        "downloads": len(downloads),
        "downloads_ok": sum(d["ok"] for d in downloads),
        "web_rss_growth_mb": round(max(0, max(rss) - baseline) / MB, 1),
        "bytes_through_web": counter.bytes,
        "pages": {name: {"quiet_p95_ms": round(percentile(quiet.get(name, []), 95), 1),
                         "surge_p95_ms": round(percentile(during.get(name, []), 95), 1),
                         "surge_max_ms": round(max(during.get(name, [0])), 1),
                         "probes": len(during.get(name, []))} for name in PAGES},
        "surge_seconds": round(surge_seconds, 1),
        "web_rss_base_mb": round(baseline / MB, 1),
        "slow_upload_seconds": round(
            slow_upload["seconds"], 1),
        "slow_download_ok": slow_download["ok"],
        "slow_download_seconds": round(slow_download["seconds"], 1),
        "upload_seconds_max": round(max(u["seconds"] for u in uploads), 1),
        "_expected": expected,
        "_sent": sent,
    }


# --- one mode -------------------------------------------------------------------------------------

def run_mode(mode: str, args, out: Path) -> dict:
    from contextlib import ExitStack

    from bench import objectstore

    folder = out / mode
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dlep.settings",
           "DLEP_DATA_DIR": str(folder / "var"), "DLEP_DEVDATA": "1",
           "TWO_FACTOR_REQUIRED_ROLES": "", "CLAMAV_URL": "", "DEBUG": "false",
           "LOG_LEVEL": "WARNING",
           # as the Makefile's run and the Dockerfile's ENV set it for the web server
           "MALLOC_ARENA_MAX": "2"}
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_REDIS_URL", "AWS_STORAGE_BUCKET_NAME",
                 "MEDIA_ROOT", "EVIDENCE_UPLOAD_DIR", "CONN_MAX_AGE"):
        env.pop(name, None)
    with ExitStack() as stack:
        if mode == "production":
            reset_postgres(args.database_url)
            redis_url, cache_url = stack.enter_context(
                redis_at(args.redis_url, args.cache_redis_url, folder))
            store = stack.enter_context(objectstore.seaweedfs(folder / "seaweedfs"))
            env.update(DATABASE_URL=args.database_url, REDIS_URL=redis_url,
                       CACHE_REDIS_URL=cache_url, CONN_MAX_AGE="0", **store.env)
        say(f"surge [{mode}]: migrate, seed the demo world, {args.uploads + 1} teachers with a "
            "request")
        _run(env, "manage.py", "migrate", "--noinput", "-v0")
        _run(env, "manage.py", "seed_demo", "--if-empty")
        plan = json.loads(_run(env, "-m", "bench.surge_seed", "prepare", str(args.uploads + 1),
                               str(int(args.download_mb * MB))).strip().splitlines()[-1])
        plan["chunk"] = 16 * MB  # EVIDENCE_UPLOAD_CHUNK_BYTES, as the page sends it
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = web_command(mode, port)
        worker = [sys.executable, "-m", "celery", "-A", "dlep", "worker", "--concurrency=2",
                  "-l", "WARNING"]
        if mode == "default":  # as make run: beat inside the worker
            worker[6:6] = ["--beat", f"--schedule={folder / 'celerybeat-schedule'}"]
        stack.enter_context(process(worker, env, folder / "worker.log"))
        web = stack.enter_context(process(command, env, folder / "web.log"))
        wait_for(base + plan["probe"]["login"]["path"], web, folder / "web.log")
        say(f"surge [{mode}]: {' '.join(command[2:])}")
        say(f"surge [{mode}]: quiet probe {args.quiet_seconds:.0f} s, then {args.uploads} "
            f"uploads of {args.upload_mb:g} MB and {args.downloads} downloads at "
            f"{args.rate:g} MB/s each, one of each at {args.slow_rate:g} MB/s")
        result = asyncio.run(surge(base, web.pid, plan, args))
        sent = result.pop("_sent")
        checked = json.loads(_run(env, "-m", "bench.surge_seed", "verify",
                                  stdin=json.dumps(result.pop("_expected"))
                                  ).strip().splitlines()[-1])
    exact = set(checked["ok_ids"])
    slow_id = plan["uploads"][args.uploads]["application"]
    result["uploads_ok"] = sum(1 for app, ok in sent.items() if ok and app in exact
                               and app != slow_id)
    result["slow_upload_ok"] = sent.get(slow_id, False) and slow_id in exact
    result["web_command"] = " ".join(command[2:])
    return result


def render(modes: dict) -> str:
    lines = ["", "mode        quiet p95  surge p95  limit    uploads ok  downloads ok  web RSS +MB"
             "  bytes through web  0.2 MB/s up/down",
             "-" * 118]
    for mode, r in modes.items():
        limit = max(3 * r["quiet_p95_ms"], r["quiet_p95_ms"] + 150)
        lines.append(
            f"{mode:<11} {r['quiet_p95_ms']:>7.1f}ms {r['surge_p95_ms']:>8.1f}ms "
            f"{limit:>6.0f}ms {r['uploads_ok']:>4}/{r['uploads']:<6} "
            f"{r['downloads_ok']:>6}/{r['downloads']:<6} {r['web_rss_growth_mb']:>11.1f}"
            f"  {r['bytes_through_web']:>17,}  "
            f"{'ok' if r['slow_upload_ok'] else 'CUT'} {r['slow_upload_seconds']:.0f} s / "
            f"{'ok' if r['slow_download_ok'] else 'CUT'} {r['slow_download_seconds']:.0f} s")
        for page, p in r["pages"].items():
            lines.append(f"    {page:<13} quiet p95 {p['quiet_p95_ms']:>7.1f} ms, surge p95 "
                         f"{p['surge_p95_ms']:>7.1f} ms, max {p['surge_max_ms']:>7.1f} ms "
                         f"({p['probes']} probes)")
        lines.append(f"    web server: {r['web_command']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    modes = {}
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        if mode not in ("default", "production"):
            raise BenchError(f"unknown mode {mode!r}")
        modes[mode] = run_mode(mode, args, out)
    table = render(modes)
    summary = json.dumps({"modes": {m: {k: v for k, v in r.items() if k != "pages"}
                                    | {"pages": r["pages"]} for m, r in modes.items()}})
    (out / "latest.txt").write_text(table + "\n")
    (out / "latest.json").write_text(summary + "\n")
    say(table)
    say(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
