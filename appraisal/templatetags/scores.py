"""``{% load scores %}{{ value|score }}``: a score as every page, PDF, Word and Excel file shows
it (``appraisal.rules.format_score``: 2 decimals, half up)."""

from django import template

from appraisal.rules import format_score

register = template.Library()


@register.filter
def score(value, options: str = ""):
    """``{{ 65.625|score }}`` → 65.63; ``{{ v|score:"thai_digits" }}`` → ๖๕.๖๓; None → –."""
    text = format_score(value, thai_digits="thai_digits" in options)
    return text or "–"
