"""caseway.lib.disclosure: small cells hidden, and nothing hidden can be worked out by subtraction."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from caseway.lib import disclosure
from caseway.lib.disclosure import protect_count, protect_counts, protect_measure, protect_share, protect_table


def _table_lines(result):
    """Every line of a protected table as (parts, total): what a reader could subtract."""
    lines = [(list(row), total) for row, total in zip(result.cells, result.row_totals, strict=True)]
    columns = list(zip(*result.cells, strict=True)) if result.cells else []
    lines += [(list(column), total) for column, total in zip(columns, result.column_totals, strict=True)]
    lines += [(list(result.row_totals), result.total), (list(result.column_totals), result.total)]
    return lines


def _recoverable(lines) -> list:
    """The lines where exactly one value is hidden: a reader gets it back by subtraction."""
    return [line for line in lines if sum(value is None for value in [*line[0], line[1]]) == 1]


# ---------------------------------------------------------------------------------------------
# Rule 1: primary suppression


def test_it_reads_the_threshold_from_settings(settings):
    settings.SMALL_CELL_THRESHOLD = 11

    assert disclosure.threshold() == 11
    assert protect_count(10) is None
    assert protect_count(11) == 11


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_it_hides_a_count_from_one_to_the_threshold_minus_one(count):
    assert protect_count(count, threshold=5) is None


@pytest.mark.parametrize("count", [5, 6, 100])
def test_it_shows_a_count_at_or_above_the_threshold(count):
    assert protect_count(count, threshold=5) == count


def test_it_shows_a_true_zero():
    assert protect_count(0, threshold=5) == 0
    assert protect_counts([0, 20, 30], threshold=5).values == (0, 20, 30)


def test_a_threshold_of_three_hides_ones_and_twos():
    assert protect_counts([1, 3, 9, 2], threshold=3).values == (None, 3, 9, None)


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_it_refuses_a_threshold_below_three(limit):
    with pytest.raises(ValueError):
        protect_count(5, threshold=limit)
    with pytest.raises(ValueError):
        protect_table([[5]], threshold=limit)


def test_it_hides_a_small_total_and_its_cells():
    result = protect_counts([2, 1, 0], threshold=5)

    assert result.values == (None, None, 0)
    assert result.total is None
    assert result.all_hidden


# ---------------------------------------------------------------------------------------------
# Rule 3: secondary suppression, one-way tables


def test_a_lone_small_cell_is_protected_by_the_smallest_other_non_zero_cell():
    # Without the second cell, 40 − (20 + 9 + 0) would give the hidden 3 back.
    result = protect_counts([3, 20, 9, 0, 8], threshold=5)

    assert result.values == (None, 20, 9, 0, None)
    assert result.total == 40
    assert _recoverable([(list(result.values), result.total)]) == []


def test_ties_take_the_first_cell():
    assert protect_counts([2, 7, 7], threshold=5).values == (None, None, 7)


def test_two_small_cells_need_no_complement():
    assert protect_counts([2, 3, 20], threshold=5).values == (None, None, 20)


def test_the_total_is_hidden_when_only_zeros_are_left():
    # 0, 0 and a hidden 3: the total would be the 3; it is small, hidden by rule 1 already.
    result = protect_counts([0, 3, 0], threshold=5)

    assert result.values == (0, None, 0)
    assert result.total is None


def test_a_published_total_is_never_chosen():
    # [4, 0, 30] with its total printed in another table: the complement is the 30, not the total.
    result = protect_counts([4, 0, 30], threshold=5, total_published=True)

    assert result.values == (None, 0, None)
    assert result.total == 34


def test_a_total_hidden_elsewhere_is_hidden_here_with_a_complement():
    # The total (say, the declined referrals) is hidden in another table: here it must be hidden
    # too, and then one cell more, or the cells would add up to it.
    result = protect_counts([6, 9, 12], threshold=5, total_hidden=True)

    assert result.total is None
    assert result.values == (None, 9, 12)


def test_it_refuses_a_total_both_published_and_hidden():
    with pytest.raises(ValueError):
        protect_counts([1, 2], threshold=5, total_published=True, total_hidden=True)


# ---------------------------------------------------------------------------------------------
# Rule 3: two-way tables, recovery by subtraction, stability


def test_a_lone_small_cell_in_a_row_and_a_column_is_protected_in_both():
    rows = [
        [3, 20, 15],
        [12, 30, 25],
        [10, 14, 40],
    ]
    result = protect_table(rows, threshold=5)

    assert result.cells[0][0] is None
    assert _recoverable(_table_lines(result)) == []
    # The complements: 15 in the row, 10 in the column, then 40, which closes the rectangle (its row
    # already holds the hidden 10) rather than 25, which would start a chain.
    assert result.cells[0][2] is None
    assert result.cells[2][0] is None
    assert result.cells[2][2] is None
    assert result.cells[1] == (12, 30, 25)
    assert result.total == 169


def test_the_complements_cascade_until_every_line_is_safe():
    # Hiding 2 pulls 6 (its row) and 5 (its column); hiding 6 leaves its column with one hidden
    # cell, and so on: only a fixed point where no line holds a lone hidden entry is accepted.
    rows = [
        [2, 6, 30, 40],
        [5, 50, 60, 70],
        [80, 90, 7, 100],
    ]
    result = protect_table(rows, threshold=5)

    assert _recoverable(_table_lines(result)) == []
    assert result.cells[0][0] is None
    assert result.cells[0][1] is None
    assert result.cells[1][0] is None


def test_a_hidden_margin_is_protected_in_its_own_column():
    # Column 1 is all zeros but one 3: its total (3) is small; the 3 must not come back from the
    # other column totals and the grand total either.
    rows = [[40, 3], [50, 0]]
    result = protect_table(rows, threshold=5)

    assert result.cells[0][1] is None
    assert result.column_totals[1] is None
    assert _recoverable(_table_lines(result)) == []


def test_a_published_grand_total_is_kept():
    rows = [[40, 0], [0, 9]]  # no small cell at all
    assert protect_table(rows, threshold=5, total_published=True).total == 49
    rows = [[40, 3], [20, 9]]
    result = protect_table(rows, threshold=5, total_published=True)
    assert result.total == 72
    assert _recoverable(_table_lines(result)) == []


def test_it_is_deterministic():
    rows = [[2, 7, 7, 0], [7, 2, 9, 11], [0, 13, 1, 8]]

    assert protect_table(rows, threshold=5) == protect_table(rows, threshold=5)


def test_an_empty_table_is_all_zero():
    result = protect_table([], threshold=5)

    assert result.cells == ()
    assert result.total == 0


def test_it_refuses_ragged_rows_negative_counts_and_a_threshold_below_three():
    with pytest.raises(ValueError):
        protect_table([[1, 2], [3]], threshold=5)
    with pytest.raises(ValueError):
        protect_counts([-1, 4], threshold=5)
    with pytest.raises(ValueError):
        protect_count(3, threshold=1)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=3, max_value=12).flatmap(
        lambda limit: st.tuples(
            st.just(limit),
            st.integers(min_value=1, max_value=5).flatmap(
                lambda width: st.lists(
                    st.lists(st.integers(min_value=0, max_value=40), min_size=width, max_size=width),
                    min_size=1,
                    max_size=5,
                )
            ),
        )
    ),
    st.booleans(),
)
def test_no_hidden_cell_of_any_table_comes_back_by_subtraction(case, published):
    limit, rows = case
    result = protect_table(rows, threshold=limit, total_published=published)

    assert _recoverable(_table_lines(result)) == [] or (published and _only_the_fixed_line_is_short(result))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            shown = result.cells[r][c]
            assert shown is None or shown == value
            if 0 < value < limit:
                assert shown is None


def _only_the_fixed_line_is_short(result) -> bool:
    # With a published grand total every other entry may already be hidden: nothing is left to hide.
    return all(line[1] == result.total for line in _recoverable(_table_lines(result)))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=3, max_value=12), st.lists(st.integers(min_value=0, max_value=40), max_size=8))
def test_no_hidden_count_of_a_list_comes_back_by_subtraction(limit, counts):
    result = protect_counts(counts, threshold=limit)

    assert _recoverable([(list(result.values), result.total)]) == []
    assert all(shown is None or shown == value for shown, value in zip(result.values, counts, strict=True))


# ---------------------------------------------------------------------------------------------
# Rule 5: rates and medians


def test_a_share_over_a_base_below_the_threshold_is_hidden():
    assert protect_share(2, 4, threshold=5) is None
    assert protect_share(0, 0, threshold=5) is None


def test_a_share_that_would_give_back_a_small_part_or_rest_is_hidden():
    assert protect_share(3, 40, threshold=5) is None  # 3 of 40
    assert protect_share(38, 40, threshold=5) is None  # the 2 others
    assert protect_share(30, 40, threshold=5) == 0.75


def test_a_share_of_none_or_all_is_shown():
    assert protect_share(0, 40, threshold=5) == 0
    assert protect_share(40, 40, threshold=5) == 1


def test_a_median_over_too_few_values_is_hidden():
    assert protect_measure(12.5, 4, threshold=5) is None
    assert protect_measure(12.5, 5, threshold=5) == 12.5
    assert protect_measure(None, 50, threshold=5) is None


# ---------------------------------------------------------------------------------------------
# Presentation


def test_one_marker_for_every_hidden_value_and_a_legend_naming_the_threshold():
    assert disclosure.shown(None) == disclosure.MARKER
    assert disclosure.shown(0) == 0
    assert "fewer than 7" in disclosure.legend(7)
    assert str(disclosure.MARKER) in disclosure.legend(7)


def test_the_marker_and_legend_are_translated():
    with translation.override("fr"):
        assert str(disclosure.MARKER) != "hidden"
        assert "fewer than" not in disclosure.legend(5)
