"""Recorded exchanges with a card (command → response, in order), and a transport that plays
them back, so that the parsing is tested against what a card answered without any reader.

The recordings in ``recordings/`` were made through pcscd and vpcd with the emulator
(``python -m tests.cardreader.recording``); the real card's protocol is the same.
"""

from __future__ import annotations

import json
from pathlib import Path

from cardreader.errors import CardRemovedError

RECORDINGS = Path(__file__).resolve().parent / "recordings"


def hexs(data: bytes) -> str:
    return data.hex(" ").upper()


class RecordingTransport:
    """Wraps a live transport and keeps every exchange."""

    def __init__(self, inner):
        self.inner = inner
        self.atr = inner.atr
        self.exchanges: list[dict] = []

    def transmit(self, command: bytes):
        data, sw1, sw2 = self.inner.transmit(command)
        self.exchanges.append({"command": hexs(command),
                               "response": hexs(bytes(data) + bytes([sw1, sw2]))})
        return data, sw1, sw2


class ReplayTransport:
    """Answers the recorded commands in order; a different command is a test failure, the end
    of the recording is the card pulled out."""

    def __init__(self, recording: dict):
        self.atr = bytes.fromhex(recording["atr"])
        self.exchanges = list(recording["exchanges"])
        self.position = 0

    def transmit(self, command: bytes):
        if self.position >= len(self.exchanges):
            raise CardRemovedError(detail="end of the recording")
        exchange = self.exchanges[self.position]
        self.position += 1
        assert hexs(command) == exchange["command"], (
            f"command #{self.position}: sent {hexs(command)}, recorded {exchange['command']}")
        response = bytes.fromhex(exchange["response"])
        return response[:-2], response[-2], response[-1]


def load(name: str) -> dict:
    return json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))


def _record_all() -> None:  # pragma: no cover - run by hand, with pcscd and vpcd
    import datetime

    from cardreader import card as card_module
    from cardreader.errors import CardReaderError
    from cardreader.reader import PcscTransport
    from tests.cardreader import emulator
    from tests.cardreader.pcsc import wait_for_card

    today = datetime.date.today()
    woman = emulator.CardProfile(
        citizen_id="3100500123458", name_th="น.ส.#สมหญิง##รักเรียน",
        name_en="Miss#Somying##Rakrian", birth_date="25101100", gender="2",
        issuer="อำเภอเมืองนครพนม/นครพนม", issue_date=emulator.thai_date(today),
        expiry_date=emulator.thai_date(today.replace(year=today.year + 6)),
        address="12/3#หมู่ที่ 7#ตรอกวัด#ซอยร่มเย็น#ถนนนิตโย#ตำบลหนองญาติ#อำเภอเมืองนครพนม"
                "#จังหวัดนครพนม",
        photo=emulator.make_jpeg())
    elder = emulator.CardProfile(
        citizen_id="1101700230708", name_th="นาย#บุญมี#ศรี#มั่งมี",
        name_en="Mr.#Boonmee#Sri#Mangmee", birth_date="24800000", gender="1",
        issuer="สำนักงานเขตบางรัก/กรุงเทพมหานคร", issue_date="25600301",
        expiry_date="99999999",
        address="45#####แขวงสีลม#เขตบางรัก#กรุงเทพมหานคร")
    cases = {
        "th_nid_full_with_photo": (woman, {"atr": emulator.ATR_TH_NID}, True),
        "old_generation_p2_01": (elder, {"atr": emulator.ATR_OLD_GENERATION,
                                         "get_response_p2": 0x01}, False),
        "direct_answers": (elder, {"direct": True}, False),
        "not_thai_id": (None, {"atr": emulator.ATR_OTHER_CARD}, False),
    }
    for name, (profile, options, photo) in cases.items():
        with emulator.VirtualCard(profile, **options):
            wait_for_card(True)
            with PcscTransport() as live:
                recorder = RecordingTransport(live)
                try:
                    card_module.ThaiIdApplet(recorder).read(photo=photo)
                except CardReaderError as exc:
                    print(name, exc.code)  # noqa: T201
        wait_for_card(False)
        (RECORDINGS / f"{name}.json").write_text(json.dumps({
            "description": name.replace("_", " "),
            "recorded": today.isoformat(),
            "atr": hexs(recorder.atr),
            "exchanges": recorder.exchanges,
        }, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    _record_all()
