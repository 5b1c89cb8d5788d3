"""caseway.lib.disclosure: rounding, public outputs without organizations, and shares."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseway.lib import disclosure
from caseway.lib.disclosure import (
    ROUNDING_BASE,
    protect_count,
    protect_counts,
    protect_share,
    protect_table,
    refuse_organization_names,
    round_count,
    without_organizations,
)

# ---------------------------------------------------------------------------------------------
# Rule 7: rounding, after suppression, off unless asked


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [(0, 5, 0), (2, 5, 0), (3, 5, 5), (7, 5, 5), (8, 5, 10), (12, 5, 10), (15, 10, 20), (14, 10, 10), (9, 1, 9)],
)
def test_it_rounds_to_the_nearest_multiple_halves_up(count, base, expected):
    assert round_count(count, base) == expected


def test_it_does_not_round_unless_asked():
    result = protect_counts([7, 12, 23], threshold=5)

    assert result.values == (7, 12, 23)
    assert result.total == 42
    assert result.rounded_to is None


def test_it_rounds_published_counts_after_suppression_and_totals_on_their_own():
    # The 3 is hidden on its true value (not on a rounded 5), the 4 with it; 7 → 5, 23 → 25, and
    # the total 37 → 35, not the sum of the rounded cells.
    result = protect_counts([3, 4, 7, 23], threshold=5, round_to=5)

    assert result.values == (None, None, 5, 25)
    assert result.total == 35
    assert result.rounded_to == 5


def test_round_to_true_uses_the_default_base():
    assert protect_counts([7, 12], threshold=5, round_to=True).values == (5, 10)
    assert protect_counts([7, 12], threshold=5, round_to=True).rounded_to == ROUNDING_BASE
    assert protect_count(8, threshold=5, round_to=True) == 10
    assert protect_count(3, threshold=5, round_to=True) is None


def test_it_rounds_a_table_and_its_margins_with_the_same_cells_hidden():
    rows = [[3, 20, 16], [12, 31, 27], [10, 14, 41]]
    plain = protect_table(rows, threshold=5)
    rounded = protect_table(rows, threshold=5, round_to=10)

    hidden = [[value is None for value in row] for row in plain.cells]
    assert [[value is None for value in row] for row in rounded.cells] == hidden
    assert rounded.cells[1] == (10, 30, 30)
    assert rounded.total == round_count(plain.total, 10)
    assert rounded.rounded_to == 10


def test_it_refuses_a_rounding_base_below_one():
    with pytest.raises(ValueError):
        protect_counts([7], threshold=5, round_to=0)
    with pytest.raises(ValueError):
        round_count(7, -5)


def test_the_legend_tells_when_counts_are_rounded():
    assert "rounded to the nearest 5" in disclosure.legend(5, rounded_to=5)
    assert "rounded" not in disclosure.legend(5)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=60), max_size=8),
    st.integers(min_value=3, max_value=8),
    st.sampled_from([2, 5, 10]),
)
def test_rounding_never_changes_what_is_hidden_and_stays_within_half_a_base(counts, limit, base):
    plain = protect_counts(counts, threshold=limit)
    rounded = protect_counts(counts, threshold=limit, round_to=base)

    for exact, shown in zip([*plain.values, plain.total], [*rounded.values, rounded.total], strict=True):
        assert (exact is None) == (shown is None)
        if exact is not None:
            assert shown % base == 0
            assert abs(shown - exact) * 2 <= base


# ---------------------------------------------------------------------------------------------
# Rule 8: public outputs never name an organization (GBVIMS information-sharing rule)


def test_it_adds_up_the_organizations_of_a_two_way_table():
    counts = {
        ("org-a", "female", "18-24"): 4,
        ("org-b", "female", "18-24"): 3,
        ("org-a", "male", "18-24"): 9,
        ("org-b", "female", "25-59"): 11,
    }
    public = without_organizations(("organization", "sex", "age_band"), counts)

    assert public.dimensions == ("sex", "age_band")
    assert public.counts == {("female", "18-24"): 7, ("male", "18-24"): 9, ("female", "25-59"): 11}


def test_a_table_by_organization_alone_keeps_only_its_total():
    public = without_organizations(("to_organization",), [(("org-a",), 12), (("org-b",), 3)])

    assert public.dimensions == ()
    assert public.counts == {(): 15}


def test_a_table_without_organizations_is_unchanged():
    counts = {("female",): 4, ("male",): 9}
    public = without_organizations(("sex",), counts)

    assert public.dimensions == ("sex",)
    assert public.counts == counts


def test_both_ends_of_a_referral_are_removed_and_more_can_be_named():
    counts = {("org-a", "org-b", "health", "north"): 6, ("org-b", "org-a", "health", "north"): 2}
    public = without_organizations(
        ("from_organization", "to_organization", "service", "site"),
        counts,
        identifying={"from_organization", "to_organization", "site"},
    )

    assert public.dimensions == ("service",)
    assert public.counts == {("health",): 8}


def test_it_refuses_a_key_of_the_wrong_length():
    with pytest.raises(ValueError):
        without_organizations(("organization", "sex"), {("org-a",): 3})


def test_it_refuses_a_public_label_that_names_an_organization():
    organizations = ["Hope Legal Clinic", "HLC", "3f1c2a9e-0000-4000-8000-000000000001"]

    with pytest.raises(ValueError):
        refuse_organization_names(["Women 18–24", "Referred by hope legal clinic"], organizations)
    with pytest.raises(ValueError):
        refuse_organization_names(["Source: HLC"], organizations)
    with pytest.raises(ValueError):
        refuse_organization_names(["id 3F1C2A9E-0000-4000-8000-000000000001"], organizations)


def test_it_accepts_labels_that_only_contain_an_acronym_inside_a_word():
    refuse_organization_names(["Health check", "Women 18–24", "Total"], ["HLC", "Hope Legal Clinic", "", "  "])
    refuse_organization_names(["Anything"], [])


def test_the_error_does_not_repeat_the_name():
    with pytest.raises(ValueError) as raised:
        refuse_organization_names(["Hope Legal Clinic"], ["Hope Legal Clinic"])

    assert "Hope" not in str(raised.value)


# ---------------------------------------------------------------------------------------------
# Rule 5: shares, as a property


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=60).flatmap(
        lambda whole: st.tuples(st.integers(min_value=0, max_value=whole), st.just(whole))
    ),
    st.integers(min_value=3, max_value=10),
)
def test_a_shown_share_never_rests_on_a_small_base_part_or_rest(case, limit):
    part, whole = case
    share = protect_share(part, whole, threshold=limit)

    small = whole < limit or 0 < part < limit or 0 < whole - part < limit
    assert (share is None) == small
    if share is not None:
        assert share == part / whole
