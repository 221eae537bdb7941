"""Text that people and programs send in: no NUL and no control characters (what is stored
must print). A NUL cannot be stored by PostgreSQL (a 500 where it reached a query), and a
control character saved into a text breaks every Word file (XML) built from it afterwards.

One check, :func:`refuse_control_characters`, is run by :func:`install` (from
``CoreConfig.ready``) before the validators of every text field of every form (Django's
``forms.CharField``: model forms, the admin's, django-filter's filters of the API's query
strings) and of every serializer (DRF's ``CharField``: model serializers and declared fields
alike), so that no view or serializer has to remember it: the answer is a 400 (or the form's
error) with a Thai message, and nothing is stored. Tab, line feed and carriage return stay
allowed: multi-line texts (an agenda's text, a reason) are made of lines.
"""

from __future__ import annotations

import re
from functools import wraps

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, LF and CR; DEL and the C1 controls; lone surrogates (a JSON "\ud800");
# U+FFFE and U+FFFF, which XML does not allow either.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


MESSAGE = _("ข้อความมีอักขระควบคุมหรืออักขระพิเศษที่บันทึกไม่ได้ (เช่น NUL) กรุณาลบออกแล้วลองอีกครั้ง")
CODE = "control_characters"


def printable(text: str) -> str:
    """``text`` without the characters a document (XML) cannot hold: for what was stored before
    the check existed (core/word.py)."""
    return FORBIDDEN.sub("", text)


def refuse_control_characters(value) -> None:
    """Raise the Thai ValidationError when ``value`` (a text) holds a forbidden character."""
    if isinstance(value, str) and FORBIDDEN.search(value):
        raise ValidationError(MESSAGE, code=CODE)


def install() -> None:
    """Check every Django form CharField and DRF CharField (subclasses included: EmailField,
    SlugField, RegexField …) before its own validators, whenever the field was made (admin
    forms exist before this app is ready). The check comes first and alone: Django's and DRF's
    own NUL and surrogate validators answer in English (no Thai in their catalogues).
    Idempotent."""
    from django import forms
    from rest_framework import fields

    for cls in (forms.CharField, fields.CharField):
        if not getattr(cls.run_validators, "refuses_control_characters", False):
            cls.run_validators = _checked_first(cls.run_validators)


def _checked_first(original):
    @wraps(original)
    def run_validators(self, value):
        refuse_control_characters(value)
        return original(self, value)

    run_validators.refuses_control_characters = True
    return run_validators
