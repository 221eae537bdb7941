"""Django's four password validators, with messages and help texts written in Thai.

Django's own texts are English (and its Thai catalogue is incomplete); these subclasses keep the
checks and replace only the words. Settings point AUTH_PASSWORD_VALIDATORS here.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Also compares with the English names, the phone number and the national ID: a password
    made of one's own ID number is the first thing someone who holds the ID card tries."""

    DEFAULT_USER_ATTRIBUTES = (
        "username", "first_name", "last_name", "email", "first_name_en", "last_name_en",
        "phone", "national_id",
    )

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self):
        return _("รหัสผ่านคล้ายกับ%(verbose_name)sของคุณมากเกินไป")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่คล้ายกับข้อมูลส่วนตัว เช่น ชื่อ ชื่อผู้ใช้ อีเมล หรือเลขประจำตัวประชาชน")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def __init__(self, min_length=10):
        super().__init__(min_length=min_length)

    def get_error_message(self):
        # Django passes params={"min_length": ...} with the error; the text formats itself.
        return ngettext(
            "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย %(min_length)d ตัวอักษร",
            "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย %(min_length)d ตัวอักษร",
            self.min_length,
        )

    def get_help_text(self):
        return ngettext(
            "รหัสผ่านต้องมีอย่างน้อย %(min_length)d ตัวอักษร",
            "รหัสผ่านต้องมีอย่างน้อย %(min_length)d ตัวอักษร",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันทั่วไป คาดเดาได้ง่าย")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่ใช่รหัสผ่านที่ใช้กันทั่วไป")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return _("รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด")
