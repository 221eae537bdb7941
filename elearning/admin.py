from django.contrib import admin

from .models import (
    Channel,
    Completion,
    Course,
    ExtraHoliday,
    Requirement,
    RequirementChannel,
    Round,
    UnitReport,
)


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "code", "hours", "is_active"]
    list_filter = ["channel", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["channel"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "ends_on", "report_opens_on", "report_deadline",
                    "cutoff_on"]


class RequirementChannelInline(admin.TabularInline):
    model = RequirementChannel
    extra = 1


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "org_kind", "position_prefix", "min_courses", "priority",
                    "is_active"]
    inlines = [RequirementChannelInline]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "completed_on", "status", "organization"]
    list_filter = ["status", "source"]
    list_select_related = ["user", "course__channel", "organization"]
    raw_id_fields = ["user", "organization", "course", "decided_by", "created_by"]


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]


@admin.register(UnitReport)
class UnitReportAdmin(admin.ModelAdmin):
    list_display = ["organization", "round", "submitted_on", "working_days_late", "penalty",
                    "counted"]
    list_select_related = ["organization", "round"]
    raw_id_fields = ["organization", "recorded_by"]
