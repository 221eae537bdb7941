"""The portal's settings, plus the floor view's route (bench/urls.py). The benchmark's gunicorn
and its in-process query counts use this module; the portal itself never serves the floor."""

from dlep.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
