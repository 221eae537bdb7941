import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent
from accounts.rules import Role
from personnel import selectors, services
from personnel.choices import DegreeLevel
from personnel.models import CertificationStatus, LaoCertification, Person
from tests.factories import UserFactory, certification_round, member

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 20)


def complete(person: Person):
    """Fill every item of a record so that it scores 100."""
    person.first_name_en, person.last_name_en = "Malee", "Rakrian"
    person.address = "99 หมู่ 1 ต.ในเมือง อ.เมือง จ.นครพนม"
    person.photo = "people/photos/x.jpg"
    person.position_number = "ค.1"
    person.salary = 25000
    person.save()
    services.add_history_line(actor=None, person=person, kind="degree",
                              level=DegreeLevel.BACHELOR, field_of_study="ภาษาไทย",
                              institution="มหาวิทยาลัยนครพนม", graduated_on=datetime.date(2007, 3, 1))
    services.add_history_line(actor=None, person=person, kind="position",
                              effective_on=datetime.date(2018, 5, 16), position_type="teacher",
                              organization_name="โรงเรียน")
    services.add_history_line(actor=None, person=person, kind="licence", number="1",
                              issued_on=datetime.date(2022, 1, 1),
                              expires_on=datetime.date(2027, 1, 1))


def test_completeness_lists_what_is_missing(world):
    c = selectors.completeness_of(world.a.person, TODAY)
    assert not c.complete
    assert "วุฒิการศึกษา" in c.missing
    complete(world.a.person)
    assert selectors.completeness_of(world.a.person, TODAY).complete
    # a licence that expired yesterday no longer counts
    assert not selectors.completeness_of(world.a.person, datetime.date(2027, 1, 2)).complete


def test_an_lao_with_incomplete_records_cannot_certify(world):
    round_ = certification_round(world.a)
    with pytest.raises(ValidationError) as e:
        services.certify_lao(actor=world.a.users[Role.LAO_ADMIN], lao=world.a.lao,
                             round_=round_, today=TODAY)
    assert "ยังไม่ครบ 1 คน" in e.value.messages[0]
    assert not LaoCertification.objects.exists()


def test_certify_verify_and_an_edit_reopens(world):
    round_ = certification_round(world.a, deadline=datetime.date(2099, 3, 31))
    complete(world.a.person)
    cert = services.certify_lao(actor=world.a.users[Role.LAO_ADMIN], lao=world.a.lao,
                                round_=round_, today=TODAY)
    assert cert.status == CertificationStatus.CERTIFIED
    assert cert.snapshot["people"] == 1
    services.verify_lao(actor=world.a.users[Role.PROVINCE_ADMIN], certification=cert)
    cert.refresh_from_db()
    assert cert.status == CertificationStatus.VERIFIED
    overview = selectors.certification_overview(round_, TODAY)
    assert overview.certified_share == 100
    assert [r.lpa_score for r in overview.rows] == [5]
    services.update_person(actor=world.a.users[Role.SCHOOL_ADMIN], person=world.a.person,
                           position_number="ค.2")
    cert.refresh_from_db()
    assert cert.status == CertificationStatus.REOPENED
    assert cert.reopened_at is not None
    assert selectors.certification_overview(round_, TODAY).rows[0].lpa_score == 0


def test_only_the_lao_itself_certifies_and_only_the_province_verifies(world):
    round_ = certification_round(world.a)
    complete(world.a.person)
    for actor in (world.a.users[Role.PROVINCE_ADMIN], world.a.users[Role.SCHOOL_ADMIN],
                  world.b.users[Role.LAO_ADMIN]):
        with pytest.raises(NotAllowed):
            services.certify_lao(actor=actor, lao=world.a.lao, round_=round_, today=TODAY)
    hr_officer = member(UserFactory(), world.a.lao, Role.OFFICER)  # the LAO's HR officer
    cert = services.certify_lao(actor=hr_officer, lao=world.a.lao, round_=round_, today=TODAY)
    for actor in (world.a.users[Role.LAO_ADMIN], world.b.users[Role.PROVINCE_ADMIN]):
        with pytest.raises(NotAllowed):
            services.verify_lao(actor=actor, certification=cert)
    with pytest.raises(ValidationError):  # a round of another province
        services.certify_lao(actor=hr_officer, lao=world.a.lao,
                             round_=certification_round(world.b), today=TODAY)


def test_certifying_after_the_deadline_scores_zero(world):
    round_ = certification_round(world.a, deadline=datetime.date(2026, 3, 31))
    complete(world.a.person)
    cert = services.certify_lao(actor=world.a.users[Role.LAO_ADMIN], lao=world.a.lao,
                                round_=round_, today=TODAY)
    LaoCertification.objects.filter(pk=cert.pk).update(
        certified_at=datetime.datetime(2026, 4, 1, 3, 0, tzinfo=datetime.UTC))
    row = selectors.certification_overview(round_, datetime.date(2026, 4, 2)).rows[0]
    assert row.lpa_score == 0
    assert not row.late  # certified, only late in the score
    LaoCertification.objects.filter(pk=cert.pk).update(
        certified_at=datetime.datetime(2026, 3, 31, 16, 59, tzinfo=datetime.UTC))  # 23:59 BKK
    row = selectors.certification_overview(round_, datetime.date(2026, 4, 2)).rows[0]
    assert row.lpa_score == 5


def test_reminders_reach_the_late_laos_admins_only(world, django_capture_on_commit_callbacks,
                                                   settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from dlep.celery import app

    app.conf.task_always_eager = True
    try:
        round_ = certification_round(world.a, deadline=datetime.date(2026, 3, 31))
        with django_capture_on_commit_callbacks(execute=True):
            n = services.send_certification_reminders(
                actor=world.a.users[Role.PROVINCE_ADMIN], round_=round_,
                today=datetime.date(2026, 3, 31))
        assert n == 0  # not late on the deadline itself
        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            n = services.send_certification_reminders(
                actor=world.a.users[Role.PROVINCE_ADMIN], round_=round_,
                today=datetime.date(2026, 4, 1))
    finally:
        app.conf.task_always_eager = False
    assert n == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.a.users[Role.LAO_ADMIN].email]
    assert "รับรองข้อมูล" in message.subject
    assert world.a.lao.name in message.body
    assert "31 มีนาคม 2569" in message.body
    assert AuditEvent.objects.filter(action="certification.remind").exists()
    with pytest.raises(NotAllowed):
        services.send_certification_reminders(actor=world.b.users[Role.PROVINCE_ADMIN],
                                              round_=round_, today=datetime.date(2026, 4, 1))


def test_the_dashboard_page_shows_scores_and_the_lao_page_lists_missing_items(client, world):
    round_ = certification_round(world.a)
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    html = client.get(f"/personnel/certification/{round_.pk}/").content.decode()
    assert 'data-testid="certified-share">0%' in html
    assert "เป้าหมาย 90%" in html
    assert world.a.lao.name in html
    assert "chart.umd.min.js" in html
    client.force_login(world.a.users[Role.LAO_ADMIN])
    lao_page = f"/personnel/certification/{round_.pk}/lao/{world.a.lao.pk}/"
    html = client.get(lao_page).content.decode()
    assert "วุฒิการศึกษา" in html
    assert 'data-testid="incomplete-row"' in html
    r = client.post(lao_page, follow=True)
    assert "ยังไม่ครบ" in r.content.decode()
    client.force_login(world.b.users[Role.LAO_ADMIN])
    assert client.get(f"/personnel/certification/{round_.pk}/").status_code == 404


def test_a_province_admin_opens_a_round_once(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    data = {"province": world.a.province.pk, "fiscal_year_be": 2570, "deadline": "2027-03-31"}
    r = client.post("/personnel/certification/", data)
    assert r.status_code == 302
    r = client.post("/personnel/certification/", data)
    assert "มีรอบการรับรองข้อมูลของปีงบประมาณนี้แล้ว" in r.content.decode()
    r = client.post("/personnel/certification/", {**data, "province": world.b.province.pk})
    assert r.status_code == 200  # not a choice for this admin: the form refuses it
