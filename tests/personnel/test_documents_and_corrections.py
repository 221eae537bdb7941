import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from accounts.rules import Role
from personnel.models import CorrectionRequest, CorrectionStatus, PersonDocument
from tests.factories import PDF_BYTES, PNG_BYTES, PersonFactory

pytestmark = pytest.mark.django_db


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_pdf_scan_is_attached_and_served_only_to_those_who_may_see_the_record(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post(f"/personnel/{world.a.person.pk}/documents/", {
        "kind": "scan", "title": "สำเนาทะเบียนบ้าน",
        "upload": upload("house-registration.pdf", PDF_BYTES, "application/pdf"),
    })
    assert r.status_code == 302
    doc = PersonDocument.objects.get()
    assert doc.content_type == "application/pdf"
    assert doc.file.name.startswith(f"personnel/{world.a.school.pk}/")
    assert "house-registration" not in doc.file.name  # hashed name, nothing guessable
    url = f"/personnel/{world.a.person.pk}/documents/{doc.pk}/"
    r = client.get(url)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF_BYTES
    client.force_login(world.a.users[Role.STAFF])  # the person themself
    r = client.get(url)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF_BYTES
    # (response.close() would fire request_finished, which closes the test's PostgreSQL
    # connection; reading the stream to its end closes the file instead)
    client.force_login(world.b.users[Role.PROVINCE_ADMIN])
    assert client.get(url).status_code == 404
    colleague = PersonFactory(organization=world.a.school)
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    # a document id of one record under another record's URL
    assert client.get(f"/personnel/{colleague.pk}/documents/{doc.pk}/").status_code == 404


def test_a_fake_pdf_is_refused_by_its_content_and_nothing_is_kept(client, world, settings):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post(f"/personnel/{world.a.person.pk}/documents/", {
        "kind": "scan", "title": "ไม่ใช่ PDF",
        "upload": upload("evil.pdf", b"MZ\x90\x00 this is an exe", "application/pdf"),
    }, follow=True)
    assert "ไม่ใช่ไฟล์ที่รับได้" in r.content.decode()
    assert not PersonDocument.objects.exists()
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []  # no orphan file


def test_a_photo_becomes_the_record_photo_and_a_pdf_cannot_be_a_photo(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post(f"/personnel/{world.a.person.pk}/documents/", {
        "kind": "photo", "title": "รูปถ่าย", "upload": upload("p.pdf", PDF_BYTES, "image/png"),
    }, follow=True)
    assert "JPG, PNG" in r.content.decode()
    client.post(f"/personnel/{world.a.person.pk}/documents/", {
        "kind": "photo", "title": "รูปถ่าย", "upload": upload("p.png", PNG_BYTES, "image/png"),
    })
    world.a.person.refresh_from_db()
    assert world.a.person.photo
    r = client.get(f"/personnel/{world.a.person.pk}/photo/")
    assert r["Content-Type"] == "image/png"
    assert b"".join(r.streaming_content) == PNG_BYTES


def test_staff_cannot_attach_documents(client, world):
    client.force_login(world.a.users[Role.STAFF])
    r = client.post(f"/personnel/{world.a.person.pk}/documents/", {
        "kind": "scan", "title": "x", "upload": upload("a.pdf", PDF_BYTES, "application/pdf"),
    })
    assert r.status_code == 404
    assert not PersonDocument.objects.exists()


def test_staff_propose_a_correction_and_the_school_admin_approves_it(client, world):
    person = world.a.person
    client.force_login(world.a.users[Role.STAFF])
    form = {"title_th": person.title_th, "first_name": person.first_name,
            "last_name": "ใจดีมาก", "title_en": "", "first_name_en": "", "last_name_en": "",
            "birth_date": "1985-06-15", "gender": "female", "address": "12 ถ.สุนทรวิจิตร",
            "reason": "เปลี่ยนนามสกุลหลังสมรส"}
    r = client.post(f"/personnel/{person.pk}/corrections/", form, follow=True)
    assert "ส่งคำขอแก้ไขข้อมูลแล้ว" in r.content.decode()
    correction = CorrectionRequest.objects.get()
    assert correction.changes == {"last_name": "ใจดีมาก", "address": "12 ถ.สุนทรวิจิตร"}
    r = client.post(f"/personnel/{person.pk}/corrections/", form, follow=True)
    assert "รอพิจารณาอยู่แล้ว" in r.content.decode()  # one pending at a time
    person.refresh_from_db()
    assert person.last_name != "ใจดีมาก"  # nothing changes before the decision

    client.force_login(world.b.users[Role.SCHOOL_ADMIN])
    assert "ใจดีมาก" not in client.get("/personnel/corrections/").content.decode()
    r = client.post("/personnel/corrections/", {"correction": correction.pk, "approve": "1"})
    assert r.status_code == 404

    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    page = client.get("/personnel/corrections/").content.decode()
    assert "ใจดีมาก" in page
    assert "นามสกุล" in page  # the field's Thai label, not its code name
    client.post("/personnel/corrections/", {"correction": correction.pk, "approve": "1"})
    person.refresh_from_db()
    assert person.last_name == "ใจดีมาก"
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert AuditEvent.objects.filter(action="person.update").exists()


def test_a_rejection_needs_a_reason_and_others_cannot_propose(client, world):
    person = world.a.person
    from personnel import services

    correction = services.propose_correction(actor=world.a.users[Role.STAFF], person=person,
                                             changes={"address": "ที่อยู่ใหม่"}, reason="ย้ายบ้าน")
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post("/personnel/corrections/", {"correction": correction.pk, "approve": "0"},
                    follow=True)
    assert "กรุณาระบุเหตุผลที่ไม่อนุมัติ" in r.content.decode()
    client.post("/personnel/corrections/", {"correction": correction.pk, "approve": "0",
                                            "reason": "ไม่มีหลักฐาน"})
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.REJECTED
    # an admin cannot propose on someone's behalf
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post(f"/personnel/{person.pk}/corrections/", {
        "first_name": "x", "last_name": "y", "reason": "z"})
    assert r.status_code == 404
