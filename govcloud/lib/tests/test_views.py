"""Ids read from links and forms: anything that names no row is a 404, never a 500."""

from __future__ import annotations

import pytest
from django.http import Http404

from govcloud.contract.models import Contract
from govcloud.lib.views import LARGEST_ID, object_or_404, parse_id


@pytest.mark.parametrize("raw, number", [("7", 7), (7, 7), ("007", 7),
                                         (str(LARGEST_ID), LARGEST_ID)])
def test_an_id_of_plain_digits_is_read(raw, number):
    assert parse_id(raw) == number


@pytest.mark.parametrize("raw", [None, "", "abc", "²", "٣", "-1", "+1", "1.0", " 1", "1 ",
                                 "0x1", str(LARGEST_ID + 1), "1" * 40])
def test_anything_else_names_no_row(raw):
    assert parse_id(raw) is None


def test_the_row_an_id_names_is_found_within_the_queryset(cast):
    assert object_or_404(Contract.objects.all(), str(cast.contract_a.pk)) == cast.contract_a


@pytest.mark.parametrize("raw", ["abc", "²", "99999999999999999999999", "0"])
def test_a_malformed_or_unknown_id_is_a_404_naming_what_was_sought(cast, raw):
    with pytest.raises(Http404, match="Choose a contract"):
        object_or_404(Contract.objects.all(), raw, message="Choose a contract")


def test_a_row_the_queryset_leaves_out_is_the_same_404(cast):
    restricted = Contract.objects.restrict(cast.purchaser_admin)
    with pytest.raises(Http404):
        object_or_404(restricted, cast.contract_b.pk)
