from django.apps import AppConfig


class DlepConfig(AppConfig):
    """The project package itself: site-wide commands (seed_demo), template filters, health."""

    name = "dlep"
    verbose_name = "D-LEP"
