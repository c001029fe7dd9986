"""Reading one cell of an import: text, whole numbers, yes/no, IP addresses, host status.

Each reader returns the value its column needs or raises CellProblem saying what is wrong.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from govcloud.inventory.changes import MAX_QUANTITY
from govcloud.inventory.choices import HostStatus
from govcloud.inventory.spreadsheets.base import MAX_ADDRESSES, CellProblem, match_key, quoted

if TYPE_CHECKING:
    from govcloud.inventory.spreadsheets.columns import Column


#: A host is imported in one of these; a decommissioned host is history, not inventory.
IMPORTED_STATUSES = (HostStatus.PROVISIONING, HostStatus.RUNNING, HostStatus.STOPPED)
YES_WORDS = frozenset({"是", "yes", "y", "true", "1"})
NO_WORDS = frozenset({"否", "no", "n", "false", "0"})
ADDRESS_SEPARATORS = re.compile(r"[\s,;、]+")
WHOLE_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.0*)?")


def read_text(value, column: Column) -> str:
    """Return a cell as text; a number Excel made of a phone number is written without .0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    if column.limit and len(text) > column.limit:
        raise CellProblem(_("At most %(limit)s characters; this cell has %(length)s.")
                          % {"limit": column.limit, "length": len(text)})
    return text


def read_number(value, column: Column) -> int:
    """Return a whole number from minimum to MAX_QUANTITY, or say what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellProblem(_("Give a whole number, not %(value)s.") % {"value": quoted(value)})
    number = value
    if isinstance(value, str):
        text = value.strip()
        if not WHOLE_NUMBER.fullmatch(text.replace(" ", "")):
            fraction = re.fullmatch(r"[+-]?\d+\.\d+", text)
            message = (_("Give a whole number; %(value)s has a fraction.") if fraction
                       else _("Give a whole number, not %(value)s."))
            raise CellProblem(message % {"value": quoted(value)})
        number = int(Decimal(text.replace(",", "").replace(" ", "")))
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellProblem(_("Give a whole number; %(value)s has a fraction.")
                              % {"value": quoted(value)})
        number = int(value)
    if not column.minimum <= number <= MAX_QUANTITY:
        raise CellProblem(_("Give a number from %(minimum)s to %(maximum)s, not %(value)s.")
                          % {"minimum": column.minimum, "maximum": f"{MAX_QUANTITY:,}",
                             "value": quoted(value)})
    return number


@functools.cache
def _yes_no_words() -> tuple[frozenset[str], frozenset[str]]:
    yes, no = set(YES_WORDS), set(NO_WORDS)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(match_key(pgettext("spreadsheet value", "yes")))
            no.add(match_key(pgettext("spreadsheet value", "no")))
    return frozenset(yes), frozenset(no)


def read_yes_no(value, column: Column) -> bool:
    """Return a yes/no cell: 是/否, yes/no, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    yes, no = _yes_no_words()
    word = match_key(value)
    if word in yes or word in no:
        return word in yes
    raise CellProblem(_("Give yes or no (是/否, yes/no, true/false, 1/0), not %(value)s.")
                      % {"value": quoted(value)})


def read_addresses(value, column: Column) -> list[str]:
    """Return the IP addresses of a cell, separated by commas, semicolons, spaces or lines."""
    addresses, bad = [], []
    for part in ADDRESS_SEPARATORS.split(unicodedata.normalize("NFKC", str(value)).strip()):
        try:
            address = str(ipaddress.ip_address(part))
        except ValueError:
            bad.append(part)
            continue
        if address not in addresses:
            addresses.append(address)
    if bad:
        raise CellProblem(_("Not an IP address: %(values)s.")
                          % {"values": ", ".join(quoted(part) for part in bad[:5])})
    if len(addresses) > MAX_ADDRESSES:
        raise CellProblem(_("At most %(limit)s IP addresses per host.")
                          % {"limit": MAX_ADDRESSES})
    return addresses


@functools.cache
def _status_words() -> dict[str, str]:
    words = {}
    for status in HostStatus:
        words[match_key(status.value)] = status.value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                words[match_key(status.label)] = status.value
    return words


def read_status(value, column: Column) -> str:
    """Return a host status from its value or its label in any language."""
    status = _status_words().get(match_key(value))
    if status == HostStatus.DECOMMISSIONED:
        raise CellProblem(_("A decommissioned host is not imported; leave the row out."))
    if status is None:
        labels = ", ".join(f"{status.value} ({status.label})" for status in HostStatus
                           if status in IMPORTED_STATUSES)
        raise CellProblem(_("Unknown status %(value)s; give one of %(statuses)s.")
                          % {"value": quoted(value), "statuses": labels})
    return status
