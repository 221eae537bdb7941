"""``python manage.py setup_evidence_storage``: make the object store ready for the evidence
files: the bucket (created when missing) and its CORS rule, which lets the portal's pages
(``PORTAL_URL`` and ``CSRF_TRUSTED_ORIGINS``) send parts to it and play videos from it.
docker-compose.yml's ``createbucket`` runs it on every start; it waits for the store (--wait)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import objectstore


class Command(BaseCommand):
    help = "Create the evidence bucket when missing and allow the portal's origins (CORS)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0,
                            help="seconds to wait for the object store to answer")

    def handle(self, *args, wait, **options):
        if not objectstore.enabled():
            self.stdout.write("AWS_STORAGE_BUCKET_NAME is empty: files stay on local disk.")
            return
        origins = sorted({settings.PORTAL_URL.rstrip("/"), *settings.CSRF_TRUSTED_ORIGINS})
        deadline = time.monotonic() + wait
        while True:
            try:
                objectstore.ensure_bucket(origins)
                break
            except Exception as exc:
                if time.monotonic() >= deadline:
                    raise CommandError(f"the object store at {settings.AWS_S3_ENDPOINT_URL} "
                                       f"did not answer: {exc}") from exc
                time.sleep(2)
        self.stdout.write(f"Bucket {objectstore.bucket()!r} ready; browsers may send parts "
                          f"from {', '.join(origins)}; links are signed for "
                          f"{settings.AWS_S3_PUBLIC_ENDPOINT_URL}.")
