from django.contrib import admin

from .models import Committee


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
