import datetime

from django import template
from django.utils.translation import get_language

from core.thaidates import format_be

register = template.Library()


@register.filter
def thai_date(value, options: str = ""):
    """The one filter for dates on every page: ``{{ d|thai_date }}`` → 10 พ.ค. 2568.

    Options, comma-separated: ``long`` (10 พฤษภาคม 2568), ``thai_digits`` (๑๐ พ.ค. ๒๕๖๘),
    ``date`` (drop the time of a datetime). In English pages: 10 May 2568.
    """
    if isinstance(value, str) and value:
        # dates kept in JSON (snapshots) are ISO strings
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    opts = {o.strip() for o in options.split(",") if o.strip()}
    lang = "en" if (get_language() or "th").startswith("en") else "th"
    return format_be(
        value,
        style="long" if "long" in opts else "short",
        thai_digits="thai_digits" in opts and lang == "th",
        lang=lang,
        with_time=False if "date" in opts else None,
    )


@register.filter
def baht(value, options: str = ""):
    """``{{ person.salary|baht }}`` → 24,290.00 (core.money.format_baht); None → "";
    ``baht:"thai_digits"`` → ๒๔,๒๙๐.๐๐."""
    from core.money import format_baht

    return format_baht(value, thai_digits="thai_digits" in options)
