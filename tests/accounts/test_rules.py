import pytest

from accounts.rules import (
    CommitteeKind,
    LaoType,
    OrgKind,
    Role,
    committee_kind_for,
    may_be_child,
    role_allowed_at,
)


@pytest.mark.parametrize(
    ("lao_type", "committee"),
    [
        (LaoType.PAO, CommitteeKind.KJJ),
        (LaoType.CITY_MUNICIPALITY, CommitteeKind.KTJ),
        (LaoType.TOWN_MUNICIPALITY, CommitteeKind.KTJ),
        (LaoType.SUBDISTRICT_MUNICIPALITY, CommitteeKind.KTJ),
        (LaoType.SAO, CommitteeKind.KOBTJ),
        (LaoType.PATTAYA, CommitteeKind.PATTAYA),
    ],
)
def test_each_lao_type_goes_to_its_committee(lao_type, committee):
    # RULES.md §1: อบจ. → ก.จ.จ., เทศบาล → ก.ท.จ., อบต. → ก.อบต.จังหวัด, เมืองพัทยา → ก.เมืองพัทยา
    assert committee_kind_for(lao_type) == committee


def test_every_lao_type_has_a_committee_and_unknown_types_are_refused():
    assert {committee_kind_for(t) for t in LaoType} == set(CommitteeKind)
    with pytest.raises(ValueError, match="unknown LAO type"):
        committee_kind_for("bangkok")


def test_the_tree_shape():
    assert may_be_child(None, OrgKind.AGENCY)
    assert not may_be_child(None, OrgKind.PROVINCE)
    assert may_be_child(OrgKind.AGENCY, OrgKind.PROVINCE)
    assert may_be_child(OrgKind.PROVINCE, OrgKind.LAO)  # อบจ. directly under the province
    assert may_be_child(OrgKind.DISTRICT, OrgKind.LAO)
    assert not may_be_child(OrgKind.DISTRICT, OrgKind.SCHOOL)
    assert may_be_child(OrgKind.LAO, OrgKind.SCHOOL)
    assert not may_be_child(OrgKind.SCHOOL, OrgKind.SCHOOL)


def test_roles_are_held_at_their_level():
    assert role_allowed_at(Role.SCHOOL_ADMIN, OrgKind.SCHOOL)
    assert not role_allowed_at(Role.SCHOOL_ADMIN, OrgKind.LAO)
    assert role_allowed_at(Role.PROVINCE_ADMIN, OrgKind.PROVINCE)
    assert not role_allowed_at(Role.DLA_ADMIN, OrgKind.PROVINCE)
    assert all(role_allowed_at(Role.STAFF, k) for k in OrgKind)
