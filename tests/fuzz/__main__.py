"""make fuzz: schemathesis over the API's OpenAPI schema (/api/schema/, drf-spectacular) against
the portal as `make run` serves it (gunicorn with uvicorn's workers), on PostgreSQL seeded with
the demo world, authenticated in turn as two roles: the demo teacher and the province's admin.
Every 5xx is a failure. Not part of `make test` (pytest collects test_*.py only); CI runs it
once after the PostgreSQL tests (.ci/run).

The database (FUZZ_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dlep_fuzz) is dropped
and made again from the migrations and seed_demo: the fuzzer writes into it. The API tokens are
made here, as a user's device would have them after the second factor (the province admin's
role requires one: a token is only issued with the code, accounts.api.obtain_token).

    python -m tests.fuzz [--seconds 75] [--keep-database] [--seed 18]

Prints the run's figures (duration, requests, 5xx) from the web server's access log, and exits
non-zero on any 5xx or when schemathesis fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/dlep_fuzz"
ROLES = ("teacher", "province_admin")
# Operations that end the fuzzer's own credentials: its token's logout and the revocation of a
# token (accounts.tokens; both tested in tests/accounts/test_api_tokens.py). Fuzzed, the first
# logout would leave every later request a 401 and the run hollow.
SELF_ENDING = r"^/api/v1/auth/(logout|tokens/.+)/$"
# The share of 401s above which the run says its token stopped working (a hollow run fails).
MAX_UNAUTHORISED = 0.2
# uvicorn's access line: 127.0.0.1:5000 - "GET /api/v1/people/ HTTP/1.1" 200
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>[0-9]{3})')

TOKENS = """
import json
from accounts import tokens as api_tokens
from accounts.models import User
tokens = {}
for name in %r:
    user = User.objects.get(username=name)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    # as if issued after the second factor (the province admin's role requires it)
    tokens[name] = api_tokens.issue(user=user, second_factor=True)[1]
print(json.dumps(tokens))
"""


def _run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our server
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def known_ids(base: str, token: str) -> dict[str, list[int]]:
    """{collection path: the ids on its first page} for every path with an ``{id}``, as the
    token's user sees them (tests/fuzz/hooks.py puts them into the generated paths)."""
    import requests

    def get(path):
        response = requests.get(base + path, timeout=30, headers={
            "Authorization": f"Token {token}", "Accept": "application/json"})
        response.raise_for_status()
        return response.json()

    schema = get("/api/schema/?format=json")
    ids = {}
    for path in schema["paths"]:
        collection = path.split("{", 1)[0]
        if "{id}" not in path or collection in ids or "get" not in schema["paths"].get(
                collection, {}):
            continue
        try:
            page = get(collection)
        except (OSError, ValueError):
            continue
        rows = page.get("results", []) if isinstance(page, dict) else page
        ids[collection] = [row["id"] for row in rows[:20] if isinstance(row, dict) and "id" in row]
    return {path: found for path, found in ids.items() if found}


def access_figures(log: Path) -> tuple[int, list[str], int]:
    """(requests, the lines answered 5xx, the number answered 401) of the run's access log."""
    requests, errors, unauthorised = 0, [], 0
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match:
            requests += 1
            if match["status"].startswith("5"):
                errors.append(line)
            unauthorised += match["status"] == "401"
    return requests, errors, unauthorised


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--seconds", type=int, default=75, help="schemathesis' time per role")
    parser.add_argument("--keep-database", action="store_true",
                        help="reuse the database as the last run left it (no new seed)")
    parser.add_argument("--workers", default="2", help="schemathesis' concurrent workers")
    parser.add_argument("--seed", default="18",
                        help="schemathesis' seed (CI's runs are reproducible; vary it to explore)")
    args = parser.parse_args(argv)

    database = os.environ.get("FUZZ_DATABASE_URL", DEFAULT_DATABASE)
    scratch = ROOT / "var" / "fuzz"
    scratch.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database, "DLEP_DEVDATA": "1",
           "DLEP_DATA_DIR": str(scratch), "PYTHONUNBUFFERED": "1"}
    for name in ("REDIS_URL", "CACHE_REDIS_URL"):  # the folder broker, the local cache
        env.pop(name, None)
    python = sys.executable
    started = time.monotonic()
    if not args.keep_database:
        recreate_database(database)
        _run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        _run([python, "manage.py", "seed_demo"], env, stdout=subprocess.DEVNULL)
    out = _run([python, "manage.py", "shell", "-c", TOKENS % (ROLES,)], env,
               capture_output=True, text=True).stdout
    tokens = json.loads(out.strip().splitlines()[-1])

    port = free_port()
    access_log = scratch / "access.log"
    access_log.write_text("")
    server_log = (scratch / "server.log").open("w")  # Django's tracebacks of the 5xx
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "dlep.asgi:application", "--worker-class",
         "uvicorn_worker.UvicornWorker", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "60", "--access-logfile", str(access_log),
         "--error-logfile", str(scratch / "error.log"),
         "--logger-class", "core.gunicorn_logging.MaskingLogger"],
        env=env, cwd=ROOT, start_new_session=True, stdout=server_log, stderr=subprocess.STDOUT)
    failed = False
    fuzz_started = time.monotonic()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        for role in ROLES:
            ids = scratch / f"ids-{role}.json"
            ids.write_text(json.dumps(known_ids(base, tokens[role])))
            print(f"\n== schemathesis as {role} ({args.seconds} s)", flush=True)
            hooks = {"SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("hooks.py")),
                     "FUZZ_IDS": str(ids)}
            result = subprocess.run([
                str(Path(python).with_name("schemathesis")), "run", f"{base}/api/schema/",
                "--url", f"{base}", "--header", f"Authorization: Token {tokens[role]}",
                "--exclude-path-regex", SELF_ENDING,
                "--checks", "not_a_server_error", "--max-time", str(args.seconds),
                "--workers", args.workers, "--request-timeout", "30",
                "--suppress-health-check", "all", "--seed", args.seed,
                "--report", "junit", "--report-junit-path", str(scratch / f"{role}.xml"),
            ], env={**env, **hooks}, cwd=scratch, check=False)  # its cache: var/fuzz
            failed = failed or result.returncode != 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        server_log.close()
    requests, errors, unauthorised = access_figures(access_log)
    print(f"\n== fuzz: {time.monotonic() - fuzz_started:.0f} s of fuzzing "
          f"({time.monotonic() - started:.0f} s in all), {requests} requests, "
          f"{len(errors)} answered 5xx, {unauthorised} answered 401")
    for line in errors[:50]:
        print("  ", line)
    hollow = requests == 0 or unauthorised > MAX_UNAUTHORISED * requests
    if hollow:
        print(f"== fuzz: more than {MAX_UNAUTHORISED:.0%} of the requests were refused as "
              "unauthenticated: the tokens stopped working and the run tested little")
    return 1 if (errors or failed or hollow) else 0


if __name__ == "__main__":
    sys.exit(main())
