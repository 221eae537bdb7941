"""PC/SC result codes → our typed errors, with a stand-in for pyscard's ``smartcard.scard`` (the
cases vpcd cannot make: no reader at all, a reader another program holds, pyscard missing). The
same code against real pcscd is in tests/integration/test_cardreader_pcsc.py."""

import builtins
import types

import pytest

from cardreader import reader
from cardreader.errors import (
    CardRemovedError,
    NoCardError,
    NoReaderError,
    ReaderBusyError,
    ReaderServiceError,
)
from tests.cardreader.emulator import ATR_TH_NID, CardProfile, ThaiIdCardLogic


class FakeScard(types.SimpleNamespace):
    SCARD_SCOPE_USER = 2
    SCARD_SHARE_SHARED = 2
    SCARD_PROTOCOL_T0 = 1
    SCARD_PROTOCOL_T1 = 2
    SCARD_PCI_T0 = 1
    SCARD_PCI_T1 = 2
    SCARD_LEAVE_CARD = 0
    SCARD_STATE_UNAWARE = 0
    SCARD_STATE_PRESENT = 0x20

    def __init__(self, *, context=0, readers=(), cards=None, connect=None, transmit=None):
        super().__init__()
        self.context_result = context
        self.reader_names = list(readers)
        self.cards = cards or {}  # reader → ThaiIdCardLogic
        self.connect_result = connect or {}
        self.transmit_result = transmit
        self.released = []
        self.disconnected = []

    def SCardEstablishContext(self, scope):  # noqa: N802 - pyscard's names
        return self.context_result, "ctx"

    def SCardReleaseContext(self, context):  # noqa: N802
        self.released.append(context)
        return 0

    def SCardListReaders(self, context, groups):  # noqa: N802
        if not self.reader_names:
            return reader.SCARD_E_NO_READERS_AVAILABLE, []
        return 0, list(self.reader_names)

    def SCardGetStatusChange(self, context, timeout, states):  # noqa: N802
        return 0, [(name, 0x20 if name in self.cards else 0x10, []) for name, _ in states]

    def SCardConnect(self, context, name, mode, protocols):  # noqa: N802
        if name in self.connect_result:
            return self.connect_result[name], None, 0
        if name not in self.cards:
            return reader.SCARD_E_NO_SMARTCARD, None, 0
        return 0, name, self.SCARD_PROTOCOL_T0

    def SCardBeginTransaction(self, card):  # noqa: N802
        return 0

    def SCardEndTransaction(self, card, disposition):  # noqa: N802
        return 0

    def SCardStatus(self, card):  # noqa: N802
        return 0, card, 0x34, self.SCARD_PROTOCOL_T0, list(ATR_TH_NID)

    def SCardTransmit(self, card, pci, command):  # noqa: N802
        if self.transmit_result is not None:
            return self.transmit_result, []
        return 0, list(self.cards[card].execute(bytes(command)))

    def SCardDisconnect(self, card, disposition):  # noqa: N802
        self.disconnected.append(card)
        return 0

    def SCardGetErrorMessage(self, hresult):  # noqa: N802
        return "fake"


@pytest.fixture
def use(monkeypatch):
    def _use(fake):
        monkeypatch.setattr(reader, "_scard", lambda: fake)
        return fake

    return _use


def test_the_first_reader_holding_a_card_is_read_and_everything_released(use):
    fake = use(FakeScard(readers=["Empty", "ACS"], cards={"ACS": ThaiIdCardLogic(CardProfile())}))
    card = reader.read_card()
    assert card.national_id == "1103700012346"
    assert fake.disconnected == ["ACS"]
    assert fake.released == ["ctx"]
    assert reader.status() == {"readers": [{"name": "Empty", "card_present": False},
                                           {"name": "ACS", "card_present": True}]}


def test_pcscd_down_is_a_service_error(use):
    use(FakeScard(context=reader.SCARD_E_NO_SERVICE))
    with pytest.raises(ReaderServiceError) as caught:
        reader.read_card()
    assert "0x8010001D" in caught.value.detail
    with pytest.raises(ReaderServiceError):
        reader.status()


def test_no_reader_plugged_in(use):
    use(FakeScard(readers=[]))
    with pytest.raises(NoReaderError) as caught:
        reader.read_card()
    assert "ไม่พบเครื่องอ่านบัตร" in caught.value.message
    assert reader.status() == {"readers": []}


def test_a_chosen_reader_that_is_not_there(use):
    use(FakeScard(readers=["ACS"], cards={"ACS": ThaiIdCardLogic(CardProfile())}))
    with pytest.raises(NoReaderError):
        reader.read_card(reader="Gemalto")


def test_readers_without_a_card(use):
    fake = use(FakeScard(readers=["A", "B"]))
    with pytest.raises(NoCardError):
        reader.read_card()
    assert fake.released == ["ctx"]


def test_a_reader_held_by_another_program(use):
    use(FakeScard(readers=["A"], connect={"A": reader.SCARD_E_SHARING_VIOLATION}))
    with pytest.raises(ReaderBusyError):
        reader.read_card()


def test_a_failed_exchange_after_connecting_is_the_card_pulled_out(use):
    fake = use(FakeScard(readers=["A"], cards={"A": ThaiIdCardLogic(CardProfile())},
                         transmit=reader.SCARD_W_REMOVED_CARD))
    with pytest.raises(CardRemovedError) as caught:
        reader.read_card()
    assert "0x80100069" in caught.value.detail
    assert fake.disconnected == ["A"]
    assert fake.released == ["ctx"]


def test_without_pyscard_the_service_error_says_so(monkeypatch):
    real_import = builtins.__import__

    def no_smartcard(name, *args, **kwargs):
        if name == "smartcard" or name.startswith("smartcard."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_smartcard)
    with pytest.raises(ReaderServiceError) as caught:
        reader._scard()
    assert "pyscard" in caught.value.detail
