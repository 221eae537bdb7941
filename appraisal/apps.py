from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("การประเมินวิทยฐานะ")

    def ready(self):
        from accounts import dashboard
        from personnel import sections

        from . import assessment_tasks  # noqa: F401 (registers the Celery beat tasks)
        from .assessor_views import assessor_panel
        from .dashboard import appraisal_panel
        from .pa_views import person_pa_section

        # what waits for each role on the dashboard (accounts cannot import appraisal)
        dashboard.register(appraisal_panel)
        dashboard.register(assessor_panel)  # an assessor's invitations and sheets to score

        # the teacher's record shows their PA results (personnel cannot import appraisal)
        sections.register(person_pa_section)
