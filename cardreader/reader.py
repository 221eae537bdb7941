"""The card in a PC/SC reader, through pyscard's ``smartcard.scard`` (pcscd on Linux, the Smart
Card service on Windows).

The low-level API is used on purpose: every PC/SC result code maps to one of our typed errors,
and the context and card handle are released here, not in a destructor at some later time.
"""

from __future__ import annotations

import datetime
import logging

from . import card as card_module
from .errors import (
    CardReaderError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    ReaderBusyError,
    ReaderServiceError,
)
from .parsing import CardData

log = logging.getLogger(__name__)

# PC/SC result codes (winscard.h), as unsigned 32-bit numbers.
SCARD_S_SUCCESS = 0x00000000
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_SERVICE_STOPPED = 0x8010001E
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_E_NO_SMARTCARD = 0x8010000C
SCARD_E_UNKNOWN_READER = 0x80100009
SCARD_E_READER_UNAVAILABLE = 0x80100017
SCARD_E_SHARING_VIOLATION = 0x8010000B
SCARD_E_TIMEOUT = 0x8010000A
SCARD_W_REMOVED_CARD = 0x80100069
SCARD_W_UNRESPONSIVE_CARD = 0x80100066
SCARD_W_UNPOWERED_CARD = 0x80100067
SCARD_W_RESET_CARD = 0x80100068

_NO_CARD = {SCARD_E_NO_SMARTCARD, SCARD_W_REMOVED_CARD, SCARD_W_UNRESPONSIVE_CARD,
            SCARD_W_UNPOWERED_CARD}
_SKIP_READER = {SCARD_E_UNKNOWN_READER, SCARD_E_READER_UNAVAILABLE}


def _scard():
    try:
        from smartcard import scard
    except ImportError:  # pyscard is in requirements-cardreader.txt, not requirements.txt
        raise ReaderServiceError(detail="pyscard is not installed") from None
    return scard


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


def _detail(scard, hresult: int, what: str) -> str:
    return f"{what}: 0x{_code(hresult):08X} {scard.SCardGetErrorMessage(hresult)}"


class _Context:
    """A PC/SC context, released on exit."""

    def __init__(self):
        self.scard = _scard()
        self.handle = None

    def __enter__(self):
        hresult, handle = self.scard.SCardEstablishContext(self.scard.SCARD_SCOPE_USER)
        if _code(hresult) != SCARD_S_SUCCESS:
            raise ReaderServiceError(detail=_detail(self.scard, hresult, "establish context"))
        self.handle = handle
        return self

    def __exit__(self, *exc):
        if self.handle is not None:
            self.scard.SCardReleaseContext(self.handle)
            self.handle = None

    def readers(self) -> list[str]:
        hresult, names = self.scard.SCardListReaders(self.handle, [])
        code = _code(hresult)
        if code == SCARD_E_NO_READERS_AVAILABLE:
            return []
        if code != SCARD_S_SUCCESS:
            raise ReaderServiceError(detail=_detail(self.scard, hresult, "list readers"))
        return list(names or [])

    def card_present(self, names: list[str]) -> dict[str, bool]:
        """Which readers hold a card, without connecting to it."""
        if not names:
            return {}
        states = [(name, self.scard.SCARD_STATE_UNAWARE) for name in names]
        hresult, new_states = self.scard.SCardGetStatusChange(self.handle, 0, states)
        if _code(hresult) not in (SCARD_S_SUCCESS, SCARD_E_TIMEOUT):
            raise ReaderServiceError(detail=_detail(self.scard, hresult, "status"))
        return {state[0]: bool(state[1] & self.scard.SCARD_STATE_PRESENT)
                for state in new_states}


class PcscTransport:
    """The card in the first reader that holds one (or in ``reader_name``), connected shared
    inside a PC/SC transaction for the whole read. Use as a context manager."""

    def __init__(self, reader_name: str | None = None):
        self.reader_name = reader_name
        self.context = _Context()
        self.scard = self.context.scard
        self.card = None
        self.pci = None
        self.atr = b""
        self.reader = ""

    def __enter__(self) -> PcscTransport:
        self.context.__enter__()
        try:
            self._connect()
        except BaseException:
            self.context.__exit__(None, None, None)
            raise
        return self

    def _connect(self) -> None:
        s = self.scard
        names = self.context.readers()
        if self.reader_name is not None:
            if self.reader_name not in names:
                raise NoReaderError(detail="the chosen reader is not connected")
            names = [self.reader_name]
        if not names:
            raise NoReaderError()
        for name in names:
            hresult, card, protocol = s.SCardConnect(
                self.context.handle, name, s.SCARD_SHARE_SHARED,
                s.SCARD_PROTOCOL_T0 | s.SCARD_PROTOCOL_T1)
            code = _code(hresult)
            if code in _NO_CARD or code in _SKIP_READER:
                continue
            if code == SCARD_E_SHARING_VIOLATION:
                raise ReaderBusyError(detail=_detail(s, hresult, "connect"))
            if code != SCARD_S_SUCCESS:
                raise CardReaderError(detail=_detail(s, hresult, "connect"))
            self.card = card
            self.reader = name
            self.pci = s.SCARD_PCI_T1 if protocol == s.SCARD_PROTOCOL_T1 else s.SCARD_PCI_T0
            break
        else:
            raise NoCardError()
        hresult = s.SCardBeginTransaction(self.card)
        if _code(hresult) != SCARD_S_SUCCESS:
            self._disconnect()
            raise CardRemovedError(detail=_detail(s, hresult, "begin transaction"))
        hresult, _reader, _state, _protocol, atr = s.SCardStatus(self.card)
        if _code(hresult) != SCARD_S_SUCCESS:
            self._disconnect()
            raise CardRemovedError(detail=_detail(s, hresult, "status"))
        self.atr = bytes(atr)

    def transmit(self, command: bytes) -> tuple[bytes, int, int]:
        hresult, response = self.scard.SCardTransmit(self.card, self.pci, list(command))
        if _code(hresult) != SCARD_S_SUCCESS or len(response) < 2:
            # After a good connect, a failed exchange is a card pulled out (or a reader
            # unplugged); pcscd's exact code differs with the moment (see CARDREADER.md).
            raise CardRemovedError(detail=_detail(self.scard, hresult, "transmit"))
        return bytes(response[:-2]), response[-2], response[-1]

    def _disconnect(self) -> None:
        if self.card is not None:
            self.scard.SCardEndTransaction(self.card, self.scard.SCARD_LEAVE_CARD)
            self.scard.SCardDisconnect(self.card, self.scard.SCARD_LEAVE_CARD)
            self.card = None

    def __exit__(self, *exc):
        try:
            self._disconnect()
        finally:
            self.context.__exit__(None, None, None)


def read_card(*, reader: str | None = None, photo: bool = False, check_expiry: bool = True,
              today: datetime.date | None = None) -> CardData:
    """Read the Thai ID card in ``reader`` (default: the first reader holding a card)."""
    try:
        with PcscTransport(reader) as transport:
            return card_module.read_from(transport, photo=photo, check_expiry=check_expiry,
                                         today=today)
    except CardReaderError as exc:
        # The code and PC/SC detail only: never what the card holds.
        log.info("card read failed: %s (%s)", exc.code, exc.detail)
        raise


def status() -> dict:
    """The readers and whether each holds a card (no card data)."""
    with _Context() as context:
        names = context.readers()
        present = context.card_present(names)
    return {"readers": [{"name": n, "card_present": present.get(n, False)} for n in names]}
