from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = _("การเรียนรู้ออนไลน์ (e-Learning)")

    def ready(self):
        from accounts import dashboard

        from .dashboard import elearning_panel

        dashboard.register(elearning_panel)
