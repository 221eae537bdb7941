from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """The roof: the demo world (``seed_demo``) and the synthetic country of the benchmark
    (``seed_scale``). It imports every app and no app imports it; a production deployment may
    leave it out of INSTALLED_APPS (DLEP_DEVDATA=0)."""

    name = "devdata"
    verbose_name = "D-LEP demo and scale data"
