"""Forms that keep the registry: add a person, edit a record, append a history line, change a
status. Each parses, calls one service, and on bad input shows the form again with Thai
messages and everything the user typed."""

import copy

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import scoping
from accounts.exceptions import NotAllowed
from accounts.national_id import validate_national_id
from accounts.rules import OrgKind
from accounts.scoping import Access
from core.forms import BootstrapForm, BootstrapModelForm

from . import selectors, services
from .choices import PersonStatus
from .models import Person

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_widgets(model, fields):
    return {f: DATE_WIDGET for f in fields
            if model._meta.get_field(f).get_internal_type() == "DateField"}


class PersonForm(BootstrapModelForm):
    class Meta:
        model = Person
        fields = list(services.EDITABLE_FIELDS)
        widgets = {**_date_widgets(Person, services.EDITABLE_FIELDS),
                   "address": forms.Textarea(attrs={"rows": 2})}


class NewPersonForm(PersonForm):
    national_id_number = forms.CharField(label=gettext_lazy("เลขประจำตัวประชาชน"), max_length=20,
                                         validators=[validate_national_id])
    organization = forms.ModelChoiceField(queryset=None, label=gettext_lazy("สังกัด"))

    field_order = ["national_id_number", "organization"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only units the user works on are offered (a dropdown never lists other units).
        self.fields["organization"].queryset = scoping.organizations(user, Access.WORK).filter(
            kind__in=[OrgKind.SCHOOL, OrgKind.LAO]).order_by("path")


class StatusForm(BootstrapForm):
    status = forms.ChoiceField(label=gettext_lazy("สถานะใหม่"), choices=PersonStatus.choices)
    effective_on = forms.DateField(label=gettext_lazy("วันที่มีผล"), widget=DATE_WIDGET)
    order_ref = forms.CharField(label=gettext_lazy("คำสั่ง"), max_length=120)
    note = forms.CharField(label=gettext_lazy("หมายเหตุ"), max_length=255, required=False)


def _history_form(kind):
    model = services.HISTORY_KINDS[kind]
    fields = [f.name for f in model._meta.concrete_fields
              if f.name not in {"id", "person", "created_at", "created_by"}]
    return modelform_factory(model, form=BootstrapModelForm, fields=fields,
                             widgets=_date_widgets(model, fields))


def _editable_person(request, pk) -> Person:
    try:
        person = selectors.person_for(request.user, pk)
    except Person.DoesNotExist:
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    if not selectors.can_edit(request.user, person):
        raise Http404(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return person


def _apply(form, call):
    """Run a service; turn its ValidationError into form errors. True when it succeeded."""
    try:
        call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return False
    except NotAllowed as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _render(request, form, title, person=None):
    return render(request, "personnel/form.html", {"form": form, "title": title,
                                                   "person": person})


@login_required
def person_create(request):
    form = NewPersonForm(request.POST or None, user=request.user)
    if not form.fields["organization"].queryset.exists():
        raise Http404(_("คุณไม่มีหน่วยงานที่เพิ่มบุคลากรได้"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        holder = {}

        def create():
            holder["person"] = services.create_person(
                actor=request.user, organization=data.pop("organization"),
                national_id_number=data.pop("national_id_number"), **data)

        if _apply(form, create):
            messages.success(request, _("เพิ่มบุคลากรในทะเบียนแล้ว"))
            return redirect("person_detail", holder["person"].pk)
    return _render(request, form, _("เพิ่มบุคลากร"))


@login_required
def person_edit(request, pk):
    person = _editable_person(request, pk)
    form = PersonForm(request.POST or None, instance=copy.copy(person))  # the form writes on it
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in services.EDITABLE_FIELDS}
        if _apply(form, lambda: services.update_person(actor=request.user, person=person,
                                                       **changes)):
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect("person_detail", person.pk)
    return _render(request, form, _("แก้ไขข้อมูล"), person)


@login_required
def history_add(request, pk, kind):
    person = _editable_person(request, pk)
    if kind not in services.HISTORY_KINDS:
        raise Http404(_("ไม่รู้จักประเภทประวัติ %(kind)s") % {"kind": kind})
    form = _history_form(kind)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.fields}
        if _apply(form, lambda: services.add_history_line(actor=request.user, person=person,
                                                          kind=kind, **data)):
            messages.success(request, _("เพิ่มประวัติแล้ว"))
            return redirect("person_detail", person.pk)
    title = _("เพิ่ม%(section)s") % {
        "section": services.HISTORY_KINDS[kind]._meta.verbose_name}
    return _render(request, form, title, person)


@login_required
def status_change(request, pk):
    person = _editable_person(request, pk)
    form = StatusForm(request.POST or None)
    if (request.method == "POST" and form.is_valid()
            and _apply(form, lambda: services.change_status(actor=request.user, person=person,
                                                            **form.cleaned_data))):
        messages.success(request, _("บันทึกการเปลี่ยนสถานะแล้ว"))
        return redirect("person_detail", person.pk)
    return _render(request, form, _("เปลี่ยนสถานะ"), person)
