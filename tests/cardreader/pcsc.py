"""The real PC/SC stack for the tests: pcscd with vsmartcard's virtual reader driver (vpcd), and
pyscard. Started here when it is not running (its pid kept, stopped at the end); missing pieces
skip the tests with the reason, except under CI (``CI=true``), where they fail.

Import the fixtures with ``from tests.cardreader.pcsc import pcsc_stack, virtual_reader`` —
or call ``pcsc_fixture()`` from a module's own fixture.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_CONF = Path("/etc/reader.conf.d/vpcd")
VPCD_READER = "Virtual PCD 00 00"  # TCP 35963
INSTALL_HINT = ("apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd && "
                ".venv/bin/pip install -r requirements-cardreader.txt")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str):
    if in_ci():
        pytest.fail(f"CI=true and the PC/SC stack is not usable: {reason} ({INSTALL_HINT})")
    pytest.skip(f"{reason} ({INSTALL_HINT})")


def missing_piece() -> str | None:
    if importlib.util.find_spec("smartcard") is None:
        return "pyscard is not installed"
    if shutil.which("pcscd") is None and not Path("/usr/sbin/pcscd").exists():
        return "pcscd is not installed"
    if not VPCD_DRIVER.exists() or not VPCD_CONF.exists():
        return "vsmartcard-vpcd (the virtual reader driver) is not installed"
    return None


def _readers() -> list[str] | None:
    """The readers pcscd offers, or None when pcscd does not answer."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            return None
        return list(readers)
    finally:
        scard.SCardReleaseContext(context)


class Pcscd:
    """pcscd for this test session: reused when already running, else started in the foreground
    and stopped at the end. Reference-counted, so several modules' fixtures can share it."""

    process: subprocess.Popen | None = None
    users = 0
    log_path: Path | None = None

    @classmethod
    def acquire(cls) -> None:
        cls.users += 1
        if cls.users > 1:
            return
        readers = _readers()
        if readers is None:
            binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
            log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for pcscd's output
                prefix="pcscd-test-", suffix=".log", delete=False)
            cls.log_path = Path(log.name)
            cls.process = subprocess.Popen([binary, "--foreground"], stdout=log,
                                           stderr=subprocess.STDOUT)
            log.close()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                readers = _readers()
                if readers and VPCD_READER in readers:
                    break
                if cls.process.poll() is not None:
                    break
                time.sleep(0.1)
        if not readers or VPCD_READER not in readers:
            cls.release()
            skip_or_fail(
                f"pcscd offers no reader {VPCD_READER!r} (readers: {readers}); pcscd reads "
                "/etc/reader.conf.d/vpcd only when it starts: restart it after installing vpcd")

    @classmethod
    def release(cls) -> None:
        cls.users = max(0, cls.users - 1)
        if cls.users or cls.process is None:
            return
        cls.process.terminate()
        try:
            cls.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.process.kill()
            cls.process.wait()
        cls.process = None
        if cls.log_path is not None:
            cls.log_path.unlink(missing_ok=True)
            cls.log_path = None


def pcsc_fixture():
    """Generator for a session fixture: the stack is up while it is suspended."""
    reason = missing_piece()
    if reason:
        skip_or_fail(reason)
    Pcscd.acquire()
    try:
        yield VPCD_READER
    finally:
        Pcscd.release()


def wait_for_card(present: bool, reader: str = VPCD_READER, timeout: float = 5.0) -> None:
    """Wait until pcscd sees the card in (or out of) ``reader``: it polls about every 400 ms."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    try:
        deadline = time.monotonic() + timeout
        state = scard.SCARD_STATE_UNAWARE
        while True:
            left = max(0, int((deadline - time.monotonic()) * 1000))
            hresult, states = scard.SCardGetStatusChange(
                context, min(left, 500), [(reader, state)])
            if hresult == scard.SCARD_S_SUCCESS:
                state = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if bool(state & scard.SCARD_STATE_PRESENT) == present:
                    return
            if time.monotonic() >= deadline:
                raise AssertionError(f"pcscd still sees {'no ' if present else 'a '}card "
                                     f"in {reader!r} after {timeout} s")
    finally:
        scard.SCardReleaseContext(context)
