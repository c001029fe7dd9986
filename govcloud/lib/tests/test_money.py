"""Money exact to the fen (C-2): reading amounts, splitting them, writing them out."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import pairwise

import pytest

from govcloud.lib.money import (
    MoneyError,
    amount_in_words,
    excluding_tax_agrees,
    format_yuan,
    split_by_percent,
    to_money,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.30", D("12.30")),
        (12, D("12.00")),
        (D("12.3"), D("12.30")),
        ("12.300", D("12.30")),
        ("¥3,887,026.00", D("3887026.00")),
        ("0", D("0.00")),
    ],
)
def test_to_money_reads_exact_amounts_and_quantizes_them_to_the_fen(value, expected):
    amount = to_money(value)
    assert amount == expected
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [12.3, 0.1, 1.0])
def test_to_money_refuses_floats(value):
    with pytest.raises(MoneyError, match="is not an exact amount"):
        to_money(value)


@pytest.mark.parametrize("value", [True, False])
def test_to_money_refuses_booleans_although_they_are_ints(value):
    with pytest.raises(MoneyError, match="is not an exact amount"):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "", "12,3x", None])
def test_to_money_refuses_text_that_is_not_a_number(value):
    with pytest.raises(MoneyError, match="is not an amount of money"):
        to_money(value)


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "sNaN", D("NaN"), D("Infinity")])
def test_to_money_refuses_nan_and_infinity(value):
    with pytest.raises(MoneyError, match="is not a finite amount"):
        to_money(value)


@pytest.mark.parametrize("value", ["0.001", "12.305", D("3887026.001")])
def test_to_money_refuses_amounts_finer_than_a_fen(value):
    with pytest.raises(MoneyError, match="is finer than one fen"):
        to_money(value)


def test_to_money_refuses_an_absurdly_large_amount_with_a_money_error():
    with pytest.raises(MoneyError):
        to_money("1e30")


def test_seventy_thirty_of_the_contract_total_gives_the_contracts_two_payments():
    assert split_by_percent(D("3887026.00"), [D(70), D(30)]) == [D("2720918.20"),
                                                                 D("1166107.80")]


def test_the_leftover_fen_go_to_the_largest_remainders_not_to_naive_rounding():
    """30/40/30 of 123456789 fen is 37037036.7 + 49382715.6 + 37037036.7: rounding each
    share would make up a fen; the two leftover fen go to the two .7 remainders."""
    shares = split_by_percent(D("1234567.89"), [D(30), D(40), D(30)])
    assert shares == [D("370370.37"), D("493827.15"), D("370370.37")]


@pytest.mark.parametrize(
    ("total", "percents", "expected"),
    [
        ("0.01", [50, 50], ["0.01", "0.00"]),
        ("0.01", [30, 40, 30], ["0.00", "0.01", "0.00"]),
        ("0.02", [30, 40, 30], ["0.01", "0.01", "0.00"]),
        ("100.00", ["33.33", "33.33", "33.34"], ["33.33", "33.33", "33.34"]),
        ("100.00", [100], ["100.00"]),
        ("0.00", [70, 30], ["0.00", "0.00"]),
    ],
)
def test_leftover_fen_go_to_the_largest_remainder_and_ties_to_the_earlier_share(
    total, percents, expected
):
    shares = split_by_percent(D(total), [D(str(p)) for p in percents])
    assert shares == [D(amount) for amount in expected]


def percent_lists(rng: random.Random):
    yield [D(70), D(30)]
    yield [D(30), D(40), D(30)]
    yield [D("33.33"), D("33.33"), D("33.34")]
    yield [D(10)] * 10
    yield [D("0.01"), D("99.99")]
    for _ in range(150):
        parts = rng.randint(1, 7)
        cuts = sorted(rng.sample(range(1, 10000), parts - 1))
        bounds = [0, *cuts, 10000]
        yield [D(high - low) / 100 for low, high in pairwise(bounds)]


def totals(rng: random.Random):
    yield from (D("0.00"), D("0.01"), D("0.99"), D("3887026.00"), D("1234567.89"),
                D("99999999999.99"))
    for _ in range(40):
        yield D(rng.randint(0, 10**12)) / 100


def test_shares_always_add_up_to_the_total_exactly_and_each_is_within_a_fen_of_its_percent():
    rng = random.Random(20250729)
    cases = 0
    for percents in percent_lists(rng):
        assert sum(percents) == 100
        for total in totals(rng):
            shares = split_by_percent(total, percents)
            assert sum(shares) == total, (total, percents)
            assert len(shares) == len(percents)
            for share, percent in zip(shares, percents, strict=True):
                assert share == share.quantize(D("0.01"))
                assert abs(share - total * percent / 100) < D("0.01"), (total, percents)
            cases += 1
    assert cases == 155 * 46


@pytest.mark.parametrize("percents", [[70, 20], [70, 31], [], ["33.33", "33.33", "33.33"]])
def test_split_by_percent_refuses_percents_that_do_not_add_up_to_100(percents):
    with pytest.raises(MoneyError, match="not 100"):
        split_by_percent(D("3887026.00"), [D(str(p)) for p in percents])


def test_split_by_percent_names_the_wrong_sum():
    with pytest.raises(MoneyError) as error:
        split_by_percent(D("100.00"), [D(70), D(20)])
    assert str(error.value) == "percentages add up to 90, not 100"


def test_split_by_percent_refuses_a_negative_total():
    with pytest.raises(MoneyError, match="cannot split a negative total"):
        split_by_percent(D("-0.01"), [D(30), D(40), D(30)])


def test_the_contracts_amounts_with_and_without_tax_agree_at_six_percent():
    assert excluding_tax_agrees(D("3887026.00"), D("3667005.66"), D("0.06"))


@pytest.mark.parametrize(
    ("including", "agrees"),
    [("106.00", True), ("106.01", True), ("105.99", True), ("106.02", False),
     ("105.98", False)],
)
def test_amounts_with_and_without_tax_may_differ_by_one_fen_after_tax_at_most(including, agrees):
    assert excluding_tax_agrees(D(including), D("100.00"), D("0.06")) is agrees


def test_excluding_tax_two_fen_off_disagrees():
    assert not excluding_tax_agrees(D("3887026.00"), D("3667005.64"), D("0.06"))


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("3887026.00", "¥3,887,026.00"),
        ("2720918.2", "¥2,720,918.20"),
        ("0.5", "¥0.50"),
        ("999", "¥999.00"),
        ("1000", "¥1,000.00"),
    ],
)
def test_format_yuan_writes_the_amount_the_way_the_contract_does(amount, text):
    assert format_yuan(D(amount)) == text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("3887026.00", "叁佰捌拾捌万柒仟零贰拾陆元整"),
        ("2720918.20", "贰佰柒拾贰万零玖佰壹拾捌元贰角整"),
        ("1166107.80", "壹佰壹拾陆万陆仟壹佰零柒元捌角整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ],
)
def test_amount_in_words_writes_the_contracts_amounts(amount, words):
    assert amount_in_words(D(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("100001", "壹拾万零壹元整"),
        ("10000000", "壹仟万元整"),
        ("1000010", "壹佰万零壹拾元整"),
        ("10001000", "壹仟万零壹仟元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("60000000.05", "陆仟万元零伍分"),
        ("1010", "壹仟零壹拾元整"),
        ("20", "贰拾元整"),
    ],
)
def test_amount_in_words_writes_one_zero_for_a_run_of_zeros_across_the_wan_boundary(
    amount, words
):
    assert amount_in_words(D(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1.05", "壹元零伍分"),
        ("10.01", "壹拾元零壹分"),
        ("1.50", "壹元伍角整"),
        ("0.30", "零元叁角整"),
        ("0.05", "零元伍分"),
        ("0", "零元整"),
    ],
)
def test_amount_in_words_writes_jiao_and_fen(amount, words):
    assert amount_in_words(D(amount)) == words


def test_amount_in_words_refuses_a_negative_amount():
    with pytest.raises(MoneyError, match="negative"):
        amount_in_words(D("-1.00"))


def test_amount_in_words_refuses_a_trillion_yuan_or_more():
    assert amount_in_words(D(10**12) - D("0.01")).startswith("玖仟玖佰玖拾玖亿")
    with pytest.raises(MoneyError, match="trillion"):
        amount_in_words(D(10**12))
