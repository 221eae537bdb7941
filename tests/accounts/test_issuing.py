"""Credential issuing (issue 3, item 1): who may issue for whom, which accounts are missing, the
job (accounts, slips, list), the one-time passwords, re-issuing, the pages and the API.

The job's work is run here by calling ``issuing.run_job`` in this process (the unit tests' test
database lives in memory); tests/integration/test_issuing_worker.py runs it in a real worker.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts import issuing
from accounts.exceptions import NotAllowed
from accounts.models import (
    ApiToken,
    AuditEvent,
    IssuingJob,
    JobStatus,
    Membership,
    Organization,
    User,
)
from accounts.rules import OrgKind, Role
from tests.factories import UserFactory, make_org, member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kru-Thai-2569!x"


# --- reading the documents back ---

SLIP = re.compile(
    r"ใบที่\s*(?P<n>\d+)/(?P<of>\d+).*?"
    r"รหัสหน่วยงาน\s*(?P<code>\S+).*?"
    r"ชื่อผู้ใช้:\s*(?P<username>[a-z0-9-]+)\s*"
    r"รหัสผ่านครั้งแรก:\s*(?P<password>[A-Za-z0-9]+)",
    re.DOTALL,
)


def read_slips(data: bytes) -> list[dict]:
    """Every slip's number, organisation code, username and one-time password, in order."""
    reader = PdfReader(io.BytesIO(data))
    slips = []
    for page in reader.pages:
        text = page.extract_text().replace("\u200b", "")
        slips += [m.groupdict() for m in SLIP.finditer(text)]
    return slips


def read_list(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def body_of(response) -> bytes:
    """A file response's bytes (reading them to the end closes the file)."""
    return b"".join(response.streaming_content)


def run(job: IssuingJob) -> IssuingJob:
    issuing.run_job(job.pk)
    job.refresh_from_db()
    return job


def issue(actor, org, **kwargs) -> IssuingJob:
    return run(issuing.start_issuing(actor=actor, organization=org, **kwargs))


def credentials(job: IssuingJob) -> dict[str, str]:
    with job.pdf.open("rb") as f:
        return {s["username"]: s["password"] for s in read_slips(f.read())}


# --- who may issue for whom ---

def test_the_dla_admin_issues_anywhere_below_the_dla(world):
    dla = world.dla_admin
    for org in (world.agency, world.a.province, world.b.lao, world.a.school2):
        assert issuing.may_start_at(dla, org)
    for org in (world.a.province, world.b.lao, world.a.school2):
        assert issuing.may_issue_for(dla, org)
    assert not issuing.may_issue_for(dla, world.agency)  # the DLA's own accounts: not here
    assert not issuing.may_issue_for(dla, world.a.district)  # districts have no admin


def test_a_province_admin_issues_inside_its_province_only(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    job = issuing.start_issuing(actor=admin, organization=world.a.province)
    assert job.total == 1  # school2 of side A lacks its admin; the rest have one
    assert issuing.may_issue_for(admin, world.a.lao)
    assert not issuing.may_issue_for(admin, world.a.province)  # not its own level
    for org in (world.b.province, world.b.school2, world.agency):
        with pytest.raises(NotAllowed):
            issuing.start_issuing(actor=admin, organization=org)


def test_an_lao_admin_issues_for_its_schools_only(world):
    admin = world.a.users[Role.LAO_ADMIN]
    job = issuing.start_issuing(actor=admin, organization=world.a.school2)
    assert job.total == 1
    # its own LAO as a root is fine: only the schools below are issued
    assert [o.pk for o in issuing.missing_admin_organizations(admin, world.a.lao)] == [
        world.a.school2.pk]
    sister = make_org(world.a.district, OrgKind.LAO, "อบต. ข้างเคียง MARKER-A")
    assert not issuing.may_issue_for(admin, sister)
    assert not issuing.may_issue_for(admin, world.a.lao)
    for org in (world.a.province, world.a.district, sister, world.b.school2):
        with pytest.raises(NotAllowed):
            issuing.start_issuing(actor=admin, organization=org)


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.OFFICER, Role.GROUP_HEAD, Role.STAFF])
def test_school_admins_office_roles_and_staff_issue_nothing(world, role):
    user = world.a.users[role]
    jobs = IssuingJob.objects.count()
    for org in (world.a.school, world.a.school2, world.a.lao):
        with pytest.raises(NotAllowed):
            issuing.start_issuing(actor=user, organization=org)
    assert IssuingJob.objects.count() == jobs
    assert not issuing.startable_organizations(user).exists()


def test_outside_the_tree_is_refused_like_a_missing_organisation_and_nothing_changes(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    with pytest.raises(NotAllowed) as refused:
        issuing.start_issuing(actor=admin, organization=world.b.province)
    assert "ไม่พบหน่วยงานนี้" in str(refused.value)
    assert not IssuingJob.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="issuing").exists()


# --- which accounts are missing ---

def test_only_organisations_without_their_active_admin_get_an_account(world):
    dla = world.dla_admin
    lao2 = make_org(world.a.district, OrgKind.LAO, "อบต. ใหม่")
    school3 = make_org(lao2, OrgKind.SCHOOL, "โรงเรียนใหม่")
    closed = make_org(lao2, OrgKind.SCHOOL, "โรงเรียนที่ยุบแล้ว", is_active=False)
    # an admin whose role was revoked leaves the school without one
    Membership.objects.filter(organization=world.a.school, role=Role.SCHOOL_ADMIN).update(
        is_active=False)
    # a staff member or an officer is no admin
    member(UserFactory(), school3, Role.STAFF)
    member(UserFactory(), lao2, Role.OFFICER)
    missing = list(issuing.missing_admin_organizations(dla, world.a.province))
    assert [(o.code, o.admin_role) for o in missing] == sorted(
        [(lao2.code, Role.LAO_ADMIN), (world.a.school.code, Role.SCHOOL_ADMIN),
         (world.a.school2.code, Role.SCHOOL_ADMIN), (school3.code, Role.SCHOOL_ADMIN)],
        key=lambda pair: Organization.objects.get(code=pair[0]).path,
    )
    assert closed.pk not in {o.pk for o in missing}
    # and a whole new province gets its province admin too
    province = make_org(world.agency, OrgKind.PROVINCE, "จังหวัดใหม่", code="99")
    assert [o.admin_role for o in issuing.missing_admin_organizations(dla, province)] == [
        Role.PROVINCE_ADMIN]


def test_nothing_missing_is_a_thai_message_and_no_job(world):
    member(UserFactory(), world.a.school2, Role.SCHOOL_ADMIN)
    with pytest.raises(ValidationError) as refused:
        issuing.start_issuing(actor=world.a.users[Role.PROVINCE_ADMIN],
                              organization=world.a.province)
    assert "มีผู้ดูแลครบแล้ว" in refused.value.messages[0]
    assert not IssuingJob.objects.exists()


def test_usernames_are_stable_and_unique(world):
    dla = world.dla_admin
    province = make_org(world.agency, OrgKind.PROVINCE, "จังหวัด", code="48")
    lao = make_org(province, OrgKind.LAO, "เทศบาล", code="5480101")
    school = make_org(lao, OrgKind.SCHOOL, "โรงเรียน", code="1048010001")
    odd = make_org(lao, OrgKind.SCHOOL, "โรงเรียนรหัสแปลก", code="T-0001 A")
    UserFactory(username="sch1048010001")  # an earlier admin, role since revoked
    entries = issuing._new_entries(dla, province)
    assert [e.username for e in entries] == [
        "prv48", "lao5480101", "sch1048010001-2", "scht0001a"]
    assert [e.organization for e in entries] == [province, lao, school, odd]


# --- the one-time passwords ---

def test_one_time_passwords_are_long_random_and_unambiguous():
    passwords = {issuing.generate_password() for _ in range(500)}
    assert len(passwords) == 500
    for password in passwords:
        assert len(password) >= 12
        assert not set(password) & set("0O1lIio")
        assert set(password) <= set(issuing.PASSWORD_ALPHABET)


# --- the job ---

def test_starting_queues_the_task_after_commit_with_the_job_id(
        world, django_capture_on_commit_callbacks, monkeypatch):
    from accounts import tasks

    queued = []
    monkeypatch.setattr(tasks.issue_credentials, "apply_async",
                        lambda args, **options: queued.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = issuing.start_issuing(actor=world.dla_admin, organization=world.a.province)
    assert len(callbacks) == 1
    assert queued == [job.pk]
    assert job.status == JobStatus.QUEUED
    event = AuditEvent.objects.get(action="issuing.start")
    assert event.actor == world.dla_admin
    assert event.data["total"] == 1


def test_a_job_creates_the_accounts_with_hashed_one_time_passwords(world):
    dla = world.dla_admin
    lao2 = make_org(world.a.district, OrgKind.LAO, "อบต. ใหม่ MARKER-A")
    make_org(lao2, OrgKind.SCHOOL, "โรงเรียนใหม่ MARKER-A")
    job = issue(dla, world.a.province)
    assert job.status == JobStatus.DONE
    assert job.total == job.done == 3
    assert job.finished_at is not None
    issued = credentials(job)
    assert len(issued) == 3
    for username, password in issued.items():
        user = User.objects.get(username=username)
        assert user.must_change_password
        assert user.is_active
        assert password not in user.password  # stored hashed only
        assert user.check_password(password)
        m = user.memberships.get()
        assert m.role == issuing.ISSUED_ROLE[m.organization.kind]
    assert AuditEvent.objects.filter(action="issuing.account_create").count() == 3
    assert AuditEvent.objects.get(action="issuing.done").data["accounts"] == 3
    assert not any(p in str(e.data) for e in AuditEvent.objects.all() for p in issued.values())


def test_the_job_records_its_progress_as_the_accounts_are_prepared(world, monkeypatch):
    """Issue 17 item 13: the count the page polls moves account by account, and the page's
    percentage stays below 100 until the accounts and the slips are written."""
    lao2 = make_org(world.a.district, OrgKind.LAO, "อบต. ใหม่ MARKER-A")
    for n in range(5):
        make_org(lao2, OrgKind.SCHOOL, f"โรงเรียนใหม่ {n} MARKER-A")
    job = issuing.start_issuing(actor=world.dla_admin, organization=world.a.province)
    seen = []
    record = issuing.record_progress

    def watch(job_id, done):
        record(job_id, done)
        polled = IssuingJob.objects.get(pk=job_id)  # what the progress endpoint would read
        seen.append((polled.done, polled.total, polled.status, polled.percent))

    monkeypatch.setattr(issuing, "record_progress", watch)
    job = run(job)
    assert job.total == job.done == 7  # the new LAO, its five schools, school MARKER-A's LAO
    assert [done for done, *_ in seen] == list(range(1, 8))
    assert all(status == JobStatus.RUNNING and total == 7 for _, total, status, _ in seen)
    percents = [p for *_, p in seen]
    assert percents == sorted(percents)
    assert 0 < percents[0] < 50
    assert percents[-1] == 99
    assert job.percent == 100


def test_a_finished_job_run_again_does_nothing(world):
    job = issue(world.dla_admin, world.a.province)
    users, pdf = User.objects.count(), job.pdf.name
    issuing.run_job(job.pk)
    job.refresh_from_db()
    assert User.objects.count() == users
    assert job.pdf.name == pdf
    issuing.run_job(987654)  # a job that is gone: nothing to do, no error


def test_a_job_whose_accounts_were_issued_meanwhile_creates_no_duplicate(world):
    job = issuing.start_issuing(actor=world.dla_admin, organization=world.a.province)
    other = issue(world.a.users[Role.PROVINCE_ADMIN], world.a.school2)  # the same school
    assert other.total == 1
    job = run(job)
    assert job.status == JobStatus.DONE
    assert job.total == 0
    assert not job.pdf
    assert Membership.objects.filter(organization=world.a.school2, is_active=True).count() == 1


def test_a_failing_job_is_marked_failed_in_thai_and_leaves_nothing_behind(world, monkeypatch,
                                                                           settings):
    def broken(entries):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuing, "accounts_workbook", broken)
    users = User.objects.count()
    job = issue(world.dla_admin, world.a.province)
    assert job.status == JobStatus.FAILED
    assert "ไม่สำเร็จ" in job.error
    assert "RuntimeError" in job.error
    assert User.objects.count() == users
    assert not job.pdf
    media = Path(settings.MEDIA_ROOT)
    assert [p for p in media.rglob("*") if p.is_file()] == []  # no slips left on disk


def test_a_requester_who_lost_the_role_gets_a_failed_job(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    job = issuing.start_issuing(actor=admin, organization=world.a.province)
    Membership.objects.filter(user=admin).update(is_active=False)
    job = run(job)
    assert job.status == JobStatus.FAILED
    assert "สิทธิ์" in job.error
    assert not User.objects.filter(username=f"sch{world.a.school2.code.lower()}").exists()


# --- the demo province: slips read back, passwords used once ---

@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    return Organization.objects.get(code="48")


def test_issuing_for_the_demo_province_gives_slips_that_log_in_once_before_a_change(
        client, demo):
    admin = User.objects.get(username="province_admin")
    job = issue(admin, demo)
    assert job.status == JobStatus.DONE, job.error
    with job.pdf.open("rb") as f:
        pdf = f.read()
    slips = read_slips(pdf)
    # the LAOs and schools of นครพนม that lack their admin: 3 LAOs and 7 schools
    assert len(slips) == job.total == 10
    assert [int(s["n"]) for s in slips] == list(range(1, 11))
    assert {s["of"] for s in slips} == {"10"}
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2  # eight slips to a page
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\u200b", "")
    assert issuing.login_url() in text
    assert "เข้าสู่ระบบแล้วต้องเปลี่ยนรหัสผ่านทันที" in text
    expected_codes = [o.code for o in Organization.objects.filter(
        path__startswith=demo.path, kind__in=[OrgKind.LAO, OrgKind.SCHOOL]).order_by("path")
        if o.code not in ("5480101", "1048010001")]
    assert [s["code"] for s in slips] == expected_codes
    assert "sch1048010002" in {s["username"] for s in slips}
    assert "lao6480000" in {s["username"] for s in slips}

    # the Excel list: the same accounts in the same order
    with job.xlsx.open("rb") as f:
        rows = read_list(f.read())
    assert rows[0] == issuing.XLSX_HEADERS
    assert [(r[1], r[4], r[5]) for r in rows[1:]] == [
        (s["code"], s["username"], s["password"]) for s in slips]
    assert all(isinstance(r[1], str) for r in rows[1:])

    for slip in slips:
        username, password = slip["username"], slip["password"]
        assert client.login(username=username, password=password), username
        r = client.get("/")
        assert r.status_code == 302
        assert r["Location"] == reverse("password_change")
        r = client.post(reverse("password_change"), {
            "old_password": password, "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        })
        assert r.status_code == 302, r.content.decode()
        assert client.get("/").status_code == 200
        client.logout()
        assert not client.login(username=username, password=password), username
        assert client.login(username=username, password=NEW_PASSWORD)
        client.logout()
        assert not User.objects.get(username=username).must_change_password


def test_reissuing_invalidates_the_old_password(client, demo):
    admin = User.objects.get(username="province_admin")
    first = credentials(issue(admin, demo))
    username = "sch1048010002"
    user = User.objects.get(username=username)
    ApiToken.objects.create(user=user)
    old = first[username]
    job = issue(admin, demo, reissue_user=user)
    assert job.status == JobStatus.DONE, job.error
    second = credentials(job)
    assert list(second) == [username]
    assert second[username] != old
    user.refresh_from_db()
    assert user.must_change_password
    assert not client.login(username=username, password=old)
    assert client.login(username=username, password=second[username])
    assert not ApiToken.objects.filter(user=user).exists()
    assert User.objects.filter(username__startswith="sch1048010002").count() == 1
    assert AuditEvent.objects.filter(action="issuing.password_reissue",
                                     target_id=str(user.pk)).count() == 1


def test_an_lao_admin_reissues_for_its_school_admin_only(world):
    lao_admin = world.a.users[Role.LAO_ADMIN]
    school_admin = world.a.users[Role.SCHOOL_ADMIN]
    job = issuing.start_issuing(actor=lao_admin, organization=world.a.lao,
                                reissue_user=school_admin)
    assert job.total == 1
    assert run(job).status == JobStatus.DONE
    # not the LAO's own admin account, nor an admin of another LAO
    other = member(UserFactory(), world.a.lao, Role.LAO_ADMIN)
    with pytest.raises(NotAllowed):
        issuing.start_issuing(actor=lao_admin, organization=world.a.lao, reissue_user=other)
    with pytest.raises(ValidationError):
        issuing.start_issuing(actor=lao_admin, organization=world.a.lao, reissue_user=lao_admin)


def test_reissue_is_refused_for_accounts_that_are_not_admins_of_the_subtree(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    for user in (world.a.users[Role.STAFF], world.a.users[Role.OFFICER],
                 world.b.users[Role.SCHOOL_ADMIN]):
        with pytest.raises(ValidationError) as refused:
            issuing.start_issuing(actor=admin, organization=world.a.province, reissue_user=user)
        assert "ไม่ใช่บัญชีผู้ดูแล" in refused.value.messages[0]
    # a school admin who is also province admin elsewhere: a new password would reach there
    double = world.a.users[Role.SCHOOL_ADMIN]
    member(double, world.b.province, Role.PROVINCE_ADMIN)
    with pytest.raises(NotAllowed):
        issuing.start_issuing(actor=admin, organization=world.a.province, reissue_user=double)
    # a superuser's password is not given out by a province
    boss = world.a.users[Role.LAO_ADMIN]
    User.objects.filter(pk=boss.pk).update(is_superuser=True)
    boss.refresh_from_db()
    with pytest.raises(NotAllowed):
        issuing.start_issuing(actor=admin, organization=world.a.province, reissue_user=boss)
    assert not IssuingJob.objects.exists()


# --- pages ---

def test_the_issuing_page_offers_only_what_the_user_may_issue_for(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    page = client.get(reverse("issuing_start")).content.decode()
    assert world.a.province.name in page
    assert world.a.lao.name in page
    assert world.b.province.name not in page
    assert world.agency.name not in page
    # a school comes preselected from its organisation page
    page = client.get(reverse("issuing_start"), {"org": world.a.school2.pk}).content.decode()
    assert f'value="{world.a.school2.pk}" selected' in page
    # the organisation's page links here, with a re-issue button per admin
    detail = client.get(reverse("organization_detail", args=[world.a.school.pk])).content.decode()
    assert 'data-testid="issue-accounts"' in detail
    assert 'data-testid="reissue"' in detail


def test_school_admins_and_staff_get_403_on_the_issuing_page(client, world):
    for role in (Role.SCHOOL_ADMIN, Role.STAFF, Role.OFFICER):
        client.force_login(world.a.users[role])
        assert client.get(reverse("issuing_start")).status_code == 403
        detail = client.get(reverse("organization_detail", args=[world.a.school.pk]))
        assert 'data-testid="issue-accounts"' not in detail.content.decode()


def test_start_watch_and_download_through_the_pages(client, world, monkeypatch):
    monkeypatch.setattr(issuing, "_queue", lambda job_id: None)  # run below, by hand
    admin = world.a.users[Role.PROVINCE_ADMIN]
    client.force_login(admin)
    r = client.post(reverse("issuing_start"), {"organization": world.a.province.pk})
    assert r.status_code == 302
    job = IssuingJob.objects.get()
    assert r["Location"] == reverse("issuing_detail", args=[job.pk])
    page = client.get(r["Location"])
    assert page["Cache-Control"] == "no-store"
    assert "progress-bar" in page.content.decode()
    assert "js/issuing.js" in page.content.decode()
    progress = client.get(reverse("issuing_progress", args=[job.pk])).json()
    assert progress == {
        "id": job.pk, "status": "queued", "status_display": "รอดำเนินการ", "done": 0,
        "total": 1, "percent": 0, "error": "", "pdf_url": None, "xlsx_url": None,
    }
    assert client.get(reverse("issuing_pdf", args=[job.pk])).status_code == 404  # not yet

    run(job)
    progress = client.get(reverse("issuing_progress", args=[job.pk])).json()
    assert progress["status"] == "done"
    assert progress["percent"] == 100
    assert progress["pdf_url"] == reverse("issuing_pdf", args=[job.pk])
    page = client.get(reverse("issuing_detail", args=[job.pk])).content.decode()
    assert 'data-testid="download-pdf"' in page
    pdf = client.get(progress["pdf_url"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    assert "attachment" in pdf["Content-Disposition"]
    assert len(read_slips(body_of(pdf))) == 1
    xlsx = client.get(progress["xlsx_url"])
    assert xlsx.status_code == 200
    assert xlsx["Cache-Control"] == "no-store"
    assert len(read_list(body_of(xlsx))) == 2

    # nobody else: not the DLA admin, not a colleague of the same province
    colleague = member(UserFactory(), world.a.province, Role.PROVINCE_ADMIN)
    for other in (world.dla_admin, colleague, world.b.users[Role.PROVINCE_ADMIN]):
        client.force_login(other)
        for name in ("issuing_detail", "issuing_progress", "issuing_pdf", "issuing_xlsx"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (name, other)


def test_the_page_shows_refusals_in_thai(client, world, monkeypatch):
    monkeypatch.setattr(issuing, "_queue", lambda job_id: None)
    client.force_login(world.a.users[Role.LAO_ADMIN])
    r = client.post(reverse("issuing_start"), {"organization": world.b.school2.pk})
    assert r.status_code == 200
    assert "ไม่มีสิทธิ์ออกบัญชีผู้ใช้ให้หน่วยงานนี้" in r.content.decode()
    r = client.post(reverse("issuing_start"), {"organization": world.a.school.pk})
    assert "มีผู้ดูแลครบแล้ว" in r.content.decode()
    r = client.post(reverse("issuing_start"), {"organization": world.a.lao.pk,
                                               "reissue_username": "nobody-here"})
    assert "ไม่ใช่บัญชีผู้ดูแล" in r.content.decode()
    assert not IssuingJob.objects.exists()
    r = client.post(reverse("issuing_start"), {
        "organization": world.a.lao.pk,
        "reissue_username": world.a.users[Role.SCHOOL_ADMIN].username})
    assert r.status_code == 302
    r = client.post(reverse("issuing_start"), {
        "organization": world.a.lao.pk,
        "reissue_username": world.a.users[Role.SCHOOL_ADMIN].username})
    assert "กำลังดำเนินการอยู่" in r.content.decode()  # a double click starts one job
    assert IssuingJob.objects.count() == 1


def test_organisation_page_queries_stay_bounded_with_the_issuing_buttons(
        client, world, django_assert_max_num_queries):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("organization_detail", args=[world.a.lao.pk])).status_code == 200


# --- API ---

@pytest.fixture
def api():
    return APIClient()


def test_the_api_starts_reports_and_serves_the_files(api, world, monkeypatch):
    monkeypatch.setattr(issuing, "_queue", lambda job_id: None)
    api.force_authenticate(world.a.users[Role.PROVINCE_ADMIN])
    r = api.post("/api/v1/issuing/", {"organization": world.a.province.pk}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "queued"
    assert body["total"] == 1
    assert body["organization"]["code"] == world.a.province.code
    assert body["pdf_url"] is None
    run(IssuingJob.objects.get(pk=body["id"]))
    body = api.get(f"/api/v1/issuing/{body['id']}/").json()
    assert body["status"] == "done"
    assert body["pdf_url"].endswith(f"/api/v1/issuing/{body['id']}/slips.pdf/")
    pdf = api.get(body["pdf_url"], HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Cache-Control"] == "no-store"
    assert len(read_slips(body_of(pdf))) == 1
    xlsx = api.get(body["xlsx_url"])
    assert xlsx.status_code == 200
    assert len(read_list(body_of(xlsx))) == 2
    assert [j["id"] for j in api.get("/api/v1/issuing/").json()["results"]] == [body["id"]]

    api.force_authenticate(world.dla_admin)  # not the requester
    for url in (f"/api/v1/issuing/{body['id']}/", body["pdf_url"], body["xlsx_url"]):
        assert api.get(url).status_code == 404
    assert api.get("/api/v1/issuing/").json()["results"] == []


def test_the_api_gives_the_same_answers_as_the_service(api, world):
    api.force_authenticate(world.a.users[Role.LAO_ADMIN])
    r = api.post("/api/v1/issuing/", {"organization": world.b.school2.pk}, format="json")
    assert r.status_code == 404
    assert "ไม่พบหน่วยงานนี้" in r.json()["detail"]
    r = api.post("/api/v1/issuing/", {"organization": world.a.province.pk}, format="json")
    assert r.status_code in (403, 404)
    r = api.post("/api/v1/issuing/", {"organization": world.a.school.pk}, format="json")
    assert r.status_code == 400
    assert "มีผู้ดูแลครบแล้ว" in r.json()[0]
    r = api.post("/api/v1/issuing/", {"organization": world.a.lao.pk,
                                      "reissue_username": world.a.users[Role.STAFF].username},
                 format="json")
    assert r.status_code == 400
    api.force_authenticate(world.a.users[Role.SCHOOL_ADMIN])
    r = api.post("/api/v1/issuing/", {"organization": world.a.school.pk}, format="json")
    assert r.status_code == 403
    assert "ไม่มีสิทธิ์" in r.json()["detail"]
    assert not IssuingJob.objects.exists()


def test_the_issuing_api_is_in_the_schema(client):
    text = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/issuing/", "/api/v1/issuing/{id}/",
                 "/api/v1/issuing/{id}/slips.pdf/", "/api/v1/issuing/{id}/list.xlsx/"):
        assert path in text
    assert "reissue_username" in text


def test_anonymous_callers_are_refused(api, client, world):
    job = IssuingJob.objects.create(organization=world.a.province,
                                    requested_by=world.a.users[Role.PROVINCE_ADMIN])
    assert api.get("/api/v1/issuing/").status_code == 401
    assert api.post("/api/v1/issuing/", {"organization": 1}).status_code == 401
    r = client.get(reverse("issuing_progress", args=[job.pk]))
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")
