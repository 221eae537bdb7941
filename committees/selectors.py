from accounts.models import Organization
from accounts.rules import OrgKind, committee_kind_for
from accounts.selectors import lao_of

from .models import Committee


def committee_for(org: Organization) -> Committee | None:
    """The provincial committee that handles the teachers of ``org`` (an LAO or a school).

    RULES.md §1: the LAO's type decides the committee; the province is the LAO's own."""
    lao = lao_of(org)
    if lao is None:
        return None
    province_path = lao.ancestor_path(2)
    return (
        Committee.objects.select_related("province")
        .filter(
            province__path=province_path,
            province__kind=OrgKind.PROVINCE,
            kind=committee_kind_for(lao.lao_type),
        )
        .first()
    )
