"""The ASGI application (gunicorn with uvicorn's workers: make run, the Dockerfile)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlep.settings")
application = get_asgi_application()


def _warm_object_store() -> None:
    """Load the S3 clients (botocore's service model, ~20 MB) when the worker starts rather
    than in the middle of its first upload."""
    from core import objectstore

    if objectstore.enabled():
        objectstore.client()
        objectstore.signer()


_warm_object_store()
