from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("ผู้ใช้และหน่วยงาน")

    def ready(self):
        # Audit receivers of log-ins, failed log-ins and lockouts (login security).
        from . import security  # noqa: F401
