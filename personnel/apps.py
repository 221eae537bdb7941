from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonnelConfig(AppConfig):
    name = "personnel"
    verbose_name = _("ทะเบียนประวัติบุคลากร (ก.พ.7)")

    def ready(self):
        from accounts import dashboard

        from . import queues, signals

        signals.connect()  # kept rosters and queues follow the person records (core/kept.py)
        dashboard.register(queues.queues_panel)  # each role's work queues, with their counts
        queues.connect()  # ... kept until a row they count changes
