"""A Thai national ID card for vsmartcard's virtual reader (vpcd), to read through pcscd and
pyscard as if it were in a USB reader.

vpcd listens on TCP 35963 (reader "Virtual PCD 00 00"); this emulator is its *client*. Frames
both ways are a 2-byte big-endian length and the payload; a 1-byte frame is a control (0x00 power
off, 0x01 power on, 0x02 reset, 0x04 "send the ATR"). Connecting inserts the card, closing the
socket removes it. The card behaves as a T=0 card does: every read answers ``61 xx`` and the data
comes with GET RESPONSE ``00 C0 00 P2 xx``.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from cardreader import apdu
from tests.cardreader import card_layout

VPCD_HOST = "127.0.0.1"  # vpcd listens on every interface; the tests use loopback only
VPCD_PORT = 35963

ATR_TH_NID = bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44 39 00 00 00 00")  # "TH NID9"
ATR_OLD_GENERATION = bytes.fromhex("3B 67 00 00 73 20 00 6C 68 90 00")  # needs 00 C0 00 01
ATR_OTHER_CARD = bytes.fromhex("3B 8A 80 01 4A 43 4F 50 33 31 56 32 33 32 7A")  # a JavaCard

CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04


def thai_date(day: datetime.date) -> str:
    return f"{day.year + 543:04d}{day.month:02d}{day.day:02d}"


def make_jpeg(size=(60, 72), quality=60) -> bytes:
    """A small real JPEG (a face-coloured rectangle) that fits the card's 20 × 255 bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (176, 196, 222))
    draw = ImageDraw.Draw(image)
    draw.ellipse((15, 10, 45, 45), fill=(224, 172, 105))
    draw.rectangle((10, 50, 50, 72), fill=(40, 60, 120))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    data = out.getvalue()
    assert len(data) <= card_layout.PHOTO[1]
    return data


@dataclass
class CardProfile:
    """What the card holds, as the card stores it (TIS-620 text, Buddhist-era dates)."""

    citizen_id: str = "1103700012346"
    name_th: str = "นาย#ทดสอบ##บัตรดี"
    name_en: str = "Mr.#Thotsop##Batdee"
    birth_date: str = "25230425"
    gender: str = "1"
    issuer: str = "ท้องถิ่นเขตบางรัก/กรุงเทพมหานคร"
    issue_date: str = field(default_factory=lambda: thai_date(
        datetime.date.today() - datetime.timedelta(days=400)))
    expiry_date: str = field(default_factory=lambda: thai_date(
        datetime.date.today() + datetime.timedelta(days=5 * 365)))
    address: str = "99/1#หมู่ที่ 5###ถนนสุนทรวิจิตร#ตำบลในเมือง#อำเภอเมืองนครพนม#จังหวัดนครพนม"
    photo: bytes | None = None

    def image(self) -> bytes:
        """The card's file: every field at its offset, padded with spaces (the photo with
        zeros), as ``80 B0`` reads it. The layout is ``card_layout``'s, not the reader's."""
        names = ("citizen_id", "name_th", "name_en", "birth_date", "gender", "issuer",
                 "issue_date", "expiry_date", "address")
        return card_layout.card_image({name: getattr(self, name) for name in names},
                                      photo=self.photo)


class ThaiIdCardLogic:
    """The applet's answers, without the transport (also used to record responses)."""

    def __init__(self, profile: CardProfile | None, *, get_response_p2: int | None = 0x00,
                 direct: bool = False):
        self.memory = profile.image() if profile is not None else None
        self.get_response_p2 = get_response_p2  # None: accept 00 and 01
        self.direct = direct  # answer with the data and 90 00 at once (no 61 xx)
        self.selected = False
        self.pending = b""

    def reset(self) -> None:
        self.selected = False
        self.pending = b""

    def _answer(self, data: bytes) -> bytes:
        if self.direct:
            return data + b"\x90\x00"
        self.pending = data
        return bytes([0x61, len(data) & 0xFF])

    def execute(self, command: bytes) -> bytes:
        if len(command) < 4:
            return b"\x67\x00"
        cla, ins, p1, p2 = command[:4]
        if cla == 0x00 and ins == 0xA4:  # SELECT by name
            if self.memory is None or command[5:5 + command[4]] != apdu.AID:
                self.selected = False
                return b"\x6A\x82"
            self.selected = True
            return self._answer(b"\x00" * 10)
        if cla == 0x00 and ins == 0xC0:  # GET RESPONSE
            if self.get_response_p2 is not None and p2 != self.get_response_p2:
                return b"\x6B\x00"
            if not self.pending:
                return b"\x69\x85"
            length = command[4] if len(command) > 4 else len(self.pending)
            data, self.pending = self.pending[:length], b""
            return data + b"\x90\x00"
        if cla == 0x80 and ins == 0xB0:  # read at offset; the length is in the data
            if not self.selected:
                return b"\x69\x86"
            if len(command) < 7 or command[4] != 2:
                return b"\x67\x00"
            offset, length = (p1 << 8) | p2, (command[5] << 8) | command[6]
            if offset + length > len(self.memory):
                return b"\x6B\x00"
            return self._answer(self.memory[offset:offset + length])
        return b"\x6D\x00"


class VirtualCard:
    """The card in vpcd's first reader while ``insert()``-ed. ``remove_after=N`` pulls the card
    out when the N-th command arrives, without answering it (removed mid-read)."""

    def __init__(self, profile: CardProfile | None = None, *, atr: bytes = ATR_TH_NID,
                 get_response_p2: int | None = 0x00, direct: bool = False,
                 remove_after: int | None = None, port: int = VPCD_PORT):
        self.logic = ThaiIdCardLogic(profile, get_response_p2=get_response_p2, direct=direct)
        self.atr = atr
        self.remove_after = remove_after
        self.port = port
        self.commands: list[bytes] = []
        self.sock: socket.socket | None = None
        self.thread: threading.Thread | None = None
        self.removed = threading.Event()
        self.error: BaseException | None = None

    def insert(self, timeout: float = 10.0) -> VirtualCard:
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection((VPCD_HOST, self.port), timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.thread = threading.Thread(target=self._serve, name="virtual-thai-id", daemon=True)
        self.thread.start()
        return self

    def remove(self) -> None:
        """Pull the card out: close the socket."""
        sock, self.sock = self.sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.removed.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=5)

    def __enter__(self) -> VirtualCard:
        return self.insert()

    def __exit__(self, *exc) -> None:
        self.remove()

    def _recv_exact(self, sock: socket.socket, size: int) -> bytes | None:
        buf = b""
        while len(buf) < size:
            chunk = sock.recv(size - len(buf))
            if not chunk:
                return None
            buf += chunk
            # vpcd sends the length and the payload in two writes: without a quick ACK the
            # delayed ACK costs ~44 ms a command (CARDREADER.md).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        return buf

    def _send(self, sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)

    def _serve(self) -> None:
        sock = self.sock
        try:
            while sock is not None and not self.removed.is_set():
                header = self._recv_exact(sock, 2)
                if header is None:
                    break
                (size,) = struct.unpack(">H", header)
                message = self._recv_exact(sock, size)
                if message is None:
                    break
                if size == 1:
                    control = message[0]
                    if control == CTRL_ATR:
                        self._send(sock, self.atr)
                    elif control in (CTRL_OFF, CTRL_ON, CTRL_RESET):
                        self.logic.reset()
                    continue
                self.commands.append(message)
                if self.remove_after is not None and len(self.commands) >= self.remove_after:
                    self.remove()
                    break
                self._send(sock, self.logic.execute(message))
        except OSError:
            pass  # removed while waiting
        except BaseException as exc:  # surfaced by the tests through .error
            self.error = exc
