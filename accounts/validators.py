"""Django's four password validators, with messages and help texts written in Thai, and
``GuessablePasswordValidator``: common and Thai words and patterns, however dressed up.

Django's own texts are English (and its Thai catalogue is incomplete); these subclasses keep the
checks and replace only the words. Settings point AUTH_PASSWORD_VALIDATORS here.
"""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
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


# Digits and symbols read as the letters they stand in for (p@ssw0rd is password).
_LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                              "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l",
                              "+": "t"})
# ASCII that is not a letter (digits, symbols, spaces), at either end.
_ENDS = re.compile(r"^[\x00-\x40\x5b-\x60\x7b-\x7f]+|[\x00-\x40\x5b-\x60\x7b-\x7f]+$")
_NOT_LETTERS = re.compile(r"[^a-z]")
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def _is_run(text: str) -> bool:
    """All one character, a short group repeated (abab, 123123), or a run along the keyboard or
    the alphabet, either way (12345678, 9876543210, qwertyui, abcdefgh)."""
    if len(text) < 3:
        return False
    for period in range(1, len(text) // 2 + 1):
        if len(text) % period == 0 and text == text[:period] * (len(text) // period):
            return True
    return any(text in row or text in row[::-1] for row in _KEYBOARD_ROWS)


class GuessablePasswordValidator(password_validation.CommonPasswordValidator):
    """What guessing tries first, past the exact list of Django's CommonPasswordValidator:

    * a common password or a Thai word (accounts/password_words.py: provinces, everyday words,
      the portal's world), with digits and symbols around it and look-alike digits inside
      (``Passw0rd!!``, ``nakhonphanom1``, ``Bangkok@2567``);
    * the name of the user's own school, LAO or office in Latin letters, with digits;
    * runs and repeats (``12345678``, ``qwertyuiop``, ``aaaaaaaaaa``, ``abcabcabc1``);
    * the user's national ID number inside the password.
    """

    def __init__(self, password_list_path=password_validation.CommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH):  # noqa: E501
        super().__init__(password_list_path)
        from .password_words import THAI_WORDS

        self.words = self.passwords | THAI_WORDS

    def validate(self, password, user=None):
        lowered = password.lower()
        number = getattr(user, "national_id", None) or ""
        if len(number) == 13 and number in re.sub(r"\D", "", password):
            raise ValidationError(
                _("รหัสผ่านต้องไม่มีเลขประจำตัวประชาชนของคุณ"), code="password_has_national_id")
        core = _ENDS.sub("", lowered)
        # Latin letters, look-alikes read as letters; a password in Thai script is compared as
        # it is written, without the digits and symbols around it.
        letters = _NOT_LETTERS.sub("", core.translate(_LOOK_ALIKES))
        thai = re.sub(r"[\x00-\x7f]", "", core)
        compact = re.sub(r"[\W_]", "", lowered)
        digits = re.sub(r"\D", "", password)
        if ((len(letters) >= 3 and (letters in self.words or letters in _own_places(user)))
                or (thai and thai in self.words)
                or _is_run(compact) or _is_run(letters) or _is_run(lowered)
                # a few letters on a run of digits: ab12345678
                or (len(letters) < 4 and not thai and len(digits) >= 6 and _is_run(digits))):
            raise ValidationError(self.get_error_message(), code="password_guessable")

    def get_error_message(self):
        return _("รหัสผ่านนี้คาดเดาได้ง่าย (คำที่ใช้กันทั่วไป ชื่อจังหวัดหรือหน่วยงาน "
                 "หรือตัวอักษรเรียงกัน แม้จะเติมตัวเลขหรือสัญลักษณ์) "
                 "กรุณาผสมคำที่ไม่เกี่ยวข้องกันหลายคำ")

    def get_help_text(self):
        return _("รหัสผ่านต้องไม่ใช่คำที่ใช้กันทั่วไป ชื่อจังหวัดหรือหน่วยงาน หรือตัวเลขเรียงกัน "
                 "และต้องไม่มีเลขประจำตัวประชาชน")


def _own_places(user) -> set[str]:
    """The English names of the organisations where ``user`` holds a role, letters only: every
    run of consecutive words of at least 4 letters (``Ban Nong Saeng School``:
    bannongsaengschool, bannongsaeng, nongsaeng, saeng…)."""
    if user is None or getattr(user, "pk", None) is None:
        return set()
    from .models import Organization

    names = Organization.objects.filter(memberships__user=user).values_list("name_en", flat=True)
    places: set[str] = set()
    for name in names:
        words = [w for w in re.split(r"[^a-z]+", (name or "").lower()) if w]
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                run = "".join(words[start:end])
                if len(run) >= 4:
                    places.add(run)
    return places
