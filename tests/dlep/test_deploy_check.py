"""`manage.py check --deploy` with the production values documented in .env.example (and the
image's and docker-compose.yml's environment) reports nothing; without them (the defaults of
`make run`) the portal still answers plain http://127.0.0.1:8000."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]


def documented_production_env(tmp_path) -> dict[str, str]:
    values: dict[str, str] = {}
    # the image's ENV (Dockerfile)
    dockerfile = (BASE / "Dockerfile").read_text()
    block = re.search(r"^ENV (.*?)(?:\n\n|\nWORKDIR)", dockerfile, re.S | re.M).group(1)
    for key, value in re.findall(r"([A-Z_]+)=(\S+)", block):
        values[key] = value
    # docker-compose.yml's env_file: .env, copied from .env.example with its secrets filled in
    for line in (BASE / ".env.example").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition("=")
        if "CHANGE-ME" in value:
            value = value.replace(re.search(r"CHANGE-ME[\w-]*", value).group(0),
                                  secrets.token_hex(32))
        values[key.strip()] = value.strip()
    values["DLEP_DATA_DIR"] = str(tmp_path)
    return values


def run_check(env_values: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "DATABASE_", "REDIS_",
                                "AWS_", "DEBUG", "BEHIND_", "SECRET_KEY"))}
    env.update(env_values)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_the_documented_production_values_pass_check_deploy(tmp_path):
    values = documented_production_env(tmp_path)
    assert values["SECURE_SSL_REDIRECT"] == "true"
    result = run_check(values)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_defaults_are_not_production(tmp_path):
    """The check is not vacuous: the defaults (plain HTTP for make run) are reported."""
    result = run_check({"DLEP_DATA_DIR": str(tmp_path), "SECRET_KEY": secrets.token_hex(32),
                        "ALLOWED_HOSTS": "dlep.example.go.th"})
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout


def test_the_development_defaults_serve_plain_http(client, db):
    assert client.get("/login/").status_code == 200  # no redirect to https://


@pytest.mark.parametrize("path", ["/login/", "/healthz"])
def test_production_redirects_plain_http_but_not_the_healthcheck(settings, client, db, path):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    plain = client.get(path)
    if path == "/healthz":
        assert plain.status_code in (200, 503)  # answered, not redirected
    else:
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/login/"
        secure = client.get(path, HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_schema_is_generated(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/v1/auth/tokens/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
