"""Public pages of staff registration: the form (ready for data from the ID card reader) and the
email verification link."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import BootstrapForm, BuddhistDateField

from . import staff_registration
from .models import Organization
from .rules import OrgKind

TITLES = ["นาย", "นาง", "นางสาว"]


class StaffRegistrationForm(BootstrapForm):
    """Field names match what the card reader fills in (cardreader issue): national_id, title_th,
    first_name, last_name, title_en, first_name_en, last_name_en, birth_date; ``from_card`` is
    set by the reader's script. The server checks card data like typed data."""

    national_id = forms.CharField(label=gettext_lazy("เลขประจำตัวประชาชน"), max_length=20)
    title_th = forms.CharField(label=gettext_lazy("คำนำหน้าชื่อ"), max_length=50,
                               widget=forms.TextInput(attrs={"list": "titles"}))
    first_name = forms.CharField(label=gettext_lazy("ชื่อ"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("นามสกุล"), max_length=150)
    title_en = forms.CharField(label=gettext_lazy("คำนำหน้าชื่อ (อังกฤษ)"), max_length=50,
                               required=False)
    first_name_en = forms.CharField(label=gettext_lazy("ชื่อ (อังกฤษ)"), max_length=150,
                                    required=False)
    last_name_en = forms.CharField(label=gettext_lazy("นามสกุล (อังกฤษ)"), max_length=150,
                                   required=False)
    birth_date = BuddhistDateField(label=gettext_lazy("วันเกิด"))
    position = forms.ChoiceField(label=gettext_lazy("ตำแหน่ง"),
                                 choices=[("", "—"), *staff_registration.STAFF_POSITIONS.items()])
    # The school is found by its name (static/js/school_search.js asks school_search); the
    # code it picks travels hidden. Without JavaScript, a school's exact name is enough.
    school_name = forms.CharField(label=gettext_lazy("สถานศึกษา"), max_length=200,
                                  required=False, widget=forms.TextInput(attrs={
                                      "role": "combobox", "aria-autocomplete": "list",
                                      "aria-expanded": "false", "aria-controls": "school-listbox",
                                      "autocomplete": "off", "data-school-search": "",
                                      "placeholder": gettext_lazy("เช่น บ้านหนองญาติ")}),
                                  help_text=gettext_lazy("พิมพ์ชื่อสถานศึกษาอย่างน้อย 2 ตัวอักษร "
                                                         "แล้วเลือกจากรายการ"))
    school_code = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)
    email = forms.EmailField(label=gettext_lazy("อีเมล"))
    password1 = forms.CharField(label=gettext_lazy("รหัสผ่าน"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("ยืนยันรหัสผ่าน"), widget=forms.PasswordInput)
    from_card = forms.BooleanField(required=False, widget=forms.HiddenInput)
    card_expiry = forms.DateField(required=False, widget=forms.HiddenInput)  # set by the reader

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("รหัสผ่านทั้งสองช่องไม่ตรงกัน"))
        name, code = data.get("school_name", "").strip(), data.get("school_code", "").strip()
        if not code and name:
            found = list(Organization.objects.filter(
                kind=OrgKind.SCHOOL, is_active=True, name=name).values_list("code", flat=True)[:2])
            if len(found) == 1:
                data["school_code"] = found[0]
            else:
                self.add_error("school_name", _("กรุณาเลือกสถานศึกษาจากรายการที่ค้นพบ"))
        elif not code:
            self.add_error("school_name", _("กรุณาค้นหาและเลือกสถานศึกษา"))
        return data


def staff_register(request):
    form = StaffRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_registration.register_staff(
                school_code=data["school_code"], national_id_number=data["national_id"],
                title_th=data["title_th"], first_name=data["first_name"],
                last_name=data["last_name"], title_en=data["title_en"],
                first_name_en=data["first_name_en"], last_name_en=data["last_name_en"],
                birth_date=data["birth_date"], position=data["position"], email=data["email"],
                password=data["password1"], from_card=data["from_card"],
                card_expiry=data["card_expiry"],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = {"password": "password1", "school_code": "school_name"}.get(field, field)
                form.add_error(target if target in form.fields else None, messages)
        else:
            return redirect("staff_register_done")
    return render(request, "accounts/staff_register.html", {"form": form, "titles": TITLES})


def staff_register_done(request):
    return render(request, "accounts/staff_register_done.html")


def staff_verify_email(request, token):
    try:
        registration = staff_registration.verify_staff_email(token)
    except ValidationError as exc:
        return render(request, "accounts/staff_verify.html", {"error": " ".join(exc.messages)},
                      status=400)
    return render(request, "accounts/staff_verify.html", {"registration": registration})


