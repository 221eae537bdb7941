from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("ผู้ใช้และหน่วยงาน")

    def ready(self):
        from django.db.models.signals import post_save

        # Audit receivers of log-ins, failed log-ins and lockouts (login security).
        # Receivers that end API tokens (password change, deactivation, a 2FA role, logout).
        from . import (
            security,  # noqa: F401
            tokens,  # noqa: F401
        )
        from .models import Organization

        # a unit's name is on kept rosters and queues (core/kept.py)
        post_save.connect(_organization_changed, sender=Organization,
                          dispatch_uid="accounts.kept.organization")


def _organization_changed(sender, instance, **kwargs) -> None:
    from core import kept

    kept.changed(kept.PEOPLE, [instance.path])
    kept.changed(kept.APPLICATIONS, [instance.path])
