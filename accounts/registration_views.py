"""Pages of school-admin registration (ว22/2565): the public form with its school search, the
requests page of the supervising admins, and the set-password page the approval email links to.
Every change goes through ``accounts.registration``."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.forms import BootstrapForm

from . import registration
from .models import Organization, RegistrantPosition, SchoolAdminRegistration
from .rules import OrgKind

TITLES = ["นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ดร."]
SESSION_KEY = "school_admin_registration"


class SchoolAdminRegistrationForm(BootstrapForm):
    school = forms.ModelChoiceField(
        label=gettext_lazy("รหัสสถานศึกษา"),
        queryset=Organization.objects.filter(kind=OrgKind.SCHOOL, is_active=True),
        to_field_name="code",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("ค้นหาด้วยชื่อหรือรหัสในช่องค้นหาด้านบน แล้วเลือกจากรายการ"),
        error_messages={
            "required": gettext_lazy("กรุณาเลือกสถานศึกษา"),
            "invalid_choice": gettext_lazy(
                "ไม่พบสถานศึกษารหัสนี้ กรุณาค้นหาด้วยชื่อหรือรหัสแล้วเลือกจากรายการ"),
        },
    )
    title_th = forms.CharField(label=gettext_lazy("คำนำหน้าชื่อ"), max_length=50,
                               widget=forms.TextInput(attrs={"list": "titles"}))
    first_name = forms.CharField(label=gettext_lazy("ชื่อ"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("นามสกุล"), max_length=150)
    position = forms.ChoiceField(label=gettext_lazy("ตำแหน่ง"),
                                 choices=[("", "—"), *RegistrantPosition.choices])
    acting_director_elsewhere = forms.BooleanField(
        label=gettext_lazy("ข้าพเจ้าเป็นผู้อำนวยการสถานศึกษาอื่น และรักษาการในตำแหน่ง"
                           "ผู้อำนวยการของสถานศึกษานี้"),
        required=False,
    )
    email = forms.EmailField(
        label=gettext_lazy("อีเมล"),
        help_text=gettext_lazy("อีเมลกลางของสถานศึกษา หรืออีเมลของผู้ได้รับมอบหมาย "
                               "ลิงก์ตั้งรหัสผ่านจะส่งไปที่อีเมลนี้"),
    )
    phone = forms.CharField(label=gettext_lazy("โทรศัพท์"), max_length=30, required=False)
    delegation = forms.FileField(
        label=gettext_lazy("หนังสือมอบหมายเป็นลายลักษณ์อักษร (PDF ไม่เกิน 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=gettext_lazy("จำเป็นเมื่อผู้ลงทะเบียนไม่ใช่ผู้อำนวยการสถานศึกษา หรือเป็น"
                               "ผู้อำนวยการที่รักษาการในสถานศึกษานี้"),
    )


def school_admin_register(request):
    form = SchoolAdminRegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = registration.register_school_admin(
                school=data["school"], title_th=data["title_th"], first_name=data["first_name"],
                last_name=data["last_name"], position=data["position"], email=data["email"],
                phone=data["phone"], acting_director_elsewhere=data["acting_director_elsewhere"],
                delegation=data["delegation"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[SESSION_KEY] = {"school": created.school.name,
                                            "email": created.email}
            return redirect("school_admin_register_done")
    return render(request, "accounts/registration/register.html", {
        "form": form, "titles": TITLES, "director": RegistrantPosition.DIRECTOR.value,
    })


def school_admin_register_done(request):
    # What this browser just sent, and nothing else.
    sent = request.session.pop(SESSION_KEY, None)
    return render(request, "accounts/registration/register_done.html", {"sent": sent})


@require_GET
def school_search(request):
    """The public directory of schools for the form: id, code, name and the LAO's name."""
    return JsonResponse({"results": registration.search_schools(request.GET.get("q", ""))})


# --- Supervising admins -----------------------------------------------------------------------

def _request_or_404(user, pk) -> SchoolAdminRegistration:
    try:
        return registration.request_for(user, pk)
    except SchoolAdminRegistration.DoesNotExist:
        raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์พิจารณา")) from None


@login_required
def school_admin_requests(request):
    rows = registration.requests_for(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    awaiting = registration.awaiting_password_for(request.user)[:50]
    return render(request, "accounts/registration/requests.html",
                  {"page": page, "awaiting": awaiting})


def _report(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def school_admin_approve(request, pk):
    pending = _request_or_404(request.user, pk)
    try:
        done = registration.approve_school_admin(
            actor=request.user, registration=pending,
            revoke_reason=request.POST.get("revoke_reason", ""),
        )
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _(
            "อนุมัติ %(name)s เป็นผู้ดูแล %(school)s แล้ว ส่งลิงก์ตั้งรหัสผ่านไปที่ %(email)s"
        ) % {"name": f"{done.title_th}{done.first_name} {done.last_name}",
             "school": done.school.name, "email": done.email})
    return redirect("school_admin_requests")


@login_required
@require_POST
def school_admin_reject(request, pk):
    pending = _request_or_404(request.user, pk)
    try:
        registration.reject_school_admin(actor=request.user, registration=pending,
                                         reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("ไม่อนุมัติคำขอแล้ว แจ้งผู้ยื่นคำขอทางอีเมลแล้ว"))
    return redirect("school_admin_requests")


@login_required
@require_POST
def school_admin_resend_link(request, pk):
    found = _request_or_404(request.user, pk)
    try:
        registration.resend_set_password_link(actor=request.user, registration=found)
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("ส่งลิงก์ตั้งรหัสผ่านใหม่ไปที่ %(email)s แล้ว")
                         % {"email": found.email})
    return redirect("school_admin_requests")


@login_required
def school_admin_delegation(request, pk):
    """The delegation PDF, for those who may decide the request only."""
    found = _request_or_404(request.user, pk)
    if not found.delegation:
        raise Http404(_("คำขอนี้ไม่มีหนังสือมอบหมาย"))
    return FileResponse(found.delegation.open("rb"), content_type="application/pdf",
                        as_attachment=True, filename=f"delegation-{found.pk}.pdf")


# --- The link from the approval email ---------------------------------------------------------

class InitialPasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": gettext_lazy("รหัสผ่านทั้งสองช่องไม่ตรงกัน")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("รหัสผ่านใหม่")
        self.fields["new_password2"].label = _("ยืนยันรหัสผ่านใหม่")
        self.fields["new_password2"].help_text = _("กรอกรหัสผ่านเดิมซ้ำอีกครั้ง")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def save(self, commit=True):
        registration.set_initial_password(user=self.user,
                                          new_password=self.cleaned_data["new_password1"])
        return self.user


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's reset-confirm view with the registration's own token generator: an expired or
    used link shows the Thai message of the template; a valid one sets the first password."""

    template_name = "accounts/registration/set_password.html"
    form_class = InitialPasswordForm
    token_generator = registration.set_password_token
    reset_url_token = "set-password"  # noqa: S105 (a URL segment, not a password)
    success_url = reverse_lazy("login")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hours"] = registration.link_valid_hours()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _(
            "ตั้งรหัสผ่านเรียบร้อยแล้ว กรุณาเข้าสู่ระบบด้วยชื่อผู้ใช้ %(username)s"
        ) % {"username": form.user.username})
        return response
