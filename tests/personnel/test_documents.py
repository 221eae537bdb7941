"""The ก.พ.7 record and the salary certificate as PDF: what they say, and who may have them.

Each PDF is read back with pypdf. HarfBuzz splits SARA AM (ำ) into two glyphs and fpdf2 gives the
second one no Unicode mapping, so the extracted text may carry one stray character after each ำ
(see tests/dlep/test_pdf.py); `assert_same_text` allows that and nothing else.
"""

import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader
from pythainlp.util import arabic_digit_to_thai_digit, bahttext

from accounts.rules import Role
from core.pdf import draw_qr
from personnel import documents, selectors, services
from personnel.choices import (
    AcademicStanding,
    DegreeLevel,
    PersonStatus,
    PositionType,
    SalaryRank,
)
from tests.core.test_pdf import assert_same_text, normalise
from tests.factories import valid_national_id

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def assert_in_table(expected: str, extracted: str) -> None:
    """Like `assert_same_text`, for text that may wrap inside a table cell: the line breaks
    a narrow column puts between words come back as spaces, so all whitespace is ignored."""
    assert_same_text("".join(expected.split()), "".join(normalise(extracted).split()))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def person(world):
    """Side A's teacher with a full current employment and a few history lines."""
    person = world.a.person
    services.update_person(
        actor=None, person=person, title_en="Mrs.", first_name_en="Malee",
        last_name_en="Rakrian", birth_date=datetime.date(1966, 10, 2),
        position_number="ค-0042", salary_rank=SalaryRank.KS2, salary=Decimal("32150.00"),
        appointed_on=datetime.date(2017, 5, 29), standing=AcademicStanding.PROFESSIONAL,
        standing_granted_on=datetime.date(2020, 3, 1),
    )
    services.add_history_line(
        actor=None, person=person, kind="position", effective_on=datetime.date(2017, 5, 29),
        position_type=PositionType.TEACHER, position_number="ค-0042",
        organization_name="โรงเรียนบ้านหนองบัว", salary_rank=SalaryRank.KS1,
        salary=Decimal("21500.00"), order_ref="คำสั่ง อบต. ที่ 12/2560",
    )
    services.add_history_line(
        actor=None, person=person, kind="degree", level=DegreeLevel.MASTER,
        field_of_study="การสอนภาษาไทย", institution="มหาวิทยาลัยราชภัฏสกลนคร",
        graduated_on=datetime.date(2020, 3, 1), learning_management=True,
    )
    return selectors.person_for(world.a.users[Role.LAO_ADMIN], person.pk)


# --- the ก.พ.7 record -------------------------------------------------------------------------

def test_kp7_has_the_person_dates_sections_and_history(person):
    text = pdf_text(documents.kp7_pdf(person, TODAY))
    for expected in (
        "ทะเบียนประวัติ ก.พ.7",
        "ข้อมูล ณ วันที่ 23 พฤศจิกายน 2569",
        person.full_name_th,
        "Mrs. Malee Rakrian",
        "2 ต.ค. 2509",  # birth date, Buddhist era
        "60 ปี",  # age on TODAY
        "30 ก.ย. 2570",  # born after 1 October: retires a fiscal year later
        "ปีงบประมาณ 2570",
        "ค-0042",
        "คศ.2",
        "32,150.00 บาท",
        "29 พ.ค. 2560",  # appointed on
        "9 ปี 5 เดือน 25 วัน",  # tenure in position
        "1. ข้อมูลส่วนบุคคล",
        "2. ตำแหน่งและเงินเดือนปัจจุบัน",
        "ประวัติตำแหน่งและเงินเดือน",
        "วุฒิการศึกษา",
        "ใบอนุญาตประกอบวิชาชีพครู",
        "การเปลี่ยนสถานะ",
        "ยังไม่มีข้อมูล",  # the empty sections say so
    ):
        assert_same_text(expected, text)
    # History lines: a table row, its cells in order (a cell may wrap between words).
    assert_in_table("29 พ.ค. 2560 ครู ค-0042 โรงเรียนบ้านหนองบัว คศ.1 21,500.00 ไม่มีวิทยฐานะ "
                    "คำสั่ง อบต. ที่ 12/2560", text)
    assert_in_table("ปริญญาโท การสอนภาษาไทย มหาวิทยาลัยราชภัฏสกลนคร 1 มี.ค. 2563 – ใช่", text)
    assert_in_table("วันที่มีผล ตำแหน่ง ตำแหน่งเลขที่ สังกัด อันดับ เงินเดือน", text)


def test_kp7_prints_the_full_national_id_and_numbers_its_pages(person):
    data = documents.kp7_pdf(person, TODAY)
    reader = PdfReader(io.BytesIO(data))
    n = len(reader.pages)
    assert n >= 2  # eleven history sections do not fit on one page
    nid = person.national_id
    assert_same_text(f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}",
                     reader.pages[0].extract_text())
    for i, page in enumerate(reader.pages, start=1):
        assert f"หน้า {i}/{n}" in normalise(page.extract_text())


def test_kp7_of_a_bare_record_prints_dashes_not_none(world):
    person = world.a.person
    services.update_person(actor=None, person=person, birth_date=None, appointed_on=None,
                           salary_rank="")
    person = selectors.person_for(world.a.users[Role.LAO_ADMIN], person.pk)
    text = normalise(pdf_text(documents.kp7_pdf(person, TODAY)))
    assert "None" not in text
    assert_same_text(person.full_name_th, text)


def test_a_long_history_wraps_onto_more_pages_with_its_header_row_again(person):
    for year in range(2001, 2041):
        services.add_history_line(
            actor=None, person=person, kind="position", effective_on=datetime.date(year, 4, 1),
            position_type=PositionType.TEACHER, organization_name="โรงเรียนเทศบาลวัดศรีสะอาด",
            salary=Decimal(15000 + year), order_ref=f"คำสั่งที่ {year}",
        )
    person = selectors.person_for(person.user, person.pk)
    reader = PdfReader(io.BytesIO(documents.kp7_pdf(person, TODAY)))
    texts = [p.extract_text() for p in reader.pages]
    assert_in_table("1 เม.ย. 2583 ครู – โรงเรียนเทศบาลวัดศรีสะอาด – 17,040.00", "\n".join(texts))
    header = "วันที่มีผล ตำแหน่ง ตำแหน่งเลขที่ สังกัด อันดับ เงินเดือน วิทยฐานะ"
    with_header = []
    for text in texts:
        try:
            assert_in_table(header, text)
        except AssertionError:
            continue
        with_header.append(text)
    assert len(with_header) >= 2  # the header row is repeated on the next page


# --- the salary certificate -------------------------------------------------------------------

def test_salary_certificate_states_the_amount_in_figures_and_words(person, world):
    data = documents.salary_certificate_pdf(person, world.a.lao, TODAY)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    thai = arabic_digit_to_thai_digit
    assert bahttext(32150.0) == "สามหมื่นสองพันหนึ่งร้อยห้าสิบบาทถ้วน"
    for expected in (
        "หนังสือรับรองเงินเดือน",
        world.a.lao.name,  # the issuing unit
        "หนังสือฉบับนี้ให้ไว้เพื่อรับรองว่า",
        thai(person.full_name_th),
        "ตำแหน่ง ครู วิทยฐานะชำนาญการ",
        f"สังกัด {thai(person.organization.name)} {thai(world.a.lao.name)}",
        "ได้รับเงินเดือนเดือนละ ๓๒,๑๕๐ บาท (สามหมื่นสองพันหนึ่งร้อยห้าสิบบาทถ้วน)",
        "ให้ไว้ ณ วันที่ ๒๓ พฤศจิกายน ๒๕๖๙",
        "ลงชื่อ",
        "ตำแหน่ง ....",
    ):
        assert_same_text(expected, text)
    # The QR caption's address keeps its Arabic digits, and no national ID is printed.
    url = "http://127.0.0.1:8000" + reverse("person_detail", args=[person.pk])
    assert url in normalise(text)
    assert person.national_id not in normalise(text)


def test_salary_certificate_with_arabic_digits_and_satang(person, world):
    person.salary = Decimal("32150.50")
    data = documents.salary_certificate_pdf(person, world.a.school, TODAY, thai_digits=False)
    text = pdf_text(data)
    assert_same_text("ได้รับเงินเดือนเดือนละ 32,150.50 บาท "
                     "(สามหมื่นสองพันหนึ่งร้อยห้าสิบบาทห้าสิบสตางค์)", text)
    assert_same_text("ให้ไว้ ณ วันที่ 23 พฤศจิกายน 2569", text)
    # Issued by the school itself, the unit is not named twice.
    assert_same_text(f"สังกัด {person.organization.name} ได้รับ", text)


def test_salary_certificate_qr_code_opens_the_record(person, world, settings, monkeypatch):
    settings.PORTAL_URL = "https://dlep.example"
    drawn = []

    def spy(pdf, data, *args, **kwargs):
        drawn.append(data)
        return draw_qr(pdf, data, *args, **kwargs)

    monkeypatch.setattr(documents, "draw_qr", spy)
    documents.salary_certificate_pdf(person, world.a.lao, TODAY)
    assert drawn == [f"https://dlep.example/personnel/{person.pk}/"]


def test_no_salary_is_a_thai_validation_error(world):
    person = world.a.person  # the factory records no salary
    with pytest.raises(ValidationError) as exc:
        documents.salary_certificate_pdf(person, world.a.lao, TODAY)
    assert exc.value.code == "no_salary"
    assert "ยังไม่มีข้อมูลเงินเดือน" in exc.value.messages[0]


def test_no_certificate_for_someone_who_no_longer_serves(person, world):
    services.change_status(actor=None, person=person, status=PersonStatus.RETIRED,
                           effective_on=datetime.date(2026, 9, 30), order_ref="คำสั่งที่ 1/2569")
    person.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        documents.salary_certificate_pdf(person, world.a.lao, TODAY)
    assert exc.value.code == "not_active"


# --- the views --------------------------------------------------------------------------------

def kp7_url(person):
    return reverse("person_kp7_pdf", args=[person.pk])


def certificate_url(person):
    return reverse("person_salary_certificate_pdf", args=[person.pk])


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.LAO_ADMIN, Role.PROVINCE_ADMIN])
def test_registry_keepers_download_both_documents(client, world, person, role):
    client.force_login(world.a.users[role])
    for url, name in ((kp7_url(person), "kp7"),
                      (certificate_url(person), "salary-certificate")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r["Content-Type"] == "application/pdf"
        assert r["Content-Disposition"] == f'attachment; filename="{name}-{person.pk}.pdf"'
        assert "no-store" in r["Cache-Control"]
        assert r.content.startswith(b"%PDF-")
    text = pdf_text(client.get(certificate_url(person)).content)
    assert_same_text(f"สังกัด {arabic_digit_to_thai_digit(person.organization.name)} "
                     f"{arabic_digit_to_thai_digit(world.a.lao.name)}", text)


def test_filenames_carry_no_personal_data(client, world, person):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    for url in (kp7_url(person), certificate_url(person)):
        disposition = client.get(url)["Content-Disposition"]
        assert person.national_id not in disposition
        assert person.first_name not in disposition
        assert person.first_name_en not in disposition


def test_staff_get_their_own_kp7_but_not_a_salary_certificate(client, world, person):
    client.force_login(world.a.users[Role.STAFF])
    r = client.get(kp7_url(person))
    assert r.status_code == 200
    assert_same_text(person.full_name_th, pdf_text(r.content))
    assert client.get(certificate_url(person)).status_code == 404
    html = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert kp7_url(person) in html
    assert certificate_url(person) not in html


def test_the_keeper_sees_both_links_on_the_person_page(client, world, person):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert kp7_url(person) in html
    assert certificate_url(person) in html


def test_another_staff_member_of_the_same_school_gets_404(client, world, person):
    colleague = world.a.users[Role.STAFF]
    other = services.create_person(
        actor=None, organization=world.a.school, national_id_number=valid_national_id(),
        first_name="สมชาย", last_name="ใจกว้าง")
    client.force_login(colleague)
    assert client.get(kp7_url(other)).status_code == 404
    assert client.get(certificate_url(other)).status_code == 404


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.LAO_ADMIN, Role.STAFF])
def test_users_of_another_province_get_404_on_both(client, world, person, role):
    client.force_login(world.b.users[role])
    assert client.get(kp7_url(person)).status_code == 404
    assert client.get(certificate_url(person)).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, person):
    for url in (kp7_url(person), certificate_url(person)):
        r = client.get(url)
        assert r.status_code == 302
        assert r["Location"].startswith("/login/")


def test_the_documents_are_get_only(client, world, person):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    assert client.post(kp7_url(person)).status_code == 405
    assert client.post(certificate_url(person)).status_code == 405


def test_a_missing_record_is_404(client, world):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    assert client.get(reverse("person_kp7_pdf", args=[999_999])).status_code == 404
    assert client.get(reverse("person_salary_certificate_pdf", args=[999_999])).status_code == 404


def test_no_salary_is_a_400_page_with_the_thai_message(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.get(certificate_url(world.a.person))
    assert r.status_code == 400
    assert r["Content-Type"].startswith("text/html")
    html = r.content.decode()
    assert "ออกหนังสือรับรองเงินเดือนไม่ได้" in html
    assert "ยังไม่มีข้อมูลเงินเดือน" in html
    assert reverse("person_detail", args=[world.a.person.pk]) in html


# --- what the pages look like -----------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_first_pages_render_with_poppler(person, world, tmp_path):
    for name, data in (("kp7", documents.kp7_pdf(person, TODAY)),
                       ("certificate", documents.salary_certificate_pdf(person, world.a.lao,
                                                                        TODAY))):
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", source,
                        tmp_path / name], check=True, capture_output=True)
        (png,) = tmp_path.glob(f"{name}*.png")
        assert png.stat().st_size > 1000
