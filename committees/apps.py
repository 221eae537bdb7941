from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("คณะกรรมการ")

    def ready(self):
        from accounts import dashboard

        from .dashboard import secretary_panel

        dashboard.register(secretary_panel)
