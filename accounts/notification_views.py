"""The bell: a user's own notifications. Nobody sees another user's."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification


def unread_count(request) -> dict:
    """Context processor: what the menu bar needs about the user (the bell's count, whether to
    show the committees' menu), in one query, made only when a template asks."""
    user = getattr(request, "user", None)
    facts = {}

    def fetch() -> dict:
        if not facts:
            if user is None or not user.is_authenticated:
                facts.update(unread=0, secretary=False)
            else:
                from .models import Membership, User
                from .rules import Role

                facts.update(User.objects.filter(pk=user.pk).annotate(
                    unread=Count("notifications",
                                 filter=Q(notifications__read_at__isnull=True)),
                    secretary=Exists(Membership.objects.filter(
                        user=OuterRef("pk"), is_active=True,
                        role__in=[Role.PROVINCE_ADMIN, Role.DLA_ADMIN])),
                ).values("unread", "secretary").get())
                facts["secretary"] = facts["secretary"] or user.is_superuser
        return facts

    return {"notifications_unread": lambda: fetch()["unread"],
            "nav_secretary": lambda: fetch()["secretary"]}


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(
        request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now())
    return redirect("notification_list")
