# D-LEP portal image: one image for the web server (gunicorn), the Celery worker, Celery beat and
# the one-off `migrate` / `createbucket` steps of docker-compose.yml. See docs/deploy.md.
#
#   docker build -t dlep-portal .
#
FROM python:3.11-slim

# DLEP_DATA_DIR: the local data folder. collectstatic writes /app/var/staticfiles at build time,
#   so this path must stay the same at run time. In a deployment the data live in PostgreSQL,
#   Redis and object storage, and var/ is scratch space; without object storage docker-compose
#   mounts the volume `local_files` on /app/var/files for the files and partial uploads.
# STATICFILES_BACKEND, WHITENOISE_USE_FINDERS: hashed, pre-compressed static files, served by
#   WhiteNoise from STATIC_ROOT only.
# WEB_CONCURRENCY: gunicorn's default worker count (gunicorn reads it itself); override in .env.
# CONN_MAX_AGE=0: under ASGI each request runs in a thread of its own, so persistent database
#   connections would pile up instead of being reused (Django's advice for ASGI).
# MALLOC_ARENA_MAX=2: those threads would each get a malloc arena of their own (up to 8 per
#   core), and the web workers' memory would grow by tens of MB under load (make bench-surge).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=dlep.settings \
    DLEP_DATA_DIR=/app/var \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage \
    WHITENOISE_USE_FINDERS=false \
    WEB_CONCURRENCY=3 \
    CONN_MAX_AGE=0 \
    MALLOC_ARENA_MAX=2

WORKDIR /app

# Time-zone data for Asia/Bangkok (zoneinfo reads the system database). Newer slim bases
# (Debian trixie) no longer ship it by default.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata \
 && rm -rf /var/lib/apt/lists/*

# An unprivileged user with a home folder (some libraries cache data under ~).
RUN groupadd --system --gid 10001 dlep \
 && useradd --system --uid 10001 --gid dlep --home-dir /home/dlep --create-home \
        --shell /usr/sbin/nologin dlep

# Dependencies first, so that a code change does not reinstall them. Every runtime dependency
# ships a binary wheel for CPython 3.11 (psycopg2-binary bundles libpq): no compiler needed.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root: the portal can read it but not change it.
COPY . .

# Collect static files into the image. Settings need a SECRET_KEY to import; this one exists only
# for this RUN step and is not part of the image's environment. settings.py also creates
# var/broker (REDIS_URL is unset here), which the image does not need. Finally var/ itself is made
# writable by the portal (mail files, scratch); the collected static files stay read-only.
RUN SECRET_KEY="collectstatic-build-only-not-a-secret" python manage.py collectstatic --noinput \
 && rm -rf /app/var/broker \
 && mkdir -p /app/var/files \
 && chown dlep:dlep /app/var /app/var/files

USER dlep

EXPOSE 8000

# The web server: gunicorn managing uvicorn's ASGI workers. A worker reads request bodies and
# writes file responses on its event loop, so a slow client (a teacher's 2 Mbit/s line, an
# assessor's slow download) holds no worker; --timeout only fires when a worker's loop is stuck,
# never on a long transfer. With object storage the evidence bytes do not come here at all.
# docker-compose.yml runs the worker and beat from this same image with other commands.
# --worker-tmp-dir: gunicorn's heartbeat files on tmpfs rather than the overlay disk.
# --graceful-timeout: how long a restart (or --max-requests) lets running requests finish.
# --logger-class: national ID numbers masked in the access and error logs (core/logmask.py).
CMD ["gunicorn", "dlep.asgi:application", \
     "--worker-class", "uvicorn_worker.UvicornWorker", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "60", \
     "--graceful-timeout", "120", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100", \
     "--access-logfile", "-", \
     "--logger-class", "core.gunicorn_logging.MaskingLogger"]
