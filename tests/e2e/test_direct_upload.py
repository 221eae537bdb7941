"""The applicant uploads evidence straight to the object store in Chromium (static/js/evidence.js
over a real S3 server, SeaweedFS): the parts go from the browser to the store on links the
portal signs; the browser is closed mid-file and a new one resumes with the parts the store
lacks only; the progress bar and the state badges as with tus."""

import hashlib
import re

import pytest
from django.urls import reverse

from appraisal.choices import FileState
from appraisal.models import EvidenceFile, Upload
from core import objectstore
from tests.appraisal.media_factory import make_application, padded_pdf_bytes
from tests.factories import PASSWORD, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MB = 1024 * 1024


def log_in_and_open(page, user, application):
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(user.username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(reverse("application_detail", args=[application.pk]))


def test_a_direct_upload_resumes_in_a_new_browser_with_the_missing_parts_only(
        new_tab, page, live_server, s3, settings, tmp_path, eager, artifact):
    settings.EVIDENCE_UPLOAD_CHUNK_BYTES = 5 * MB
    objectstore.ensure_bucket([live_server.url])
    world = build_world()
    application = make_application(world.a)
    user = world.a.person.user
    data = padded_pdf_bytes(3, bytes(range(256)) * (12 * MB // 256))  # 3 parts
    plan = tmp_path / "แผนการสอน.pdf"
    plan.write_bytes(data)

    log_in_and_open(page, user, application)
    sent = []

    def only_the_first_part(route):
        number = int(re.search(r"partNumber=(\d+)", route.request.url).group(1))
        if number == 1:
            sent.append(number)
            route.continue_()
        else:
            route.abort("connectionreset")

    page.route(re.compile(r".*[?&]partNumber=.*"), only_the_first_part)
    row = page.get_by_test_id("evidence-lesson_plan-1")
    row.get_by_test_id("evidence-input").set_input_files(str(plan))
    row.get_by_test_id("evidence-upload").click()
    upload = None
    for _ in range(150):
        upload = Upload.objects.filter(multipart_id__gt="").first()
        if upload and objectstore.client().list_parts(
                Bucket=objectstore.bucket(), Key=upload.key,
                UploadId=upload.multipart_id).get("Parts"):
            break
        page.wait_for_timeout(100)
    assert sent == [1]
    saved = page.context.storage_state()
    page.context.close()  # the browser is closed mid-file

    again = new_tab(storage_state=saved)
    context = again.context
    again.set_default_timeout(20_000)
    resent = []
    again.on("request", lambda r: resent.append(r.url) if "partNumber=" in r.url else None)
    again.goto(reverse("application_detail", args=[application.pk]))
    row = again.get_by_test_id("evidence-lesson_plan-1")
    row.get_by_test_id("evidence-input").set_input_files(str(plan))  # the same file again
    row.get_by_test_id("evidence-upload").click()
    row.get_by_test_id("evidence-state").filter(has_text="ผ่านการตรวจสอบ").wait_for()
    assert "100%" in row.locator(".progress-bar").inner_text()
    assert "3 หน้า" in row.inner_text()
    assert sorted(int(re.search(r"partNumber=(\d+)", u).group(1)) for u in resent) == [2, 3]
    assert Upload.objects.count() == 1  # resumed, never started again
    made = EvidenceFile.objects.get()
    assert made.state == FileState.VALID
    stored = objectstore.client().get_object(Bucket=objectstore.bucket(),
                                             Key=made.file.name)["Body"].read()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    again.get_by_test_id("evidence-files").screenshot(path=artifact("direct-upload.png"))
    context.close()
