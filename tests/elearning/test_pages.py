"""e-Learning pages: thin views over the services, scoped, with bounded queries."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Membership
from accounts.rules import Role
from core.tabular import XLSX_CONTENT_TYPE
from elearning import reports, rules, services
from elearning.models import Completion, CompletionStatus, Course, Requirement, Round, UnitReport
from tests.elearning import helpers
from tests.elearning.helpers import DAY_IN_2569_R1, TODAY, course, png
from tests.factories import UserFactory, member
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db


def record(user, **kwargs):
    return services.record_completion(actor=user, course=kwargs.pop("course_obj", course()),
                                      completed_on=kwargs.pop("day", DAY_IN_2569_R1),
                                      certificate=kwargs.pop("upload", png()), today=TODAY)


def grow_learners(school, round_, n, *, passed_every=2):
    """``n`` staff members at ``school`` (the world's staff member counts), every
    ``passed_every``-th with an accepted course in ``round_``."""
    have = Membership.objects.filter(organization=school, role=Role.STAFF).count()
    c = course()
    for i in range(have, n):
        user = member(UserFactory(), school, Role.STAFF)
        if i % passed_every == 0:
            Completion.objects.create(user=user, organization=school, course=c,
                                      completed_on=round_.starts_on, status="accepted",
                                      decided_at=timezone.now())


# --- the learner ---------------------------------------------------------------------------------


def test_a_staff_member_records_a_course_and_sees_it_waiting(world, round1, login):
    client = login(world.a.users[Role.STAFF])
    page = client.get("/elearning/completions/new/")
    assert page.status_code == 200
    response = client.post("/elearning/completions/new/", {
        "course": course().pk, "completed_on": "2025-11-10", "certificate": png()})
    completion = Completion.objects.get()
    assert response["Location"] == f"/elearning/completions/{completion.pk}/"
    home = client.get(f"/elearning/?round={round1.pk}").content.decode()
    assert 'data-testid="completion-row"' in home
    assert "ผ่าน 0 จาก 1 หลักสูตร (รอตรวจ 1 รายการ)" in home
    detail = client.get(f"/elearning/completions/{completion.pk}/").content.decode()
    assert 'data-testid="accept"' not in detail  # not for the learner


def test_a_bad_certificate_shows_the_reason_and_saves_nothing(world, round1, login):
    client = login(world.a.users[Role.STAFF])
    html = client.post("/elearning/completions/new/", {
        "course": course().pk, "completed_on": "2025-11-10",
        "certificate": helpers.pdf(data=b"hello")}).content.decode()
    assert "ไม่ใช่ PDF, JPG หรือ PNG" in html
    html = client.post("/elearning/completions/new/", {
        "completed_on": "2025-11-10", "certificate": png()}).content.decode()
    assert "กรุณาเลือกหลักสูตรจากรายการ" in html
    assert not Completion.objects.exists()


def test_the_certificate_is_served_to_the_learner_and_supervisor_only(world, round1, login,
                                                                      client):
    completion = record(world.a.users[Role.STAFF])
    url = f"/elearning/completions/{completion.pk}/certificate/"
    response = login(world.a.users[Role.SCHOOL_ADMIN]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == helpers.PNG_BYTES
    for outsider in (world.b.users[Role.SCHOOL_ADMIN], world.b.users[Role.PROVINCE_ADMIN]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"/elearning/completions/{completion.pk}/").status_code == 404


# --- the supervisor ----------------------------------------------------------------------------


def test_the_supervisor_accepts_from_the_review_queue(world, round1, login):
    completion = record(world.a.users[Role.STAFF])
    client = login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get("/elearning/review/").content.decode()
    assert html.count('data-testid="review-row"') == 1
    response = client.post(f"/elearning/completions/{completion.pk}/",
                           {"action": "accept", "next": "/elearning/review/"})
    assert response["Location"] == "/elearning/review/"
    completion.refresh_from_db()
    assert completion.status == "accepted"


def test_rejecting_without_a_reason_says_so(world, round1, login):
    completion = record(world.a.users[Role.STAFF])
    client = login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.post(f"/elearning/completions/{completion.pk}/", {"action": "reject"},
                       follow=True).content.decode()
    assert "กรุณาระบุเหตุผลที่ไม่รับรอง" in html
    completion.refresh_from_db()
    assert completion.status == "pending"


def test_review_queue_queries_do_not_grow(world, round1, login):
    school = world.a.school
    client = login(world.a.users[Role.LAO_ADMIN])

    def grow(n):
        c = course()
        while Completion.objects.count() < n:
            user = member(UserFactory(), school, Role.STAFF)
            Completion.objects.create(user=user, organization=school, course=c,
                                      completed_on=DAY_IN_2569_R1)

    def check(response, n):
        assert response.content.decode().count('data-testid="review-row"') == min(n, 50)

    assert_query_budget(lambda: client.get("/elearning/review/"), grow, budget=10,
                        check=check)


def test_a_staff_member_has_no_review_queue_nor_dashboard(world, login):
    client = login(world.a.users[Role.STAFF])
    assert client.get("/elearning/review/").status_code == 403
    assert client.get("/elearning/dashboard/").status_code == 403


# --- the dashboard -----------------------------------------------------------------------------


def dashboard_url(unit, round_):
    return f"/elearning/dashboard/?organization={unit.pk}&round={round_.pk}"


def test_the_dashboard_shows_the_share_and_who_has_not_passed(world, round1, login):
    a = world.a
    completion = record(a.users[Role.STAFF])
    client = login(a.users[Role.LAO_ADMIN])
    html = client.get(dashboard_url(a.school, round1)).content.decode()
    assert 'data-testid="kpi-percent">0%' in html
    assert html.count('data-testid="not-passed-row"') == 2
    services.accept_completion(actor=a.users[Role.SCHOOL_ADMIN], completion=completion)
    html = client.get(dashboard_url(a.school, round1)).content.decode()
    assert 'data-testid="kpi-percent">50%' in html
    assert html.count('data-testid="not-passed-row"') == 1
    assert 'id="chart-data"' in html


def test_another_provinces_unit_is_not_found(world, round1, login):
    client = login(world.b.users[Role.PROVINCE_ADMIN])
    assert client.get(dashboard_url(world.a.school, round1)).status_code == 404
    assert client.get(f"/elearning/reports/{round1.pk}/{world.a.school.pk}/report.xlsx"
                      ).status_code == 404
    assert client.get(f"/elearning/reports/{round1.pk}/{world.a.school.pk}/report.pdf"
                      ).status_code == 404
    html = client.get(f"/elearning/dashboard/?round={round1.pk}").content.decode()
    assert "MARKER-A" not in html
    assert "MARKER-B" in html


def test_dashboard_queries_do_not_grow_with_the_people(world, round1, login):
    client = login(world.a.users[Role.PROVINCE_ADMIN])

    def check(response, n):
        html = response.content.decode()
        # n staff at the school plus five admins and officers of the province
        assert html.count('data-testid="learner-row"') == n + 5

    _small, _large = assert_query_budget(
        lambda: client.get(dashboard_url(world.a.province, round1)),
        lambda n: grow_learners(world.a.school, round1, n), budget=16, sizes=(3, 60),
        check=check)


def test_the_reminder_and_the_submission_from_the_dashboard(world, round1, login, eager,
                                                            django_capture_on_commit_callbacks):
    client = login(world.a.users[Role.LAO_ADMIN])
    url = dashboard_url(world.a.school, round1)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(url, {"action": "remind"}, follow=True).content.decode()
    assert "ส่งอีเมลแจ้งเตือนผู้ที่ยังไม่ผ่านเกณฑ์ 2 คนแล้ว" in html
    html = client.post(url, {"action": "submit", "submitted_on": "2026-03-18"},
                       follow=True).content.decode()
    report = UnitReport.objects.get()
    assert (report.working_days_late, str(report.penalty)) == (3, "0.75")
    assert "ล่าช้า 3 วันทำการ ปรับลด 0.75 คะแนน" in html


def test_a_school_admin_cannot_backdate_its_own_submission(world, round1, login):
    client = login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.post(dashboard_url(world.a.school, round1),
                       {"action": "submit", "submitted_on": "2026-03-18"}).content.decode()
    assert "เฉพาะวันนี้" in html
    assert not UnitReport.objects.exists()


# --- the report --------------------------------------------------------------------------------


def test_the_excel_report_has_the_fixed_layout(world, round1, login):
    a = world.a
    services.accept_completion(actor=a.users[Role.SCHOOL_ADMIN],
                               completion=record(a.users[Role.STAFF]))
    services.record_report_submission(actor=a.users[Role.LAO_ADMIN], organization=a.school,
                                      round_=round1, submitted_on=datetime.date(2026, 3, 16),
                                      today=datetime.date(2026, 3, 20))
    response = login(a.users[Role.LAO_ADMIN]).get(
        f"/elearning/reports/{round1.pk}/{a.school.pk}/report.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["สรุป", "บุคลากร", "หลักสูตร"]
    summary = book["สรุป"]
    cells = {summary.cell(row=row, column=1).value: summary.cell(row=row, column=2).value
             for row, _key, _label in reports.SUMMARY_ROWS}
    assert cells["รหัสหน่วยงาน"] == a.school.code
    assert (cells["บุคลากรทั้งหมด (คน)"], cells["ผ่านเกณฑ์ (คน)"]) == (2, 1)
    assert cells["ร้อยละของบุคลากรที่ผ่านเกณฑ์"] == 50
    assert cells["วันที่ส่งรายงาน"] == "16/03/2569"
    assert cells["คะแนนที่ถูกปรับลด"] == 0.25
    people = book["บุคลากร"]
    assert [c.value for c in people[1]] == [label for _k, label in reports.PEOPLE_COLUMNS]
    rows = {r[3]: r for r in people.iter_rows(min_row=2, values_only=True)}
    staff = rows[a.users[Role.STAFF].national_id]  # 13 digits kept as text
    assert staff[10:16] == (1, 1, 0, 0, 0, "ผ่าน")
    courses = book["หลักสูตร"]
    assert [c.value for c in courses[1]] == [label for _k, label in reports.COURSE_COLUMNS]
    assert courses.max_row == 2
    assert courses.cell(row=2, column=9).value == "10/11/2568"


def test_the_pdf_report_appends_every_accepted_certificate(world, round1, login):
    a = world.a
    lao_admin = a.users[Role.LAO_ADMIN]
    services.accept_completion(actor=lao_admin, completion=record(a.users[Role.STAFF]))
    services.accept_completion(actor=lao_admin, completion=record(
        a.users[Role.SCHOOL_ADMIN], upload=helpers.pdf(data=helpers.real_pdf_bytes(2))))
    record(member(UserFactory(), a.school, Role.STAFF))  # pending: not in the report
    response = login(lao_admin).get(f"/elearning/reports/{round1.pk}/{a.school.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # the cover, a page for the PNG, a heading page and the two pages of the PDF certificate
    assert len(reader.pages) == 1 + 1 + 1 + 2
    assert "Certificate page 2" in text


def test_report_queries_do_not_grow(world, round1, login):
    client = login(world.a.users[Role.LAO_ADMIN])
    url = f"/elearning/reports/{round1.pk}/{world.a.lao.pk}/report.xlsx"
    assert_query_budget(lambda: client.get(url),
                        lambda n: grow_learners(world.a.school, round1, n), budget=14)


# --- import ------------------------------------------------------------------------------------


def test_the_import_page_and_its_template(world, round1, login):
    client = login(world.a.users[Role.SCHOOL_ADMIN])
    assert client.get("/elearning/import/").status_code == 200
    template = client.get("/elearning/import/template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book["ผลการเรียน"][1]][:2] == [
        "เลขประจำตัวประชาชน (national_id)", "ช่องทาง (channel)"]
    csv = ("national_id,channel,course_name,completed_on\n"
           f"{world.a.users[Role.STAFF].national_id},Local MOOC,ระเบียบงานบุคคล,10/11/2568\n")
    upload = helpers.SimpleUploadedFile("done.csv", csv.encode())
    html = client.post("/elearning/import/", {"file": upload}).content.decode()
    assert "นำเข้าเรียบร้อย 1 รายการ" in html
    assert login(world.a.users[Role.STAFF]).get("/elearning/import/").status_code == 403


# --- national data ------------------------------------------------------------------------------


def test_the_dla_admin_keeps_the_catalogue_rounds_holidays_and_requirements(world, login):
    client = login(world.dla_admin)
    local = helpers.channel(rules.LOCAL_MOOC)
    client.post("/elearning/courses/", {"action": "course", "course-channel": local.pk,
                                        "course-name": "หลักสูตรใหม่", "course-hours": "3"})
    assert Course.objects.filter(name="หลักสูตรใหม่", channel=local).exists()
    client.post("/elearning/courses/", {"action": "channel", "channel-code": "dla_academy",
                                        "channel-name": "DLA Academy"})
    assert "DLA Academy" in client.get("/elearning/courses/").content.decode()
    client.post("/elearning/rounds/", {"action": "year", "year-fiscal_year_be": "2570"})
    assert Round.objects.filter(fiscal_year_be=2570).count() == 2
    round_ = Round.objects.get(fiscal_year_be=2570, number=1)
    response = client.post(f"/elearning/rounds/{round_.pk}/edit/", {
        "starts_on": "2026-10-01", "ends_on": "2027-03-31", "report_opens_on": "2027-03-01",
        "report_deadline": "2027-03-16", "cutoff_on": "2027-03-22"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.report_deadline == datetime.date(2027, 3, 16)
    client.post("/elearning/rounds/", {"action": "holiday", "holiday-date": "2027-03-17",
                                       "holiday-name": "วันหยุดพิเศษ"})
    html = client.get("/elearning/rounds/").content.decode()
    assert "วันหยุดพิเศษ" in html
    assert "วันสงกรานต์" in html  # the holiday library's Thai names
    client.post("/elearning/requirements/", {"name": "เจ้าหน้าที่", "role": Role.OFFICER,
                                             "min_courses": "2", "priority": "10",
                                             "is_active": "on", f"channel_{local.pk}": "1"})
    officers = Requirement.objects.get(name="เจ้าหน้าที่")
    assert officers.channel_minimums.get().minimum == 1
    response = client.post(f"/elearning/requirements/{officers.pk}/edit/", {
        "name": "เจ้าหน้าที่", "role": Role.OFFICER, "min_courses": "3", "priority": "10"})
    officers.refresh_from_db()
    assert (officers.min_courses, officers.is_active) == (3, False)
    assert not officers.channel_minimums.exists()


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.SCHOOL_ADMIN, Role.STAFF])
def test_others_read_the_national_data_but_cannot_change_it(world, round1, login, role):
    client = login(world.a.users[role])
    for url in ("/elearning/courses/", "/elearning/rounds/", "/elearning/requirements/"):
        assert client.get(url).status_code == 200
        assert client.post(url, {"action": "year", "year-fiscal_year_be": "2571"}
                           ).status_code == 403
    assert client.get(f"/elearning/rounds/{round1.pk}/edit/").status_code == 403
    assert client.get(f"/elearning/requirements/{helpers.requirement().pk}/edit/"
                      ).status_code == 403
    assert client.post(f"/elearning/holidays/{helpers.extra_holiday().pk}/delete/"
                       ).status_code == 403
    assert not Round.objects.filter(fiscal_year_be=2571).exists()


def test_the_portal_dashboard_has_an_elearning_panel(world, login):
    html = login(world.a.users[Role.LAO_ADMIN]).get("/").content.decode()
    fiscal_year_be, number = rules.round_of(timezone.localdate())
    assert f"e-Learning รอบที่ {number}/{fiscal_year_be}" in html
    assert f"/elearning/dashboard/?organization={world.a.lao.pk}" in html


def test_statuses_of_completions_are_thai(world, round1):
    assert CompletionStatus.ACCEPTED.label == "รับรองแล้ว"
    assert str(round1) == "รอบที่ 1/2569"


def test_my_page_queries_do_not_grow(world, round1, login):
    staff = world.a.users[Role.STAFF]
    client = login(staff)
    names = iter(range(1000))

    def grow(n):
        while Completion.objects.filter(user=staff).count() < n:
            Completion.objects.create(user=staff, organization=world.a.school,
                                      course=course(name=f"หลักสูตร {next(names)}"),
                                      completed_on=DAY_IN_2569_R1)

    def check(response, n):
        assert response.content.decode().count('data-testid="completion-row"') == min(n, 50)

    assert_query_budget(lambda: client.get(f"/elearning/?round={round1.pk}"), grow, budget=13,
                        check=check)


def test_catalogue_queries_do_not_grow(world, login):
    client = login(world.a.users[Role.STAFF])
    names = iter(range(1000))

    def grow(n):
        while Course.objects.count() < n:
            course(code=rules.THAI_MOOC, name=f"หลักสูตร {next(names)}")

    def check(response, n):
        assert response.content.decode().count('data-testid="course-row"') == min(n, 50)

    assert_query_budget(lambda: client.get("/elearning/courses/"), grow, budget=9, check=check)
