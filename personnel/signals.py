"""What a change of a person record moves on: the kept rosters and office queues of its
units' provinces (core/kept.py). Bulk writes send no signals: personnel.services calls
``people_changed`` after them."""

from __future__ import annotations

from accounts.selectors import organization_paths
from core import kept

from .models import Person


def people_changed(organization_ids) -> None:
    paths = organization_paths(organization_ids)
    kept.changed(kept.PEOPLE, paths)
    kept.changed(kept.APPLICATIONS, paths)  # the applicants' names on the office's queue


def _remember_old_unit(sender, instance: Person, **kwargs) -> None:
    """pre_save: a person who moves leaves the old unit's roster too."""
    if instance.pk is not None:
        instance._kept_old_unit = Person.objects.filter(pk=instance.pk).values_list(
            "organization_id", flat=True).first()


def person_changed(sender, instance: Person, **kwargs) -> None:
    """post_save / post_delete."""
    people_changed([instance.organization_id, getattr(instance, "_kept_old_unit", None)])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(_remember_old_unit, sender=Person, dispatch_uid="personnel.kept.pre")
    post_save.connect(person_changed, sender=Person, dispatch_uid="personnel.kept.save")
    post_delete.connect(person_changed, sender=Person, dispatch_uid="personnel.kept.delete")
