"""The Django side of ``make bench-surge`` (bench/surge.py), run in a subprocess with the mode's
settings: ``prepare`` makes the teachers, their requests, the file to download and the
logins, and prints them as JSON; ``verify`` reads back what the uploads stored and prints how
many are byte-exact.

    python -m bench.surge_seed prepare UPLOADS DOWNLOAD_BYTES
    python -m bench.surge_seed verify < expected.json
"""

from __future__ import annotations

import hashlib
import json
import os
import sys


def _session(user) -> dict:
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.test import Client

    client = Client()
    client.force_login(user)
    secret = _get_new_csrf_string()
    return {"cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={secret}",
            "csrf": _mask_cipher_secret(secret)}


def prepare(uploads: int, download_bytes: int) -> dict:
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile
    from django.urls import reverse
    from django.utils import timezone

    from accounts.exceptions import NotAllowed
    from accounts.models import Membership
    from accounts.rules import Role
    from appraisal.models import Application, EvidenceFile, SubjectArea
    from appraisal.services import applications as services
    from core import objectstore
    from personnel.choices import PositionType
    from personnel.models import Person

    if objectstore.enabled():
        from django.conf import settings

        objectstore.ensure_bucket([settings.PORTAL_URL])
    area = SubjectArea.objects.get(classroom_type="primary", name="สาขาภาษาไทย")
    teachers = []
    people = (Person.objects.filter(position_type=PositionType.TEACHER, user__isnull=False,
                                    user__is_active=True)
              .exclude(applications__state__in=["draft", "submitted", "at_office", "returned"])
              .select_related("user").order_by("pk"))
    for person in people.iterator():
        if len(teachers) == uploads + 1:
            break
        try:
            application = services.create_application(
                actor=person.user, person=person, classroom_type="primary", subject_area=area,
                work_title="วีดิทัศน์บันทึกการสอน (ทดสอบวันยื่นคำขอ)")
        except (ValidationError, NotAllowed):
            continue
        teachers.append((person, application))
    if len(teachers) < uploads + 1:
        raise SystemExit(f"only {len(teachers)} teachers could start a request")
    owner, owned = teachers.pop()
    data = os.urandom(download_bytes)
    item = EvidenceFile(application=owned, slot="teaching_video", position=1,
                        original_name="classroom.mp4", size=len(data), state="valid",
                        media_kind="video", content_type="video/mp4", duration_seconds=600.0,
                        checked_at=timezone.now(), uploaded_by=owner.user)
    item.file.save("classroom.mp4", ContentFile(data), save=False)
    item.save()
    office = Membership.objects.filter(role=Role.LAO_ADMIN, is_active=True,
                                       user__username="lao_admin").select_related("user").first()
    demo_teacher = Person.objects.get(user__username="teacher").user
    return {
        "uploads": [{"application": a.pk, **_session(p.user)} for p, a in teachers],
        "download": {"path": reverse("evidence_download", args=[item.pk]),
                     "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                     **_session(owner.user)},
        "probe": {"login": {"path": reverse("login")},
                  "dashboard": {"path": reverse("dashboard"), **_session(demo_teacher)},
                  "office_queue": {"path": reverse("office_queue"), **_session(office.user)}},
        "tus_url": reverse("evidence_uploads"),
        "direct_url": reverse("evidence_direct_uploads"),
        "mode": "direct" if objectstore.enabled() else "tus",
        "applications": [a.pk for _p, a in teachers] + [owned.pk],
        "_unused": Application.objects.count(),
    }


def verify(expected: dict) -> dict:
    """``expected``: {application id: sha256 hex}; the applications whose teaching video the
    portal stored byte for byte."""
    from appraisal.models import EvidenceFile

    ok, seen = [], 0
    for item in EvidenceFile.all_files.filter(application_id__in=[int(k) for k in expected],
                                              slot="teaching_video"):
        seen += 1
        digest = hashlib.sha256()
        with item.file.open("rb") as f:
            while chunk := f.read(1024 * 1024):
                digest.update(chunk)
        if digest.hexdigest() == expected.get(str(item.application_id)):
            ok.append(item.application_id)
    return {"stored": seen, "ok_ids": ok}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlep.settings")
    django.setup()
    if sys.argv[1] == "prepare":
        result = prepare(int(sys.argv[2]), int(sys.argv[3]))
    else:
        result = verify(json.load(sys.stdin))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
