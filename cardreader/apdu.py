"""The Thai national ID card's applet, as far as reading it goes (no keys, no PIN).

The card holds one file under the Ministry of Interior's applet; every field sits at a fixed
offset and is read with ``80 B0 <offset> 02 00 <length>`` (the length travels as the two data
bytes). The card is T=0: it answers ``61 xx`` and the data comes with GET RESPONSE.
"""

from __future__ import annotations

from dataclasses import dataclass

AID = bytes.fromhex("A000000054480001")
SELECT = bytes.fromhex("00A40400") + bytes([len(AID)]) + AID

# Thai ID ATRs (pcsc-tools' list) start "3B 79 18 00 00 54 48 20 4E 49 44" ("TH NID") or
# "3B 68 00 00 54 48"; the ATR is not checked (new generations appear), the SELECT decides.
# Cards whose ATR starts 3B 67 answer GET RESPONSE only with P2 = 01 (common reader code does
# the same); the others take P2 = 00. Both are tried when the first is refused.
GET_RESPONSE_P2_01_ATR = bytes.fromhex("3B 67")

SW_OK = (0x90, 0x00)
# SELECT answers for "no such applet": file not found, function not supported, wrong INS/CLA.
SW_NOT_THIS_CARD = {(0x6A, 0x82), (0x6A, 0x81), (0x6D, 0x00), (0x6E, 0x00), (0x69, 0x99)}
# GET RESPONSE answers meaning "wrong P1/P2" (the other variant is tried).
SW_WRONG_P1P2 = {(0x6A, 0x86), (0x6B, 0x00), (0x6A, 0x88)}


def get_response(length: int, p2: int = 0x00) -> bytes:
    return bytes([0x00, 0xC0, 0x00, p2, length & 0xFF])


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    length: int

    def command(self) -> bytes:
        return read_command(self.offset, self.length)


def read_command(offset: int, length: int) -> bytes:
    return bytes([0x80, 0xB0, offset >> 8, offset & 0xFF, 0x02, 0x00, length])


CITIZEN_ID = Field("citizen_id", 0x0004, 13)
NAME_TH = Field("name_th", 0x0011, 100)
NAME_EN = Field("name_en", 0x0075, 100)
BIRTH_DATE = Field("birth_date", 0x00D9, 8)
GENDER = Field("gender", 0x00E1, 1)
ISSUER = Field("issuer", 0x00F6, 100)
ISSUE_DATE = Field("issue_date", 0x0167, 8)
EXPIRY_DATE = Field("expiry_date", 0x016F, 8)
# 160 bytes, 0x1579–0x1618: a long address (ตรอก, ซอย, ถนน all filled) goes past 100.
ADDRESS = Field("address", 0x1579, 160)

TEXT_FIELDS = (CITIZEN_ID, NAME_TH, NAME_EN, BIRTH_DATE, GENDER, ISSUER, ISSUE_DATE,
               EXPIRY_DATE, ADDRESS)

# The photo: a JPEG of at most 20 × 255 bytes, padded after its end marker.
PHOTO_OFFSET = 0x017B
PHOTO_CHUNK = 0xFF
PHOTO_CHUNKS = 20
PHOTO_FIELDS = tuple(
    Field(f"photo_{i + 1:02d}", PHOTO_OFFSET + i * PHOTO_CHUNK, PHOTO_CHUNK)
    for i in range(PHOTO_CHUNKS)
)
