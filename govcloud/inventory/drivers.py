"""Execution drivers: what carries an approved change out on the cloud (C-9).

The workflow in govcloud.inventory.changes calls a driver when an operator starts a change
and asks it for the outcome afterwards. The default, ManualDriver, does nothing on the
cloud: the operator makes the change by hand in the cloud's console and confirms it, which
is how most government clouds work today. A driver for an OpenStack-based cloud would
call Nova/Cinder in ``start`` (resize, extend a volume, reboot) and read the server's
state in ``outcome``; the workflow does not change.

The driver is chosen by the setting GOVCLOUD_EXECUTION_DRIVER (a dotted path).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class DriverError(Exception):
    """The driver could not start a change; the message says why, for the operator."""


@dataclass(frozen=True)
class DriverOutcome:
    """What the cloud reports of a started change."""

    succeeded: bool
    note: str = ""


class ExecutionDriver(ABC):
    """The interface every driver implements."""

    #: Stored on each change it carries out, so the evidence says how a change was made.
    name = ""
    #: How the pages name it.
    label = ""
    #: Whether an operator confirms the outcome (True) or the driver reports it.
    confirmed_by_operator = True

    @abstractmethod
    def start(self, change) -> str:
        """Begin the change on the cloud; return a reference to it there ("" if none).

        Raise DriverError when the cloud refuses; the change then stays approved.
        """

    @abstractmethod
    def outcome(self, change) -> DriverOutcome | None:
        """Return how the change ended, or None while it runs or an operator must say."""


class ManualDriver(ExecutionDriver):
    """The operator does the change by hand and confirms it in govcloud."""

    name = "manual"
    label = _("by hand in the cloud's console, confirmed by the operator")

    def start(self, change) -> str:
        return ""

    def outcome(self, change) -> DriverOutcome | None:
        return None


def current_driver() -> ExecutionDriver:
    """Return an instance of the configured driver."""
    return import_string(settings.GOVCLOUD_EXECUTION_DRIVER)()
