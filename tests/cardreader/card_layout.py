"""The Thai ID card's file as the card lays it out, written down here from the published map
(offsets and lengths as literals), on purpose NOT taken from ``cardreader.apdu``: the emulator
builds its memory from this table, so a wrong length in the reader (the address read as 100 bytes
when the card keeps 160, 0x1579–0x1618) loses bytes in the tests as it would on a real card.
"""

from __future__ import annotations

# name: (offset, length) — the Ministry of Interior applet's file
FIELDS = {
    "citizen_id": (0x0004, 13),
    "name_th": (0x0011, 100),
    "name_en": (0x0075, 100),
    "birth_date": (0x00D9, 8),
    "gender": (0x00E1, 1),
    "issuer": (0x00F6, 100),
    "issue_date": (0x0167, 8),
    "expiry_date": (0x016F, 8),
    "address": (0x1579, 160),  # up to 0x1618
}
PHOTO = (0x017B, 5100)  # a JPEG padded with zeros
# The file goes on after the address (card and laser numbers…); a reader may read up to here.
FILE_SIZE = 0x1700


def card_image(values: dict[str, str], photo: bytes | None = None) -> bytes:
    """The card's file: each text field TIS-620 encoded at its offset, padded with spaces, the
    photo padded with zeros. A value longer than its field is an error (no silent cut)."""
    memory = bytearray(b" " * FILE_SIZE)
    for name, text in values.items():
        offset, length = FIELDS[name]
        raw = text.encode("tis-620")
        if len(raw) > length:
            raise ValueError(f"{name}: {len(raw)} bytes, the card keeps {length}")
        memory[offset:offset + len(raw)] = raw
    offset, length = PHOTO
    photo = photo or b""
    if len(photo) > length:
        raise ValueError(f"photo: {len(photo)} bytes, the card keeps {length}")
    memory[offset:offset + length] = photo.ljust(length, b"\0")
    return bytes(memory)
