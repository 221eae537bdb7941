"""The assessment section of the application's page (appraisal part 2)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def assessment_section(context, application):
    """What ``templates/appraisal/_assessment_section.html`` shows to the request's user."""
    from appraisal.views.assessment import section_context

    return section_context(context["request"].user, application)


@register.filter
def score_at(scores, index):
    """``row.scores|score_at:forloop.counter0``."""
    try:
        return scores[index]
    except (IndexError, TypeError):
        return None
