"""School-admin registration (ว22/2565, issue item 2): the public request, the supervising admin's
decision, the one-admin-per-school rule, the set-password link, the API."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts import registration
from accounts.exceptions import NotAllowed
from accounts.models import (
    AuditEvent,
    Membership,
    RegistrationStatus,
    SchoolAdminRegistration,
    User,
)
from accounts.rules import Role
from tests.factories import PDF_BYTES, PNG_BYTES, UserFactory
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Khru-Yai-2569!"
LINK = re.compile(r"https?://\S+/accounts/set-password/[^/\s]+/[^/\s]+/")


@pytest.fixture(autouse=True)
def _eager_mail(settings):
    """Emails are sent at commit, in this process (locmem). Celery's own setting is changed,
    not Django's: other tests leave ``app.conf.task_always_eager`` set, which wins."""
    from dlep.celery import app

    settings.PORTAL_URL = "http://portal.test"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def pdf(name="delegation.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def request_at(school, *, position="teacher", email="kru.somchai@school.test", delegation=True,
               acting=False, **extra):
    fields = {"title_th": "นาย", "first_name": "สมชาย", "last_name": "ใจงาม", "phone": "0812345678",
              **extra}
    return registration.register_school_admin(
        school=school, position=position, email=email, acting_director_elsewhere=acting,
        delegation=pdf() if delegation else None, **fields,
    )


def form_data(school, **extra):
    return {"school": school.code, "title_th": "นาง", "first_name": "วิไล", "last_name": "ดีงาม",
            "position": "teacher", "email": "wilai@school.test", "phone": "", **extra}


def stored_files(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0).replace("http://portal.test", "")


# --- The whole path -----------------------------------------------------------------------------

def test_register_approve_set_password_and_log_in(client, world,
                                                  django_capture_on_commit_callbacks):
    school = world.a.school2  # no admin yet
    lao_admin = world.a.users[Role.LAO_ADMIN]

    # 1. a teacher, delegated in writing, registers on the public page
    page = client.get("/register/school-admin/")
    assert page.status_code == 200
    assert "school-search" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/register/school-admin/",
                        {**form_data(school), "delegation": pdf()})
    assert r.status_code == 302, r.content.decode()
    done = client.get(r["Location"]).content.decode()
    assert school.name in done
    assert "wilai@school.test" in done
    pending = SchoolAdminRegistration.objects.get()
    assert pending.status == RegistrationStatus.PENDING
    assert pending.delegation.name.startswith("accounts/schooladminregistration/")
    assert pending.delegation.name.endswith(".pdf")

    # 2. the LAO education admin is told
    assert len(mail.outbox) == 1
    waiting = mail.outbox[0]
    assert waiting.to == [lao_admin.email]
    assert school.name in waiting.subject
    assert "http://portal.test/accounts/school-admin-requests/" in waiting.body
    assert "วิไล" in waiting.body

    # 3. the LAO admin sees the request, reads the delegation, approves
    client.force_login(lao_admin)
    page = client.get("/accounts/school-admin-requests/").content.decode()
    assert "วิไล" in page
    assert school.name in page
    pdf_response = client.get(f"/accounts/school-admin-requests/{pending.pk}/delegation/")
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    assert b"".join(pdf_response.streaming_content) == PDF_BYTES
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/accounts/school-admin-requests/{pending.pk}/approve/")
    assert r.status_code == 302
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.APPROVED
    assert pending.decided_by == lao_admin
    user = pending.user
    assert user.username == "wilai"
    assert not user.has_usable_password()
    assert not user.must_change_password
    assert Membership.objects.get(organization=school, role=Role.SCHOOL_ADMIN,
                                  is_active=True).user == user

    # 4. the registrant gets the link
    approved = mail.outbox[-1]
    assert approved.to == ["wilai@school.test"]
    assert "wilai" in approved.body
    assert "48 ชั่วโมง" in approved.body
    link = link_in(approved)

    # 5. sets a password through it
    client.logout()
    r = client.get(link)
    assert r.status_code == 302  # Django hides the token from the address bar
    form_url = r["Location"]
    page = client.get(form_url).content.decode()
    assert 'data-testid="username">wilai<' in page
    r = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == "/login/"

    # 6. logs in and sees the school on the dashboard
    r = client.post("/login/", {"username": "wilai", "password": NEW_PASSWORD})
    assert r.status_code == 302, r.content.decode()
    dashboard = client.get("/").content.decode()
    assert school.name in dashboard
    assert "ผู้ดูแลสถานศึกษา" in dashboard

    # the link worked once
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert 'data-testid="invalid-link"' in again
    assert "หมดอายุแล้วหรือถูกใช้ไปแล้ว" in again

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"school_admin_registration.create", "school_admin_registration.approve",
            "user.set_password_from_link"} <= actions


# --- Bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content"), [
    ("delegation.pdf", b"this is not a PDF at all"),
    ("delegation.pdf", PNG_BYTES),
    ("delegation.pdf", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows program named .pdf
])
def test_a_pdf_that_is_not_one_is_refused_and_nothing_is_kept(client, world, settings, name,
                                                               content):
    r = client.post("/register/school-admin/",
                    {**form_data(world.a.school2), "delegation": pdf(name, content)})
    assert r.status_code == 200
    assert "ต้องเป็น PDF" in r.content.decode()
    with pytest.raises(ValidationError) as exc:
        registration.register_school_admin(
            school=world.a.school2, title_th="นาย", first_name="ก", last_name="ข",
            position="teacher", email="x@school.test", acting_director_elsewhere=False,
            delegation=pdf(name, content),
        )
    assert "delegation" in exc.value.message_dict
    assert not SchoolAdminRegistration.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []
    assert mail.outbox == []


def test_a_delegation_over_10_mb_is_refused(world, settings):
    big = PDF_BYTES + b"\n%" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        registration.register_school_admin(
            school=world.a.school2, title_th="นาย", first_name="ก", last_name="ข",
            position="deputy", email="x@school.test", delegation=pdf(content=big),
        )
    assert "10 MB" in exc.value.message_dict["delegation"][0]
    assert not SchoolAdminRegistration.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(("position", "acting"), [("teacher", False), ("deputy", False),
                                                  ("director", True)])
def test_without_the_directors_own_registration_a_delegation_is_required(client, world,
                                                                         position, acting):
    with pytest.raises(ValidationError) as exc:
        request_at(world.a.school2, position=position, acting=acting, delegation=False)
    assert "หนังสือมอบหมาย" in exc.value.message_dict["delegation"][0]
    data = form_data(world.a.school2, position=position)
    if acting:
        data["acting_director_elsewhere"] = "on"
    r = client.post("/register/school-admin/", data)
    assert r.status_code == 200
    assert 'data-testid="error-delegation"' in r.content.decode()
    assert not SchoolAdminRegistration.objects.exists()


def test_the_director_registers_without_a_delegation(world):
    made = request_at(world.a.school2, position="director", delegation=False)
    assert made.status == RegistrationStatus.PENDING
    assert not made.delegation


def test_bad_fields_say_why_in_thai(client, world):
    r = client.post("/register/school-admin/", {"school": world.a.lao.code, "position": "x",
                                                "email": "not-an-email"})
    body = r.content.decode()
    assert "ไม่พบสถานศึกษารหัสนี้" in body  # an LAO's code is not a school's
    with pytest.raises(ValidationError) as exc:
        registration.register_school_admin(
            school=world.a.lao, title_th="", first_name="", last_name="", position="boss",
            email="nope", acting_director_elsewhere=False,
        )
    errors = exc.value.message_dict
    assert {"school", "title_th", "first_name", "last_name", "position", "email"} <= set(errors)
    assert "ไม่ใช่สถานศึกษา" in errors["school"][0]


def test_a_second_pending_request_from_the_same_email_is_refused(world):
    request_at(world.a.school2, email="Same@School.test")
    with pytest.raises(ValidationError) as exc:
        request_at(world.a.school2, email="same@school.test")
    assert "รออนุมัติอยู่แล้ว" in exc.value.message_dict["email"][0]
    # another school, or after a decision, is fine
    request_at(world.a.school, email="same@school.test")
    assert SchoolAdminRegistration.objects.count() == 2


def test_the_province_admins_are_told_when_the_lao_has_no_admin(
        world, django_capture_on_commit_callbacks):
    Membership.objects.filter(organization=world.a.lao, role=Role.LAO_ADMIN).update(
        is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        request_at(world.a.school2)
    assert [m.to for m in mail.outbox] == [[world.a.users[Role.PROVINCE_ADMIN].email]]


# --- Who decides -------------------------------------------------------------------------------

def _nothing_changed(pending, users_before):
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING
    assert pending.user is None
    assert pending.decided_by is None
    assert User.objects.count() == users_before


def test_approving_outside_ones_subtree_is_refused(client, world):
    pending = request_at(world.a.school2)
    users_before = User.objects.count()
    outsiders = [world.b.users[Role.LAO_ADMIN], world.b.users[Role.PROVINCE_ADMIN],
                 world.b.users[Role.SCHOOL_ADMIN], world.a.users[Role.STAFF],
                 world.a.users[Role.OFFICER],
                 # the admin of a school does not approve admins, not even of its own LAO's
                 # other school
                 world.a.users[Role.SCHOOL_ADMIN]]
    for outsider in outsiders:
        with pytest.raises(NotAllowed):
            registration.approve_school_admin(actor=outsider, registration=pending)
        with pytest.raises(NotAllowed):
            registration.reject_school_admin(actor=outsider, registration=pending, reason="x")
        client.force_login(outsider)
        for action in ("approve", "reject", "delegation"):
            method = client.get if action == "delegation" else client.post
            r = method(f"/accounts/school-admin-requests/{pending.pk}/{action}/",
                       {"reason": "ไม่ใช่"})
            assert r.status_code == 404, (outsider, action)
        assert "สมชาย" not in client.get("/accounts/school-admin-requests/").content.decode()
    _nothing_changed(pending, users_before)


def test_a_school_admin_cannot_approve_the_replacement_of_itself(world):
    pending = request_at(world.a.school)
    with pytest.raises(NotAllowed):
        registration.approve_school_admin(actor=world.a.users[Role.SCHOOL_ADMIN],
                                          registration=pending, revoke_reason="ขอลาออก")
    assert not registration.requests_for(world.a.users[Role.SCHOOL_ADMIN]).exists()


def test_those_above_the_lao_decide_too(world):
    for i, actor in enumerate([world.a.users[Role.PROVINCE_ADMIN], world.dla_admin]):
        pending = request_at(world.a.school2, email=f"p{i}@school.test")
        assert registration.requests_for(actor).filter(pk=pending.pk).exists()
        registration.reject_school_admin(actor=actor, registration=pending, reason="ข้อมูลผิด")


# --- One admin per school ---------------------------------------------------------------------

def test_a_second_admin_needs_the_old_one_revoked_with_a_reason(client, world,
                                                                django_capture_on_commit_callbacks):
    school = world.a.school
    old = Membership.objects.get(organization=school, role=Role.SCHOOL_ADMIN, is_active=True)
    lao_admin = world.a.users[Role.LAO_ADMIN]
    pending = request_at(school)
    users_before = User.objects.count()

    with pytest.raises(ValidationError) as exc:
        registration.approve_school_admin(actor=lao_admin, registration=pending)
    assert "มีผู้ดูแลอยู่แล้ว" in exc.value.message_dict["revoke_reason"][0]
    old.refresh_from_db()
    assert old.is_active
    _nothing_changed(pending, users_before)

    client.force_login(lao_admin)
    page = client.get("/accounts/school-admin-requests/").content.decode()
    assert 'data-testid="current-admin"' in page
    assert 'name="revoke_reason"' in page
    r = client.post(f"/accounts/school-admin-requests/{pending.pk}/approve/",
                    {"revoke_reason": "   "}, follow=True)
    assert "ต้องระบุเหตุผล" in r.content.decode()
    _nothing_changed(pending, users_before)

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/accounts/school-admin-requests/{pending.pk}/approve/",
                        {"revoke_reason": "ผู้ดูแลเดิมย้ายไปสถานศึกษาอื่น"})
    assert r.status_code == 302
    old.refresh_from_db()
    pending.refresh_from_db()
    assert not old.is_active
    assert pending.status == RegistrationStatus.APPROVED
    active = Membership.objects.filter(organization=school, role=Role.SCHOOL_ADMIN,
                                       is_active=True)
    assert [m.user for m in active] == [pending.user]
    revoke = AuditEvent.objects.get(action="membership.revoke")
    assert revoke.data["reason"] == "ผู้ดูแลเดิมย้ายไปสถานศึกษาอื่น"
    assert revoke.data["user_id"] == old.user_id
    assert revoke.actor == lao_admin


def test_two_approvals_at_once_one_fails_cleanly(world, monkeypatch):
    """Two supervising admins approve two requests of the same school at the same moment. Both
    checks for an active admin ran before either insert (simulated: the check is made to see
    nothing); the database constraint one_active_school_admin refuses the second insert, and
    that approval fails with a Thai message, changing nothing."""
    school = world.a.school2
    first = request_at(school, email="first@school.test")
    second = request_at(school, email="second@school.test")
    registration.approve_school_admin(actor=world.a.users[Role.LAO_ADMIN], registration=first)
    users_before = User.objects.count()
    audit_before = AuditEvent.objects.count()

    monkeypatch.setattr(registration, "_active_admin", lambda school: None)
    with pytest.raises(ValidationError) as exc:
        registration.approve_school_admin(actor=world.a.users[Role.PROVINCE_ADMIN],
                                          registration=second)
    assert "พร้อมกัน" in exc.value.messages[0]
    _nothing_changed(second, users_before)
    assert AuditEvent.objects.count() == audit_before
    active = Membership.objects.filter(organization=school, role=Role.SCHOOL_ADMIN,
                                       is_active=True)
    assert [m.user.email for m in active] == ["first@school.test"]


ON_POSTGRES = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def _race(pending, actors):
    """Approve ``pending[i]`` as ``actors[i]`` in two threads (two connections) at once."""
    import threading

    from django.db import connection

    outcomes: list = [None, None]

    def approve(i):
        try:
            registration.approve_school_admin(actor=User.objects.get(pk=actors[i].pk),
                                              registration=pending[i])
            outcomes[i] = "approved"
        except ValidationError as exc:
            outcomes[i] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def _race_world():
    from tests.factories import build_world

    world = build_world()
    school = world.a.school2
    pending = [request_at(school, email=f"race{i}@school.test") for i in range(2)]
    return school, pending, [world.a.users[Role.LAO_ADMIN], world.a.users[Role.PROVINCE_ADMIN]]


def _one_admin_left(school, outcomes, refusal):
    assert sorted(o == "approved" for o in outcomes) == [False, True], outcomes
    assert refusal in next(o for o in outcomes if o != "approved")
    assert Membership.objects.filter(organization=school, role=Role.SCHOOL_ADMIN,
                                     is_active=True).count() == 1
    assert SchoolAdminRegistration.objects.filter(status=RegistrationStatus.PENDING).count() == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_approvals_in_two_connections_take_turns():
    """For real: one approval wins; the other waits for the school's row lock, then finds the
    new admin and is refused (a revoke reason would be needed)."""
    school, pending, actors = _race_world()
    _one_admin_left(school, _race(pending, actors), "มีผู้ดูแลอยู่แล้ว")


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_constraint_still_holds(monkeypatch):
    """The school's row lock taken away and both checks made before either insert: the
    database constraint one_active_school_admin refuses the second insert, which becomes a
    clean Thai refusal."""
    import threading

    from accounts.models import Organization

    school, pending, actors = _race_world()
    monkeypatch.setattr(type(Organization.objects), "select_for_update",
                        lambda self, *args, **kwargs: self.all())
    both_looked = threading.Barrier(2)
    check = registration._active_admin

    def check_then_wait(school):
        found = check(school)
        both_looked.wait(10)
        return found

    monkeypatch.setattr(registration, "_active_admin", check_then_wait)
    _one_admin_left(school, _race(pending, actors), "พร้อมกัน")


def test_a_decided_request_is_not_decided_again(world):
    pending = request_at(world.a.school2)
    lao_admin = world.a.users[Role.LAO_ADMIN]
    registration.approve_school_admin(actor=lao_admin, registration=pending)
    for call in (lambda: registration.approve_school_admin(actor=lao_admin, registration=pending),
                 lambda: registration.reject_school_admin(actor=lao_admin, registration=pending,
                                                          reason="x")):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "พิจารณาไปแล้ว" in exc.value.messages[0]


def test_usernames_come_from_the_email_and_stay_unique(world):
    UserFactory(username="somchai")
    assert registration.username_for("Somchai@school.test") == "somchai2"
    assert registration.username_for("kru_a+b@school.test") == "kru_a+b"
    assert registration.username_for("ส.ม.ชาย@school.test", fallback="admin1001") == "admin1001"


# --- The link ----------------------------------------------------------------------------------

def _approved_link(world, django_capture_on_commit_callbacks):
    pending = request_at(world.a.school2)
    with django_capture_on_commit_callbacks(execute=True):
        registration.approve_school_admin(actor=world.a.users[Role.LAO_ADMIN],
                                          registration=pending)
    return link_in(mail.outbox[-1])


def test_the_link_expires_after_48_hours(client, world, monkeypatch,
                                         django_capture_on_commit_callbacks):
    assert django_settings.PASSWORD_RESET_TIMEOUT == 48 * 3600
    link = _approved_link(world, django_capture_on_commit_callbacks)
    now = datetime.datetime.now()
    generator = registration.set_password_token

    monkeypatch.setattr(generator, "_now", lambda: now + datetime.timedelta(hours=47, minutes=59))
    r = client.get(link)
    assert r.status_code == 302  # still good
    client.cookies.clear()

    monkeypatch.setattr(generator, "_now", lambda: now + datetime.timedelta(hours=48, minutes=1))
    page = client.get(link).content.decode()
    assert 'data-testid="invalid-link"' in page
    assert "48 ชั่วโมง" in page


def test_the_link_is_single_use_and_only_for_this_page(client, world,
                                                       django_capture_on_commit_callbacks):
    link = _approved_link(world, django_capture_on_commit_callbacks)
    form_url = client.get(link)["Location"]
    r = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert r.status_code == 200
    assert 'data-testid="field-error"' in r.content.decode()
    r = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    client.cookies.clear()
    assert 'data-testid="invalid-link"' in client.get(link, follow=True).content.decode()
    # a token of Django's password reset does not open this page
    from django.contrib.auth.tokens import default_token_generator

    user = User.objects.get(username="kru.somchai")
    uid = link.split("/")[-3]
    forged = f"/accounts/set-password/{uid}/{default_token_generator.make_token(user)}/"
    assert 'data-testid="invalid-link"' in client.get(forged).content.decode()


def test_after_an_expired_link_the_supervisor_sends_a_new_one(client, world, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    old_link = _approved_link(world, django_capture_on_commit_callbacks)
    pending = SchoolAdminRegistration.objects.get()
    later = datetime.datetime.now() + datetime.timedelta(hours=49)
    monkeypatch.setattr(registration.set_password_token, "_now", lambda: later)
    assert 'data-testid="invalid-link"' in client.get(old_link).content.decode()

    # outsiders cannot resend
    for outsider in (world.b.users[Role.LAO_ADMIN], world.a.users[Role.SCHOOL_ADMIN]):
        with pytest.raises(NotAllowed):
            registration.resend_set_password_link(actor=outsider, registration=pending)
        client.force_login(outsider)
        r = client.post(f"/accounts/school-admin-requests/{pending.pk}/resend-link/")
        assert r.status_code == 404

    client.force_login(world.a.users[Role.LAO_ADMIN])
    page = client.get("/accounts/school-admin-requests/").content.decode()
    assert 'data-testid="awaiting-password"' in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/accounts/school-admin-requests/{pending.pk}/resend-link/")
    assert r.status_code == 302
    new_link = link_in(mail.outbox[-1])
    assert mail.outbox[-1].to == ["kru.somchai@school.test"]
    client.logout()
    form_url = client.get(new_link)["Location"]
    r = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="school_admin_registration.resend_link").exists()

    # once the password is set there is nothing to resend
    with pytest.raises(ValidationError) as exc:
        registration.resend_set_password_link(actor=world.a.users[Role.LAO_ADMIN],
                                              registration=pending)
    assert "ตั้งรหัสผ่านแล้ว" in exc.value.messages[0]
    client.force_login(world.a.users[Role.LAO_ADMIN])
    page = client.get("/accounts/school-admin-requests/").content.decode()
    assert 'data-testid="awaiting-password"' not in page


# --- Reject ------------------------------------------------------------------------------------

def test_reject_needs_a_reason_and_emails_the_registrant(client, world,
                                                         django_capture_on_commit_callbacks):
    pending = request_at(world.a.school2)
    lao_admin = world.a.users[Role.LAO_ADMIN]
    with pytest.raises(ValidationError) as exc:
        registration.reject_school_admin(actor=lao_admin, registration=pending, reason="  ")
    assert "กรุณาระบุเหตุผล" in exc.value.message_dict["reason"][0]
    client.force_login(lao_admin)
    r = client.post(f"/accounts/school-admin-requests/{pending.pk}/reject/", {"reason": ""},
                    follow=True)
    assert "กรุณาระบุเหตุผล" in r.content.decode()
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/accounts/school-admin-requests/{pending.pk}/reject/",
                    {"reason": "หนังสือมอบหมายไม่มีลายมือชื่อผู้อำนวยการ"})
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.REJECTED
    assert pending.decision_reason == "หนังสือมอบหมายไม่มีลายมือชื่อผู้อำนวยการ"
    assert pending.user is None
    [message] = mail.outbox
    assert message.to == ["kru.somchai@school.test"]
    assert "ไม่ได้รับอนุมัติ" in message.subject
    assert "หนังสือมอบหมายไม่มีลายมือชื่อผู้อำนวยการ" in message.body
    assert AuditEvent.objects.filter(action="school_admin_registration.reject").exists()


# --- The school search -------------------------------------------------------------------------

def test_the_school_search_returns_only_schools(client, world):
    found = client.get("/register/schools/", {"q": "MARKER"}).json()["results"]
    assert {r["id"] for r in found} == {world.a.school.pk, world.a.school2.pk,
                                        world.b.school.pk, world.b.school2.pk}
    assert all(set(r) == {"id", "code", "name", "lao_name"} for r in found)
    by_id = {r["id"]: r for r in found}
    assert by_id[world.a.school.pk]["lao_name"] == world.a.lao.name
    # by code
    found = client.get("/register/schools/", {"q": world.a.school.code}).json()["results"]
    assert [r["id"] for r in found] == [world.a.school.pk]
    # an LAO, a province: never
    assert client.get("/register/schools/", {"q": world.a.lao.code}).json()["results"] == []
    assert client.get("/register/schools/", {"q": "จังหวัด"}).json()["results"] == []
    # nothing without a query of two characters: the tree is not handed out
    assert client.get("/register/schools/").json()["results"] == []
    assert client.get("/register/schools/", {"q": "M"}).json()["results"] == []
    # inactive schools are not offered
    world.b.school.is_active = False
    world.b.school.save()
    found = client.get("/register/schools/", {"q": "MARKER"}).json()["results"]
    assert world.b.school.pk not in {r["id"] for r in found}
    assert client.post("/register/schools/", {"q": "MARKER"}).status_code == 405


def test_the_public_page_lists_no_schools(client, world):
    body = client.get("/register/school-admin/").content.decode()
    assert "MARKER" not in body


def test_the_requests_page_queries_do_not_grow(client, world):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    made = []

    def grow(n):
        while len(made) < n:
            made.append(request_at(world.a.school2 if len(made) % 2 else world.a.school,
                                   email=f"r{len(made)}@school.test"))

    def check(response, n):
        assert response.content.decode().count('data-testid="school-admin-request"') == n

    # session, user, 2FA state, memberships, count, rows (school, LAO and current admin
    # annotated), the approved ones awaiting a password, and the session's save
    assert_query_budget(lambda: client.get("/accounts/school-admin-requests/"), grow, budget=11,
                        sizes=(1, 30), check=check)


# --- API ---------------------------------------------------------------------------------------

@pytest.fixture
def api():
    return APIClient()


def test_api_create_list_approve_reject(api, world, django_capture_on_commit_callbacks):
    data = {"school": world.a.school2.pk, "title_th": "นาย", "first_name": "เอพีไอ",
            "last_name": "ทดสอบ", "position": "deputy", "email": "api@school.test"}
    r = api.post("/api/v1/school-admin-registrations/", data, format="multipart")
    assert r.status_code == 400
    assert "หนังสือมอบหมาย" in r.json()["delegation"][0]
    r = api.post("/api/v1/school-admin-registrations/", {**data, "school": world.a.lao.pk},
                 format="multipart")
    assert r.status_code == 400
    assert "school" in r.json()
    r = api.post("/api/v1/school-admin-registrations/",
                 {**data, "delegation": pdf("x.pdf", b"not a pdf")}, format="multipart")
    assert r.status_code == 400
    assert "PDF" in r.json()["delegation"][0]
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post("/api/v1/school-admin-registrations/", {**data, "delegation": pdf()},
                     format="multipart")
    assert r.status_code == 201, r.content
    assert set(r.json()) == {"id", "school", "school_name", "status", "created_at"}
    pk = r.json()["id"]
    assert [m.to for m in mail.outbox] == [[world.a.users[Role.LAO_ADMIN].email]]

    # anonymous: no list, no decision
    assert api.get("/api/v1/school-admin-registrations/").status_code == 401
    assert api.post(f"/api/v1/school-admin-registrations/{pk}/approve/").status_code == 401

    # outside the subtree: 404 and nothing changes
    api.force_authenticate(world.b.users[Role.LAO_ADMIN])
    assert api.get("/api/v1/school-admin-registrations/").json()["results"] == []
    r = api.post(f"/api/v1/school-admin-registrations/{pk}/approve/", {}, format="json")
    assert r.status_code == 404
    assert "ไม่พบคำขอนี้" in r.json()["detail"]
    assert SchoolAdminRegistration.objects.get(pk=pk).status == RegistrationStatus.PENDING

    api.force_authenticate(world.a.users[Role.LAO_ADMIN])
    listed = api.get("/api/v1/school-admin-registrations/").json()["results"]
    assert [row["id"] for row in listed] == [pk]
    assert listed[0]["has_delegation"] is True
    assert listed[0]["lao_name"] == world.a.lao.name
    assert listed[0]["current_admin_username"] is None
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/school-admin-registrations/{pk}/approve/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "approved"
    assert LINK.search(mail.outbox[-1].body)

    # a second one at the same school: the revoke reason is required
    r = api.post("/api/v1/school-admin-registrations/",
                 {**data, "email": "api2@school.test", "delegation": pdf()}, format="multipart")
    second = r.json()["id"]
    listed = api.get("/api/v1/school-admin-registrations/").json()["results"]
    assert listed[0]["current_admin_username"] == "api"
    r = api.post(f"/api/v1/school-admin-registrations/{second}/approve/", {}, format="json")
    assert r.status_code == 400
    assert "revoke_reason" in r.json()
    r = api.post(f"/api/v1/school-admin-registrations/{second}/reject/", {}, format="json")
    assert r.status_code == 400
    assert "กรุณาระบุเหตุผล" in r.json()["reason"][0]
    r = api.post(f"/api/v1/school-admin-registrations/{second}/reject/",
                 {"reason": "มีผู้ดูแลแล้ว"}, format="json")
    assert r.status_code == 200
    assert r.json()["status"] == "rejected"
    assert api.get("/api/v1/school-admin-registrations/").json()["results"] == []
    # a new link for the approved admin who has not set a password
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/school-admin-registrations/{pk}/resend-link/")
    assert r.status_code == 204
    assert LINK.search(mail.outbox[-1].body)
    assert api.post(f"/api/v1/school-admin-registrations/{second}/resend-link/").status_code == 404


def test_the_api_is_in_the_openapi_schema(client):
    text = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/school-admin-registrations/",
                 "/api/v1/school-admin-registrations/{id}/approve/",
                 "/api/v1/school-admin-registrations/{id}/reject/"):
        assert path in text
    assert "revoke_reason" in text
    assert "delegation" in text
