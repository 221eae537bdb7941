from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor every app may use and that uses no app of the project: Thai dates, PDF
    and HTML helpers, forms, paging, what is kept between visits, middleware."""

    name = "core"
    verbose_name = "D-LEP core"

    def ready(self):
        # no NUL or control character in any form's or serializer's text (core/textinput.py)
        from core import textinput

        textinput.install()
