"""What the card's bytes mean, tested on its recorded answers (tests/cardreader/recordings) and on
the field formats one by one. No reader, no pcscd."""

import base64
import datetime

import pytest

from cardreader import apdu, parsing
from cardreader.card import ThaiIdApplet, read_from
from cardreader.errors import CardDataError, CardExpiredError, CardRemovedError, NotThaiIdCardError
from tests.cardreader.recording import ReplayTransport, load


def recorded_day(recording) -> datetime.date:
    return datetime.date.fromisoformat(recording["recorded"])


# --- the recorded cards -----------------------------------------------------------------------

def test_a_recorded_th_nid_card_reads_whole_with_its_photo():
    recording = load("th_nid_full_with_photo")
    card = read_from(ReplayTransport(recording), photo=True, today=recorded_day(recording))

    assert card.national_id == "3100500123458"
    assert card.name_th == parsing.Name("น.ส.", "สมหญิง", "", "รักเรียน")
    assert card.name_th.full == "น.ส.สมหญิง รักเรียน"
    assert card.name_en == parsing.Name("Miss", "Somying", "", "Rakrian")
    assert card.name_en.full == "Miss Somying Rakrian"
    # 2510-11-00: the day is unknown → the 1st (ป.พ.พ. มาตรา 16)
    assert card.birth_date.earliest() == datetime.date(1967, 11, 1)
    assert card.birth_date.precision == "month"
    assert card.gender == "female"
    assert card.issuer == "อำเภอเมืองนครพนม/นครพนม"
    assert card.issue_date.earliest() == recorded_day(recording)
    assert not card.lifelong
    assert card.address == parsing.Address(
        house_no="12/3", moo="หมู่ที่ 7", trok="ตรอกวัด", soi="ซอยร่มเย็น", road="ถนนนิตโย",
        subdistrict="ตำบลหนองญาติ", district="อำเภอเมืองนครพนม", province="จังหวัดนครพนม")
    assert card.atr.startswith("3B 79 18 00 00 54 48 20 4E 49 44")
    assert card.photo.startswith(b"\xff\xd8")
    assert card.photo.endswith(b"\xff\xd9")
    assert len(card.photo) < apdu.PHOTO_CHUNK * apdu.PHOTO_CHUNKS  # the padding is cut off

    # 1 SELECT + 9 text fields + 20 photo chunks, each followed by one GET RESPONSE
    assert len(recording["exchanges"]) == 2 * (1 + 9 + 20)
    assert all(e["command"].startswith("00 C0 00 00") for e in recording["exchanges"][1::2])


def test_the_photo_is_read_only_when_asked():
    recording = load("th_nid_full_with_photo")
    transport = ReplayTransport(recording)
    card = read_from(transport, photo=False, today=recorded_day(recording))
    assert card.photo is None
    assert transport.position == 2 * (1 + 9)
    assert "photo_jpeg_base64" not in card.as_json()


def test_an_old_generation_card_answers_get_response_with_p2_01():
    """ATR 3B 67…: GET RESPONSE must be 00 C0 00 01 (chosen from the ATR, nothing refused)."""
    recording = load("old_generation_p2_01")
    card = read_from(ReplayTransport(recording), today=recorded_day(recording))
    assert all(e["command"].startswith("00 C0 00 01") for e in recording["exchanges"][1::2])
    assert card.name_th == parsing.Name("นาย", "บุญมี", "ศรี", "มั่งมี")
    assert card.name_th.given == "บุญมี ศรี"
    assert card.birth_date.precision == "year"
    assert card.birth_date.earliest() == datetime.date(1937, 1, 1)
    assert card.lifelong
    assert card.expiry_date is None
    assert not card.is_expired(datetime.date(2100, 1, 1))
    assert card.address.subdistrict == "แขวงสีลม"
    assert card.address.district == "เขตบางรัก"
    assert card.address.province == "กรุงเทพมหานคร"
    assert card.address.full == "45 แขวงสีลม เขตบางรัก กรุงเทพมหานคร"


def test_a_card_that_answers_with_the_data_at_once_needs_no_get_response():
    recording = load("direct_answers")
    card = read_from(ReplayTransport(recording), today=recorded_day(recording))
    assert not any(e["command"].startswith("00 C0") for e in recording["exchanges"])
    assert card.national_id == "1101700230708"


def test_a_card_without_the_thai_applet_is_not_a_thai_id_card():
    with pytest.raises(NotThaiIdCardError) as caught:
        read_from(ReplayTransport(load("not_thai_id")))
    assert caught.value.code == "not_thai_id"
    assert "ไม่ใช่บัตรประจำตัวประชาชน" in caught.value.message
    assert "6A 82" in caught.value.detail


def test_a_recording_cut_short_is_a_card_removed_mid_read():
    recording = load("th_nid_full_with_photo")
    recording["exchanges"] = recording["exchanges"][:7]
    with pytest.raises(CardRemovedError) as caught:
        read_from(ReplayTransport(recording), photo=True, today=recorded_day(recording))
    assert "ถูกดึงออก" in caught.value.message


def test_an_expired_card_is_refused_with_its_expiry_date():
    recording = load("th_nid_full_with_photo")
    later = recorded_day(recording).replace(year=recorded_day(recording).year + 7)
    with pytest.raises(CardExpiredError) as caught:
        read_from(ReplayTransport(recording), today=later)
    assert caught.value.code == "card_expired"
    assert caught.value.as_json()["expiry_date"] < later.isoformat()
    # …unless the caller asked to see it anyway (the read_id_card command's --allow-expired)
    card = read_from(ReplayTransport(recording), today=later, check_expiry=False)
    assert card.is_expired(later)


def test_a_hand_written_answer_decodes_as_tis_620():
    """Bytes typed from TIS-620's table, not made by Python's encoder: นาย#สมชาย##ใจดี."""
    raw = bytes.fromhex("B9 D2 C2 23 CA C1 AA D2 C2 23 23 E3 A8 B4 D5 20 20 20")
    assert parsing.decode_text(raw) == "นาย#สมชาย##ใจดี"
    assert parsing.parse_name(parsing.decode_text(raw)) == parsing.Name("นาย", "สมชาย", "",
                                                                         "ใจดี")


# --- one field at a time ----------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("25230425", (datetime.date(1980, 4, 25), "day")),
    ("25231100", (datetime.date(1980, 11, 1), "month")),
    ("25230000", (datetime.date(1980, 1, 1), "year")),
    ("25230025", (datetime.date(1980, 1, 1), "year")),  # a day without its month means nothing
    ("25430229", (datetime.date(2000, 2, 29), "day")),
])
def test_buddhist_era_dates_with_unknown_parts(raw, expected):
    date = parsing.parse_date(raw)
    assert (date.earliest(), date.precision) == expected


def test_an_unknown_expiry_day_or_month_counts_to_the_end():
    assert parsing.parse_date("25731200").latest() == datetime.date(2030, 12, 31)
    assert parsing.parse_date("25740000").latest() == datetime.date(2031, 12, 31)
    assert parsing.parse_date("25740200").latest() == datetime.date(2031, 2, 28)


@pytest.mark.parametrize("raw", ["", "        ", "00000000"])
def test_a_blank_date_is_unknown(raw):
    assert parsing.parse_date(raw) is None


@pytest.mark.parametrize("raw", ["2523042", "2523-4-2", "25231332", "25230230", "abcdefgh"])
def test_a_date_that_is_not_a_date_is_a_card_data_error(raw):
    with pytest.raises(CardDataError):
        parsing.parse_date(raw)


def test_names_with_three_parts_and_blanks():
    assert parsing.parse_name("Mr.#John#Smith") == parsing.Name("Mr.", "John", "", "Smith")
    assert parsing.parse_name("") == parsing.Name()
    assert parsing.parse_name("นาง# มาลี ##ดีเลิศ ") == parsing.Name("นาง", "มาลี", "", "ดีเลิศ")


def test_address_parts_by_prefix_when_the_layout_is_shifted():
    address = parsing.parse_address("7#ซอยสุขใจ#ถนนพหลโยธิน##ตำบลบ้านใหม่#อำเภอเมือง#จังหวัดแพร่")
    assert (address.soi, address.road, address.moo) == ("ซอยสุขใจ", "ถนนพหลโยธิน", "")
    assert address.province == "จังหวัดแพร่"
    assert parsing.parse_address("") == parsing.Address()
    odd = parsing.parse_address("บ้านเลขที่ไม่ทราบ#ตำบล")
    assert odd.full == "บ้านเลขที่ไม่ทราบ ตำบล"


def test_padding_and_undefined_bytes():
    assert parsing.decode_text(b"1103700012346\x00\x00") == "1103700012346"
    assert parsing.decode_text(b"  \x90\x90") == ""


@pytest.mark.parametrize(("number", "ok"), [
    ("1103700012346", True), ("1103700012345", False), ("110370001234", False),
    ("11037000123x6", False),
])
def test_citizen_id_check_digit(number, ok):
    assert parsing.citizen_id_checksum_ok(number) is ok
    if not ok:
        with pytest.raises(CardDataError):
            parsing.parse_citizen_id(number)


def test_photo_trimmed_at_the_jpeg_end_marker():
    assert parsing.trim_photo(b"\xff\xd8abc\xff\xd9\x00\x00\x00") == b"\xff\xd8abc\xff\xd9"
    assert parsing.trim_photo(b"\x00" * 40) is None
    assert parsing.trim_photo(b"\xff\xd8abc\x00\x00") == b"\xff\xd8abc"


def test_registration_fields_and_json():
    recording = load("th_nid_full_with_photo")
    card = read_from(ReplayTransport(recording), photo=True, today=recorded_day(recording))
    fields = card.registration_fields()
    assert fields == {
        "national_id": "3100500123458", "title_th": "นางสาว", "first_name": "สมหญิง",
        "last_name": "รักเรียน", "title_en": "Miss", "first_name_en": "Somying",
        "last_name_en": "Rakrian", "birth_date": "1967-11-01",
        "card_expiry": card.expiry_date.latest().isoformat(),
    }
    data = card.as_json(photo=True)
    assert base64.b64decode(data["photo_jpeg_base64"]) == card.photo
    assert data["birth_date_precision"] == "month"
    assert data["address"]["full"].startswith("12/3 หมู่ที่ 7 ตรอกวัด")


def test_the_other_get_response_variant_is_tried_when_the_first_is_refused():
    """A card whose ATR suggests P2 = 00 but which wants 01 (a generation not in the list)."""
    from tests.cardreader.emulator import CardProfile, ThaiIdCardLogic

    logic = ThaiIdCardLogic(CardProfile(), get_response_p2=0x01)

    class Transport:
        atr = bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44")
        sent: list[bytes] = []

        def transmit(self, command):
            self.sent.append(command)
            response = logic.execute(command)
            return response[:-2], response[-2], response[-1]

    transport = Transport()
    applet = ThaiIdApplet(transport)
    card = applet.read()
    assert card.national_id == "1103700012346"
    assert [c.hex()[:8] for c in transport.sent[:4]] == ["00a40400", "00c00000", "00c00001",
                                                         "80b00004"]
    assert applet.get_response_p2 == 0x01  # remembered: one refusal per read, not per field


def test_wrong_length_answer_6c_is_sent_again_with_the_length_asked_for():
    answers = [(b"", 0x6C, 0x0D), (b"", 0x61, 0x0D), (b"1103700012346", 0x90, 0x00)]
    sent = []

    class Transport:
        atr = b""

        def transmit(self, command):
            sent.append(command)
            return answers.pop(0)

    data = ThaiIdApplet(Transport()).command(apdu.read_command(0x0004, 0x20))
    assert data == b"1103700012346"
    assert sent[1][-1] == 0x0D


def test_an_error_status_on_a_field_is_a_card_data_error():
    class Transport:
        atr = b""

        def transmit(self, command):
            return b"", 0x69, 0x82

    with pytest.raises(CardDataError) as caught:
        ThaiIdApplet(Transport()).read_field(apdu.CITIZEN_ID)
    assert "69 82" in caught.value.detail


# --- the address's whole 160 bytes (0x1579–0x1618) -------------------------------------------

LONG_ADDRESS = ("123/456#หมู่ที่ 12#ตรอกวัดศรีสุมังคลาราม#ซอยประชาร่วมใจพัฒนา 3"
                "#ถนนสุนทรวิจิตร#ตำบลหนองญาติ#อำเภอเมืองนครพนม#จังหวัดนครพนม")


class LogicTransport:
    """The emulator's applet answering in-process (no pcscd): its memory is built from
    tests/cardreader/card_layout.py's literal offsets, not from the reader's constants."""

    atr = bytes.fromhex("3B 79 18 00 00 54 48 20 4E 49 44 39 00 00 00 00")

    def __init__(self, profile):
        from tests.cardreader.emulator import ThaiIdCardLogic

        self.logic = ThaiIdCardLogic(profile)

    def transmit(self, command):
        response = self.logic.execute(command)
        return response[:-2], response[-2], response[-1]


def test_a_card_image_from_literal_offsets_keeps_the_address_at_0x1579_for_160_bytes():
    from tests.cardreader.card_layout import card_image

    raw = LONG_ADDRESS.encode("tis-620")
    assert 100 < len(raw) <= 160
    image = card_image({"address": LONG_ADDRESS})
    assert image[0x1579:0x1579 + len(raw)] == raw
    assert image[0x1579 + len(raw):0x1619] == b" " * (160 - len(raw))


def test_a_long_address_is_read_whole():
    from tests.cardreader.emulator import CardProfile

    card = read_from(LogicTransport(CardProfile(address=LONG_ADDRESS)),
                     today=datetime.date(2026, 1, 1))
    assert card.address == parsing.Address(
        house_no="123/456", moo="หมู่ที่ 12", trok="ตรอกวัดศรีสุมังคลาราม",
        soi="ซอยประชาร่วมใจพัฒนา 3", road="ถนนสุนทรวิจิตร", subdistrict="ตำบลหนองญาติ",
        district="อำเภอเมืองนครพนม", province="จังหวัดนครพนม")


def test_the_address_field_as_the_card_sends_it_parses_whole():
    """160 raw bytes, TIS-620, padded with spaces: every part survives the decoding."""
    raw = LONG_ADDRESS.encode("tis-620").ljust(160, b" ")
    assert parsing.parse_address(parsing.decode_text(raw)).province == "จังหวัดนครพนม"
    assert apdu.ADDRESS.offset == 0x1579
    assert apdu.ADDRESS.length == 160
