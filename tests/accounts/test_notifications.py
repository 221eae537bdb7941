from django.urls import reverse

from accounts.models import Notification
from accounts.notify import notify


def test_notify_writes_to_the_bell_and_emails_each_recipient_after_commit(
        world, django_capture_on_commit_callbacks, mailoutbox, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from dlep.celery import app
    app.conf.task_always_eager = True
    try:
        staff, admin = world.a.users["staff"], world.a.users["school_admin"]
        with django_capture_on_commit_callbacks(execute=True):
            notify([staff, admin, staff], "เรื่องทดสอบ", "เนื้อหา", "/x/")
    finally:
        app.conf.task_always_eager = False
    assert Notification.objects.filter(subject="เรื่องทดสอบ").count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.email, admin.email])
    # the email carries the whole address; the bell keeps the portal's path
    assert settings.PORTAL_URL.rstrip("/") + "/x/" in mailoutbox[0].body
    assert Notification.objects.filter(url="/x/").count() == 2


def test_the_bell_counts_unread_and_opening_marks_read(world, login):
    staff = world.a.users["staff"]
    note = Notification.objects.create(user=staff, subject="มีคำขอรอดำเนินการ", url="/")
    client = login(staff)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="bell-count">1<' in page
    response = client.post(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'data-testid="bell-count"' not in client.get(reverse("dashboard")).content.decode()


def test_nobody_opens_another_users_notification(world, login):
    note = Notification.objects.create(user=world.a.users["staff"], subject="ส่วนตัว")
    client = login(world.a.users["school_admin"])
    assert client.post(reverse("notification_open", args=[note.pk])).status_code == 404
    assert "ส่วนตัว" not in client.get(reverse("notification_list")).content.decode()


def test_an_offsite_link_is_not_followed(world, login):
    note = Notification.objects.create(user=world.a.users["staff"], subject="x",
                                       url="https://evil.example/")
    response = login(world.a.users["staff"]).post(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == reverse("notification_list")


def test_the_committees_menu_is_for_secretaries_only(world, login):
    page = login(world.a.users["staff"]).get(reverse("dashboard")).content.decode()
    assert 'data-testid="nav-committees"' not in page
    page = login(world.a.users["province_admin"]).get(reverse("dashboard")).content.decode()
    assert 'data-testid="nav-committees"' in page
