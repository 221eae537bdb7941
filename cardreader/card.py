"""Talking to the Thai ID applet over any transport (PC/SC in ``reader.py``, recorded responses
in the tests): SELECT, the field reads, and GET RESPONSE in the variants card generations need.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from . import apdu
from .errors import CardDataError, CardExpiredError, NotThaiIdCardError
from .parsing import CardData, parse_card

# Chained ``61 xx`` answers of one command; more would be a card that never finishes.
MAX_CHAINED_RESPONSES = 8


class Transport(Protocol):
    """One connected card. ``transmit`` returns (data, SW1, SW2) and raises a ``CardReaderError``
    (``CardRemovedError`` when the card goes away)."""

    atr: bytes

    def transmit(self, command: bytes) -> tuple[bytes, int, int]: ...


class StatusWordError(CardDataError):
    def __init__(self, sw1: int, sw2: int, command: bytes):
        super().__init__(detail=f"SW {sw1:02X} {sw2:02X} after {command[:4].hex(' ').upper()}")
        self.sw = (sw1, sw2)


class ThaiIdApplet:
    def __init__(self, transport: Transport):
        self.transport = transport
        atr = bytes(transport.atr or b"")
        # Preferred P2 of GET RESPONSE for this generation; the other one is tried if refused.
        self.get_response_p2 = 0x01 if atr.startswith(apdu.GET_RESPONSE_P2_01_ATR) else 0x00

    def _get_response(self, length: int) -> tuple[bytes, int, int]:
        command = apdu.get_response(length, self.get_response_p2)
        data, sw1, sw2 = self.transport.transmit(command)
        if (sw1, sw2) in apdu.SW_WRONG_P1P2:
            self.get_response_p2 ^= 0x01
            data, sw1, sw2 = self.transport.transmit(
                apdu.get_response(length, self.get_response_p2))
        return data, sw1, sw2

    def command(self, command: bytes) -> bytes:
        """Send one command and collect its whole answer: ``61 xx`` → GET RESPONSE (repeated
        while the card says more is waiting), ``6C xx`` → the same command with the length the
        card asks for, data with ``90 00`` straight away (newer cards, T=1 readers)."""
        data, sw1, sw2 = self.transport.transmit(command)
        if sw1 == 0x6C:
            command = command[:-1] + bytes([sw2])
            data, sw1, sw2 = self.transport.transmit(command)
        collected = bytearray(data)
        for _ in range(MAX_CHAINED_RESPONSES):
            if sw1 != 0x61:
                break
            data, sw1, sw2 = self._get_response(sw2 or 256)
            collected += data
        if (sw1, sw2) != apdu.SW_OK:
            raise StatusWordError(sw1, sw2, command)
        return bytes(collected)

    def select(self) -> None:
        try:
            self.command(apdu.SELECT)
        except StatusWordError as exc:
            if exc.sw in apdu.SW_NOT_THIS_CARD:
                raise NotThaiIdCardError(detail=exc.detail) from None
            raise

    def read_field(self, field: apdu.Field) -> bytes:
        return self.command(field.command())[: field.length]

    def read(self, *, photo: bool = False) -> CardData:
        self.select()
        fields = {f.name: self.read_field(f) for f in apdu.TEXT_FIELDS}
        photo_bytes = None
        if photo:
            photo_bytes = b"".join(self.read_field(f) for f in apdu.PHOTO_FIELDS)
        return parse_card(fields, photo=photo_bytes, atr=bytes(self.transport.atr or b""))


def read_from(transport: Transport, *, photo: bool = False, check_expiry: bool = True,
              today: datetime.date | None = None) -> CardData:
    """Read the card behind ``transport``; an expired card is an error unless ``check_expiry``
    is off (the server refuses it again anyway)."""
    card = ThaiIdApplet(transport).read(photo=photo)
    today = today or datetime.date.today()
    if check_expiry and card.is_expired(today):
        raise CardExpiredError(expiry=card.expiry_date.latest())
    return card
