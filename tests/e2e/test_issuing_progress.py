"""Issue 17 item 13: the issuing page's bar moves as the worker prepares the accounts, not
0 → 100 at the end. The test plays the worker: it records progress as ``run_job`` does, then
runs the job to its end, while the browser polls."""

import re

import pytest
from playwright.sync_api import expect

from accounts import issuing
from accounts.models import IssuingJob, JobStatus
from accounts.rules import OrgKind, Role
from tests.factories import build_world, make_org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_bar_shows_the_accounts_prepared_so_far(page, log_in, monkeypatch):
    from accounts import tasks

    monkeypatch.setattr(tasks.issue_credentials, "apply_async", lambda *a, **k: None)
    world = build_world()
    admin = world.a.users[Role.PROVINCE_ADMIN]
    for n in range(4):
        make_org(world.a.lao, OrgKind.SCHOOL, f"โรงเรียนใหม่ {n}")
    log_in(admin)
    page.goto("/accounts/issuing/")
    page.get_by_label("หน่วยงาน").select_option(str(world.a.lao.pk))
    page.get_by_test_id("issuing-start").click()
    page.wait_for_url(re.compile(r"/accounts/issuing/\d+/$"))
    job = IssuingJob.objects.get(requested_by=admin)
    assert job.total == 5  # school2 and the four new schools lack their admin

    bar = page.locator("#issuing-progress .progress-bar")
    expect(bar).to_have_text("0%")
    IssuingJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    issuing.record_progress(job.pk, 2)  # what the worker writes after the second account
    expect(bar).to_have_text("40%")
    expect(page.locator("#issuing-count")).to_have_text("2 จาก 5 บัญชี")
    expect(page.locator("#issuing-progress")).to_have_attribute("aria-valuenow", "40")
    issuing.record_progress(job.pk, 4)
    expect(bar).to_have_text("80%")
    polled = page.request.get(f"/accounts/issuing/{job.pk}/progress/").json()
    assert (polled["done"], polled["total"], polled["percent"]) == (4, 5, 80)

    # the worker finishes: the page reloads itself and offers the files
    IssuingJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, done=0)
    issuing.run_job(job.pk)
    expect(page.get_by_test_id("download-pdf")).to_be_visible()
    expect(bar).to_have_text("100%")
