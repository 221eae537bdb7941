"""Bootstrap classes on Django's widgets, set once in Python rather than in every template; a
Thai prompt instead of ``---------`` in every select; a date typed in the Buddhist era."""

import datetime
import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.thaidates import BE_OFFSET

DJANGO_BLANK = "---------"


def thai_prompt(label) -> str:
    """"— เลือกตำแหน่ง —": what an empty select says, from the field's label."""
    return format_lazy(_("— เลือก{} —"), label or "")


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
                if not isinstance(widget, forms.SelectMultiple):
                    _prompt_instead_of_dashes(field)
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _prompt_instead_of_dashes(field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = thai_prompt(field.label)
        return
    choices = list(getattr(field, "choices", ()))
    if choices and choices[0][0] in ("", None) and str(choices[0][1]) in (DJANGO_BLANK, "—"):
        field.choices = [("", thai_prompt(field.label)), *choices[1:]]


class BootstrapForm(BootstrapMixin, forms.Form):
    pass


class BootstrapModelForm(BootstrapMixin, forms.ModelForm):
    pass


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_be_date(text: str) -> datetime.date:
    """``15/03/2528`` (day/month/Buddhist year, ``/ . -`` or spaces, Thai digits too) →
    1985-03-15; ``1985-03-15`` (ISO, Common era: what a browser or the card reader sends) as
    it is. A ``ValueError`` carries the Thai message to show."""
    text = (text or "").strip().translate(_THAI_DIGITS)
    iso = _ISO.match(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        dmy = _DMY.match(text)
        if not dmy:
            raise ValueError(_("กรุณากรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 15/03/2528"))
        day, month, year = (int(g) for g in dmy.groups())
        if year < 2400:
            raise ValueError(_("กรุณากรอกปีเป็นพุทธศักราช (พ.ศ.) เช่น 15/03/2528 "
                               "ไม่ใช่คริสต์ศักราช"))
        year -= BE_OFFSET
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวันและเดือน")) from None


class BuddhistDateField(forms.Field):
    """A date typed as Thai offices write it: day/month/Buddhist year (``15/03/2528``)."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("วัน/เดือน/ปี พ.ศ. เช่น 15/03/2528"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"placeholder": _("วว/ดด/ปปปป"), "inputmode": "numeric",
                      "autocomplete": "bday"})
        return attrs

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        if value in self.empty_values:
            return None
        try:
            return parse_be_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc.args[0]), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"
        return value
