"""The expert registry (issue 6 item 1): who keeps which records, validation, linking and
inviting accounts, the Excel import with its row report, the pages and the API."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.exceptions import NotAllowed
from accounts.models import User
from accounts.rules import Role
from appraisal import imports as expert_imports
from appraisal import selectors
from appraisal.models import Expert, SubjectArea
from appraisal.services import experts
from personnel.choices import AcademicStanding
from tests.appraisal.assessment_factories import area, client_of, make_expert
from tests.factories import UserFactory, valid_national_id
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 10, 1)


def fields(world, **extra):
    return {"organization": world.a.province, "title_th": "ดร.", "first_name": "สมชาย",
            "last_name": "ใจงาม", "email": "somchai@example.test",
            "standings": [AcademicStanding.PROFESSIONAL], "active_from": TODAY,
            "max_concurrent": 3, "subject_areas": [area()], **extra}


def test_province_and_dla_admins_keep_the_registry(world):
    admin_a = world.a.users[Role.PROVINCE_ADMIN]
    expert = experts.save_expert(actor=admin_a, home_organization=world.a.school, **fields(world))
    assert expert.organization == world.a.province
    assert list(selectors.experts_for(admin_a)) == [expert]
    assert list(selectors.experts_for(world.dla_admin)) == [expert]
    assert not selectors.experts_for(world.b.users[Role.PROVINCE_ADMIN]).exists()
    for nobody in (world.a.users[Role.OFFICER], world.a.users[Role.LAO_ADMIN],
                   world.a.users[Role.STAFF]):
        assert not selectors.may_manage_experts(nobody)
        with pytest.raises(NotAllowed):
            experts.save_expert(actor=nobody, **fields(world))
    with pytest.raises(NotAllowed):
        experts.save_expert(actor=world.b.users[Role.PROVINCE_ADMIN], expert=expert,
                            first_name="x")
    # the DLA admin keeps national records too
    national = experts.save_expert(actor=world.dla_admin, **fields(
        world, organization=world.agency, email="n@example.test",
        home_organization_name="มหาวิทยาลัยราชภัฏ"))
    assert national.home_name == "มหาวิทยาลัยราชภัฏ"
    assert not selectors.experts_for(admin_a).filter(pk=national.pk).exists()


def test_validation(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    with pytest.raises(ValidationError) as error:
        experts.save_expert(actor=admin, **fields(world, organization=world.b.province))
    assert "organization" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        experts.save_expert(actor=admin, home_organization=world.b.school, **fields(world))
    assert "home_organization" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        experts.save_expert(actor=admin, **fields(
            world, standings=[], subject_areas=[], national_id="1234567890123",
            active_to=TODAY - datetime.timedelta(days=1), max_concurrent=0))
    assert set(error.value.message_dict) == {"standings", "subject_areas", "national_id",
                                             "active_to", "max_concurrent"}
    number = valid_national_id()
    experts.save_expert(actor=admin, **fields(world, national_id=number))
    with pytest.raises(ValidationError, match="เลขประจำตัวประชาชน"):
        experts.save_expert(actor=admin, **fields(world, national_id=number, email="b@x.test"))


def test_accounts_are_linked_or_invited(world, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    admin = world.a.users[Role.PROVINCE_ADMIN]
    existing = UserFactory(national_id=valid_national_id())
    linked = experts.save_expert(actor=admin, **fields(world, national_id=existing.national_id))
    assert linked.user == existing
    outsider = experts.save_expert(actor=admin, **fields(world, email="outside@uni.test"))
    assert outsider.user is None
    from dlep.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            user = experts.create_expert_account(actor=admin, expert=outsider)
    finally:
        app.conf.task_always_eager = eager
    assert not user.has_usable_password()
    assert user.email == "outside@uni.test"
    outsider.refresh_from_db()
    assert outsider.user == user
    assert len(mail.outbox) == 1
    assert "/password/reset/" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="มีบัญชีผู้ใช้แล้ว"):
        experts.create_expert_account(actor=admin, expert=outsider)
    # link by username
    named = UserFactory()
    third = experts.save_expert(actor=admin, username=named.username,
                                **fields(world, email="t@x.test"))
    assert third.user == named
    with pytest.raises(ValidationError, match="ผูกกับผู้ทรงคุณวุฒิรายอื่น"):
        experts.save_expert(actor=admin, username=named.username,
                            **fields(world, email="u@x.test"))
    assert User.objects.filter(username=user.username).count() == 1


def _workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("experts.xlsx", buffer.getvalue())


HEADER = ["first_name", "last_name", "email", "home_org_code", "home_org_name",
          "classroom_types", "subject_areas", "standings", "active_from", "active_to",
          "max_concurrent"]


def _row(name, **over):
    row = {"first_name": name, "last_name": "ทดสอบ", "email": f"{name}@x.test",
           "home_org_code": "", "home_org_name": "มหาวิทยาลัย",
           "classroom_types": "ห้องเรียนวิชาสามัญ (ประถมศึกษา)", "subject_areas": area().name,
           "standings": "ชำนาญการ; ครูชำนาญการพิเศษ", "active_from": "01/10/2568",
           "active_to": "30/09/2570", "max_concurrent": 3, **over}
    return [row[k] for k in HEADER]


def test_the_import_with_its_row_report(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    good = _row("หนึ่ง", home_org_code=world.a.school.code, home_org_name="")
    bad = [
        _row("สอง", standings="ชำนาญมาก"),
        _row("สาม", home_org_code=world.b.school.code),
        _row("สี่", subject_areas="ไม่มีสาขานี้"),
        _row("ห้า", active_from="31/02/2568"),
        _row("หก", email="หนึ่ง@x.test"),  # the same email as row 2
    ]
    report = expert_imports.run_expert_import(actor=admin, upload=_workbook([HEADER, good, *bad]))
    assert report.created == 0
    assert [p.row for p in report.problems] == [3, 4, 5, 6, 7]
    reasons = {p.row: " ".join(p.reasons) for p in report.problems}
    assert "ชำนาญมาก" in reasons[3]
    assert "ไม่พบรหัสหน่วยงาน" in reasons[4]
    assert "ไม่พบสาขา" in reasons[5]
    assert "ไม่มีวันที่" in reasons[6]
    assert "อีเมลนี้" in reasons[7]
    assert not Expert.objects.exists()  # all or nothing
    report = expert_imports.run_expert_import(actor=admin, upload=_workbook([HEADER, good, *bad]),
                                       good_rows_only=True)
    assert report.created == 1
    expert = Expert.objects.get()
    assert expert.home_organization == world.a.school
    assert expert.organization == world.a.province
    assert expert.standings == [AcademicStanding.PROFESSIONAL,
                                AcademicStanding.SENIOR_PROFESSIONAL]
    assert expert.active_to == datetime.date(2027, 9, 30)
    assert list(expert.subject_areas.all()) == [area()]
    missing = expert_imports.run_expert_import(actor=admin,
                                               upload=_workbook([["first_name"], ["x"]]))
    assert "ไม่พบคอลัมน์" in missing.file_error


def test_the_template_round_trips(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    data = expert_imports.template_workbook()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert all(expert_imports._key(h) for h in rows[0])
    report = expert_imports.run_expert_import(actor=admin,
                                              upload=SimpleUploadedFile("t.xlsx", data))
    assert report.created == 1, [p.reasons for p in report.problems]
    expert = Expert.objects.get()
    assert {a.name for a in expert.subject_areas.all()} <= {a.name for a in
                                                            SubjectArea.objects.all()}


def test_the_pages(world):
    admin = client_of(world.a.users[Role.PROVINCE_ADMIN])
    assert admin.get(reverse("expert_list")).status_code == 200
    assert client_of(world.a.users[Role.OFFICER]).get(reverse("expert_list")).status_code == 403
    response = admin.post(reverse("expert_new"), {
        "organization": world.a.province.pk, "first_name": "สมหญิง", "last_name": "ดีงาม",
        "national_id": "", "email": "", "home_organization_code": world.a.lao.code,
        "subject_areas": [area().pk], "standings": ["professional", "expert"],
        "active_from": "2025-10-01", "max_concurrent": "2", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    expert = Expert.objects.get(first_name="สมหญิง")
    assert expert.home_organization == world.a.lao
    page = admin.get(reverse("expert_edit", args=[expert.pk])).content.decode()
    assert 'data-testid="expert-invite"' in page
    # another province's admin: 404; a home code outside one's reach: a form error
    other = client_of(world.b.users[Role.PROVINCE_ADMIN])
    assert other.get(reverse("expert_edit", args=[expert.pk])).status_code == 404
    response = other.post(reverse("expert_new"), {
        "organization": world.b.province.pk, "first_name": "ก", "last_name": "ข",
        "home_organization_code": world.a.school.code, "subject_areas": [area().pk],
        "standings": ["professional"], "active_from": "2025-10-01", "max_concurrent": "2"})
    assert response.status_code == 200
    assert "ไม่พบรหัสหน่วยงานนี้" in response.content.decode()
    listing = admin.get(reverse("expert_list") + "?q=สมหญิง").content.decode()
    assert listing.count('data-testid="expert-row"') == 1
    template = admin.get(reverse("expert_import_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_api(world):
    admin = client_of(world.a.users[Role.PROVINCE_ADMIN])
    created = admin.post(reverse("api:expert-list"), {
        "organization": world.a.province.pk, "first_name": "เอ", "last_name": "บี",
        "national_id": valid_national_id(), "subject_areas": [area().pk],
        "standings": ["professional"], "active_from": "2025-10-01", "max_concurrent": 2},
        content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert "xxxxx" in body["national_id"]  # masked
    patched = admin.patch(reverse("api:expert-detail", args=[body["id"]]),
                          {"max_concurrent": 4}, content_type="application/json")
    assert patched.json()["max_concurrent"] == 4
    other = client_of(world.b.users[Role.PROVINCE_ADMIN])
    assert other.get(reverse("api:expert-detail", args=[body["id"]])).status_code == 404
    assert other.get(reverse("api:expert-list")).json()["count"] == 0
    upload = _workbook([HEADER, _row("นำเข้า")])
    imported = admin.post(reverse("api:expert-import"), {"file": upload})
    assert imported.status_code == 200, imported.content
    assert imported.json()["created"] == 1
    staff = client_of(world.a.users[Role.STAFF])
    assert staff.post(reverse("api:expert-list"), {}, content_type="application/json"
                      ).status_code == 403


def test_the_list_keeps_its_query_count(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    client = client_of(admin)

    def grow(n):
        while Expert.objects.count() < n:
            make_expert(world.a.province, home=world.a.school)

    def check(response, n):
        assert response.content.decode().count('data-testid="expert-row"') == n

    small, large = assert_query_budget(lambda: client.get(reverse("expert_list")), grow,
                                       budget=15, sizes=(3, 50), check=check)
    assert small == large
