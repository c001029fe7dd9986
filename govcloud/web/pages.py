"""Which pages each role opens: the menu and the refusal of the rest read this one table.

The platform administrators of MLPS level 3 (三权分立) work on accounts, the security
policy or the audit log, not on contracts: a domain page is not theirs even when
``restrict()`` would show it empty, so it answers 404, as for a page that does not exist
(docs/access.md). The system administrator keeps the contract and system lists it scopes
accounts with. The API stays open to them: ``restrict()`` decides there, row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govcloud.inventory.changes import WORKFLOW
from govcloud.lib.roles import (
    CONTRACT_WIDE_ROLES,
    PLATFORM_ADMIN_ROLES,
    SYSTEM_SCOPED_ROLES,
    Role,
)

#: Pages every signed-in person opens: signing in and out, the language, one's own account.
EVERYONE = ("home", "login", "logout", "set_language", "my-account", "account-two-factor",
            "account-password", "api:")
ACCOUNT_PAGES = ("account-list", "account-create", "account-detail", "account-role",
                 "account-scope", "account-disable", "account-enable",
                 "account-reset-password")

#: The only pages (URL names, or prefixes ending in ":" or "-") a platform administrator
#: opens besides EVERYONE's.
PLATFORM_ADMIN_PAGES = {
    Role.SYSTEM_ADMIN: (*ACCOUNT_PAGES, "contract-list", "contract-detail", "system-list",
                        "system-detail"),
    Role.SECURITY_ADMIN: (*ACCOUNT_PAGES, "security-policy"),
    Role.AUDIT_ADMIN: ("audit-",),
}

DOMAIN_ROLES = CONTRACT_WIDE_ROLES | SYSTEM_SCOPED_ROLES
PROVIDER_ROLES = frozenset({Role.PROVIDER_OPERATOR, Role.PROVIDER_MANAGER})


def _queue_roles() -> frozenset[str]:
    """The roles that take a step of a change request (C-9), from its table: only they
    have a work queue; the supervisor reads."""
    return WORKFLOW.roles


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: Promise
    #: The roles it is offered to, or a function that reads them from a domain's table.
    roles: frozenset[str] | Callable[[], frozenset[str]]
    #: Another page for some roles (purchaser staff open the credentials, not the requests).
    url_name_for: Callable[[str], str] | None = None

    def offered_to(self, role: str) -> bool:
        return role in (self.roles() if callable(self.roles) else self.roles)

    def url_for(self, role: str) -> str:
        return reverse(self.url_name_for(role) if self.url_name_for else self.url_name)


MENU = (
    MenuItem("contract-list", _("Contracts"), DOMAIN_ROLES | {Role.SYSTEM_ADMIN}),
    MenuItem("system-list", _("Application systems"), DOMAIN_ROLES | {Role.SYSTEM_ADMIN}),
    MenuItem("host-list", _("Cloud hosts"), DOMAIN_ROLES),
    MenuItem("change-request-list", _("Change requests"), DOMAIN_ROLES),
    MenuItem("change-queue", _("Work queue"), _queue_roles),
    MenuItem("allocation", _("Allocation"), DOMAIN_ROLES),
    MenuItem("ledger", _("Ledger"), DOMAIN_ROLES),
    MenuItem("kpi-dashboard", _("KPIs"), DOMAIN_ROLES),
    MenuItem("maintenance-list", _("Maintenance"), DOMAIN_ROLES),
    MenuItem("telemetry-source-list", _("Telemetry sources"), PROVIDER_ROLES),
    MenuItem("access-request-list", _("Provider access"),
             CONTRACT_WIDE_ROLES | {Role.PURCHASER_STAFF},
             url_name_for=lambda role: "credential-list" if role == Role.PURCHASER_STAFF
             else "access-request-list"),
    MenuItem("account-list", _("Accounts"), frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})),
    MenuItem("security-policy", _("Security policy"), frozenset({Role.SECURITY_ADMIN})),
    MenuItem("audit-event-list", _("Audit log"), frozenset({Role.AUDIT_ADMIN})),
    MenuItem("api:docs", _("API"), DOMAIN_ROLES | PLATFORM_ADMIN_ROLES),
)


def _matches(url_name: str, patterns: tuple[str, ...]) -> bool:
    return any(url_name.startswith(pattern) if pattern.endswith((":", "-"))
               else url_name == pattern for pattern in patterns)


def may_open(role: str, url_name: str) -> bool:
    """Whether a person of ``role`` has any use for the page named ``url_name``."""
    if role not in PLATFORM_ADMIN_ROLES:
        return True
    return _matches(url_name, EVERYONE + PLATFORM_ADMIN_PAGES[role])


def menu_for(role: str) -> list[tuple[str, Promise]]:
    """Return the menu of ``role`` as (URL, label) pairs."""
    return [(item.url_for(role), item.label) for item in MENU
            if item.offered_to(role) and may_open(role, item.url_name)]


class RolePagesMiddleware:
    """Answer 404 to a platform administrator opening a page that is not their work."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        url_name = request.resolver_match.view_name if request.resolver_match else ""
        if not may_open(user.role, url_name):
            raise Http404("not a page of this role")
        return None
