"""Settings come from the environment; with none, they need no service."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "bucket": settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name"),
    "endpoint": settings.STORAGES["default"].get("OPTIONS", {}).get("endpoint_url"),
    "debug": settings.DEBUG,
    "secret_len": len(settings.SECRET_KEY),
    "secret": settings.SECRET_KEY,
}))
"""

KNOBS = ("DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "DEBUG",
         "SECRET_KEY", "DLEP_DATA_DIR")


def settings_with(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in KNOBS}
    base.update({"DJANGO_SETTINGS_MODULE": "dlep.settings", "DLEP_DATA_DIR": str(tmp_path)})
    base.update(env)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PROBE],
        cwd=ROOT, env=base, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_need_no_service(tmp_path):
    s = settings_with(tmp_path)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "db.sqlite3")
    assert s["broker"] == "filesystem://"
    assert s["storage"] == "django.core.files.storage.FileSystemStorage"
    assert s["debug"] is False
    assert s["secret_len"] >= 50
    # the generated demo key is kept, so sessions survive a restart
    assert settings_with(tmp_path)["secret"] == s["secret"]
    assert (tmp_path / "broker" / "queue").is_dir()


def test_services_come_from_the_environment(tmp_path):
    s = settings_with(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/dlep",
        REDIS_URL="redis://127.0.0.1:6379/0",
        AWS_STORAGE_BUCKET_NAME="dlep-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:8333",
        SECRET_KEY="x" * 60,
        DEBUG="true",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["db_name"] == "dlep"
    assert s["broker"] == "redis://127.0.0.1:6379/0"
    assert s["storage"] == "storages.backends.s3.S3Storage"
    assert s["bucket"] == "dlep-media"
    assert s["endpoint"] == "http://127.0.0.1:8333"
    assert s["secret"] == "x" * 60
    assert s["debug"] is True
    assert not (tmp_path / "secret_key").exists()
