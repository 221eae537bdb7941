from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit, issuing, scoping, selectors
from .forms import AuditFilterForm, ChangePasswordForm, LoginForm, OrganizationFilterForm
from .models import Organization


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"))
        return response


@login_required
def dashboard(request):
    return render(
        request,
        "accounts/dashboard.html",
        {"cards": selectors.dashboard_for(request.user), "today": timezone.localdate()},
    )


@login_required
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organizations_for(request.user, kind=filters.get("kind"), q=filters.get("q", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organization_list.html", {"form": form, "page": page})


@login_required
def organization_detail(request, pk):
    try:
        org = selectors.organization_for(request.user, pk)
    except Organization.DoesNotExist:
        raise Http404(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    children = selectors.organizations_for(request.user, parent=org)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "org": org,
            "ancestors": selectors.ancestors_of(org),
            "children": Paginator(children, 50).get_page(request.GET.get("page")),
            "members": selectors.members_of(request.user, org),
            "can_administer": scoping.can_administer(request.user, org),
            "lao": selectors.lao_of(org),
            "can_issue": issuing.may_start_at(request.user, org),
            "reissuable": issuing.reissuable_user_ids(request.user, org),
        },
    )


@login_required
def audit_log(request):
    """The audit trail of the organisations the user administers (issue: accounts, item 6)."""
    form = AuditFilterForm(request.GET or None)
    if not scoping.organizations(request.user, scoping.Access.ADMINISTER).exists():
        raise Http404(_("ไม่มีบันทึกการดำเนินการที่คุณดูได้"))
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_for(request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.label = audit.action_label(event.action)
    return render(request, "accounts/audit_log.html", {"form": form, "page": page})
