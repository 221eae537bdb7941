from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("การประเมินวิทยฐานะ")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from accounts import dashboard
        from appraisal.dashboard import (
            application_changed,
            appraisal_panel,
            assessment_changed,
            check_changed,
        )
        from appraisal.models import Application, Expert, Invitation, QualificationCheck, ScoreSheet
        from appraisal.views.assessment import assessor_panel
        from appraisal.views.pa import person_pa_section
        from personnel import sections

        # what waits for each role on the dashboard (accounts cannot import appraisal)
        dashboard.register(appraisal_panel)
        dashboard.register(assessor_panel)  # an assessor's invitations and sheets to score
        # the panels keep their figures until an application changes
        post_save.connect(application_changed, sender=Application,
                          dispatch_uid="appraisal.dashboard.application_changed")
        post_delete.connect(application_changed, sender=Application,
                            dispatch_uid="appraisal.dashboard.application_changed.delete")
        # the office's queue keeps its ✓/✗ grid until a check changes (core/kept.py)
        post_save.connect(check_changed, sender=QualificationCheck,
                          dispatch_uid="appraisal.kept.check")
        post_delete.connect(check_changed, sender=QualificationCheck,
                            dispatch_uid="appraisal.kept.check.delete")
        # the assessor panel keeps its counts until an invitation, sheet or expert changes
        for model in (Invitation, ScoreSheet, Expert):
            post_save.connect(assessment_changed, sender=model,
                              dispatch_uid=f"appraisal.kept.{model.__name__}")
            post_delete.connect(assessment_changed, sender=model,
                                dispatch_uid=f"appraisal.kept.{model.__name__}.delete")

        # the teacher's record shows their PA results (personnel cannot import appraisal)
        sections.register(person_pa_section)
