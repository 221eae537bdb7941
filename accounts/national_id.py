"""The Thai national ID number (เลขประจำตัวประชาชน ๑๓ หลัก): validation and masking.

The checksum is python-stdnum's ``stdnum.th.pin``. National ID numbers are personal data:
screens show ``mask()`` unless the full number is needed, and logs never carry them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.th import pin


def normalize(value: str) -> str:
    """Strip the dashes and spaces people type ("1-1017-00230-70-5")."""
    return pin.compact(value or "")


def is_valid(value: str) -> bool:
    return pin.is_valid(value or "")


def validate_national_id(value: str) -> None:
    compact = normalize(value)
    if not compact.isdigit() or len(compact) != 13:
        raise ValidationError(
            _("เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก"), code="national_id_length"
        )
    try:
        pin.validate(compact)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            _("เลขประจำตัวประชาชนไม่ถูกต้อง (ตัวเลขตรวจสอบหลักสุดท้ายไม่ตรง)"),
            code="national_id_checksum",
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("เลขประจำตัวประชาชนไม่ถูกต้อง"), code="national_id_invalid"
        ) from None


def mask(value: str | None) -> str:
    """``1101700230705`` → ``1-1017-xxxxx-xx-5``: enough to recognise, not enough to misuse."""
    if not value:
        return ""
    # stored numbers are 13 digits already (a roster page masks a hundred of them)
    compact = value if len(value) == 13 and value.isdigit() else normalize(value)
    if len(compact) != 13:
        return "x" * len(compact)
    return f"{compact[0]}-{compact[1:5]}-xxxxx-xx-{compact[12]}"


def check_digit(first_twelve: str) -> str:
    """The 13th digit for twelve given digits (used to generate demo and synthetic people)."""
    return pin.calc_check_digit(first_twelve)
