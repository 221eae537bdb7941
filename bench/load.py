"""The server and the load: gunicorn started for the run (and stopped after it), wrk from a
second process, bounded in time, against 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

LUA = Path(__file__).with_name("report.lua")


def say(text: str) -> None:
    """The benchmark's own output (a command-line tool: stdout, flushed)."""
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


class BenchError(SystemExit):
    """Stops the benchmark with a message that says what to do."""

    def __init__(self, message: str):
        super().__init__(f"bench: {message}")


def ensure_wrk() -> str:
    """wrk from Debian, installed when missing and we may (root with apt-get)."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        say("bench: installing wrk (apt-get install -y wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [apt, "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, check=False,  # noqa: S603 (fixed command)
                          stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run([apt, "update", "-qq"], env=env, check=False)  # noqa: S603
            subprocess.run(install, env=env, check=False,  # noqa: S603
                           stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchError("the load generator wrk is missing: install it (Debian: apt-get install "
                     "wrk) and run again")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own 127.0.0.1 server)
            return True
    except urllib.error.HTTPError:
        return True  # it answered (/healthz says 503 when the broker is down: not our concern)
    except OSError:
        return False


@contextmanager
def gunicorn(env: dict, *, workers: int, port: int, timeout: float = 60):
    """The portal under gunicorn (sync workers, as ``make run`` and the Docker image), for the
    duration of the ``with``; its process group is ended afterwards."""
    command = [sys.executable, "-m", "gunicorn", "dlep.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
               "--timeout", "60"]
    process = subprocess.Popen(command, env=env,  # noqa: S603 (our own command line)
                               cwd=Path(__file__).resolve().parent.parent,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(f"{base}/healthz"):
            if process.poll() is not None:
                raise BenchError(f"gunicorn exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise BenchError("gunicorn did not answer within a minute")
            time.sleep(0.3)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wrk(binary: str, url: str, header: str, *, seconds: float, connections: int) -> dict:
    """One wrk run (one thread); the figures of report.lua."""
    command = [binary, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout",
               "10s", "-s", str(LUA), "-H", header, url]
    done = subprocess.run(command, capture_output=True, text=True,  # noqa: S603 (our own)
                          check=False, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise BenchError(f"wrk gave no figures for {url}: {done.stdout}{done.stderr}")
