from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardreaderConfig(AppConfig):
    name = "cardreader"
    verbose_name = _("เครื่องอ่านบัตรประชาชน")
