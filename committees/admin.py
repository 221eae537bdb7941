from django.contrib import admin

from .models import (
    AgendaEntry,
    AgendaItem,
    AppointmentOrder,
    Committee,
    CommitteeMember,
    Meeting,
    OrderEntry,
    Resolution,
)


class MemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    inlines = [MemberInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "place"]
    list_select_related = ["committee", "committee__province"]


class EntryInline(admin.TabularInline):
    model = AgendaEntry
    extra = 0
    raw_id_fields = ["application"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "meeting"]
    inlines = [EntryInline]


admin.site.register(Resolution)


class OrderEntryInline(admin.TabularInline):
    model = OrderEntry
    extra = 0
    raw_id_fields = ["application"]


@admin.register(AppointmentOrder)
class AppointmentOrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "committee", "date", "appointed_at"]
    inlines = [OrderEntryInline]
