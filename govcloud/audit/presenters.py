"""Audit records in words: the one table of action labels, and details read as key and value.

The log stores codes (``auth.login``, ``{"enrolled": false}``) because the HMAC chain covers
them and filters match them; people read the labels below, in their own language, on the
audit pages and in the exports.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from govcloud.lib.roles import Role

#: Every action the code records, by its code. A code missing here is shown as it is.
ACTION_LABELS = {
    "auth.login": pgettext_lazy("audit action", "Signed in"),
    "auth.logout": pgettext_lazy("audit action", "Signed out"),
    "auth.login_failed": gettext_lazy("Sign-in failed"),
    "auth.second_factor": gettext_lazy("Second factor"),
    "account.bootstrap": gettext_lazy("Administrator created at installation"),
    "account.create": gettext_lazy("Account created"),
    "account.scope_change": gettext_lazy("Account scope changed"),
    "account.role_change": gettext_lazy("Role assigned"),
    "account.enable": gettext_lazy("Account enabled"),
    "account.disable": gettext_lazy("Account disabled"),
    "account.password_change": gettext_lazy("Own password changed"),
    "account.password_reset": gettext_lazy("Password reset"),
    "policy.change": gettext_lazy("Security policy changed"),
    "contract.load": gettext_lazy("Contract loaded"),
    "inventory.system_update": gettext_lazy("System details changed"),
    "inventory.import": gettext_lazy("Inventory imported"),
    "inventory.export": gettext_lazy("Inventory exported"),
    "change.create": gettext_lazy("Change request drafted"),
    "change.update": gettext_lazy("Change request draft edited"),
    "change.submit": gettext_lazy("Change request submitted"),
    "change.withdraw": gettext_lazy("Change request withdrawn"),
    "change.decide": gettext_lazy("Change request decided"),
    "change.start": gettext_lazy("Change started"),
    "change.finish": gettext_lazy("Change finished"),
    "change.verify": gettext_lazy("Change verified"),
    "access.request": gettext_lazy("Provider access requested"),
    "access.decide": gettext_lazy("Provider access decided"),
    "access.revoke": gettext_lazy("Provider access revoked"),
    "access.use": gettext_lazy("Provider access used"),
    "credential.store": gettext_lazy("Credential stored"),
    "credential.reveal": gettext_lazy("Credential revealed"),
    "maintenance.announce": gettext_lazy("Maintenance announced"),
    "maintenance.decide": gettext_lazy("Maintenance decided"),
    "maintenance.cancel": gettext_lazy("Maintenance cancelled"),
    "telemetry.source.create": gettext_lazy("Telemetry source added"),
    "telemetry.source.update": gettext_lazy("Telemetry source changed"),
    "telemetry.source.delete": gettext_lazy("Telemetry source deleted"),
    "telemetry.endpoint.create": gettext_lazy("Service endpoint added"),
    "telemetry.endpoint.update": gettext_lazy("Service endpoint changed"),
    "telemetry.endpoint.delete": gettext_lazy("Service endpoint deleted"),
    "telemetry.token.issue": gettext_lazy("Push token issued"),
    "telemetry.token.revoke": gettext_lazy("Push token revoked"),
    "export.audit_log": gettext_lazy("Audit log exported"),
    "audit.purge": gettext_lazy("Audit records purged"),
    "audit.checkpoint": gettext_lazy("Audit checkpoint written"),
}

#: Keys of ``details`` that deserve a better word than the key itself.
DETAIL_LABELS = {
    "enrolled": gettext_lazy("Authenticator newly enrolled"),
    "username": gettext_lazy("User name tried"),
    "role": gettext_lazy("Role"),
    "from": pgettext_lazy("audit detail", "From"),
    "to": pgettext_lazy("audit detail", "To"),
    "before": pgettext_lazy("audit detail", "Before"),
    "after": pgettext_lazy("audit detail", "After"),
    "reason": gettext_lazy("Reason"),
    "contracts": gettext_lazy("Contracts"),
    "systems": gettext_lazy("Application systems"),
    "system": gettext_lazy("Application system"),
    "host": gettext_lazy("Cloud host"),
    "status": gettext_lazy("Status"),
    "kind": gettext_lazy("Kind"),
    "format": gettext_lazy("Format"),
    "filters": gettext_lazy("Filters"),
    "rows": gettext_lazy("Rows"),
    "code": gettext_lazy("Code"),
    "version": gettext_lazy("Version"),
    "outcome": gettext_lazy("Outcome"),
    "label": gettext_lazy("Label"),
    "window_start": gettext_lazy("Window start"),
    "window_end": gettext_lazy("Window end"),
    "starts_at": gettext_lazy("Starts at"),
    "ends_at": gettext_lazy("Ends at"),
    "applied": gettext_lazy("Applied"),
    "driver": gettext_lazy("Execution driver"),
    "records": gettext_lazy("Records"),
    "retention_days": gettext_lazy("Retention (days)"),
}

#: Keys whose value is a role code.
ROLE_KEYS = frozenset({"role", "from", "to"})


def action_label(code: str) -> str:
    """Return the action in the reader's language; an unknown code as it is."""
    return str(ACTION_LABELS.get(code, code))


def role_label(code: str) -> str:
    """Return a role code as its label; a blank or unknown code as it is."""
    return str(Role(code).label) if code in Role.values else code


def detail_label(key: str) -> str:
    return str(DETAIL_LABELS.get(key) or capfirst(key.replace("_", " ")))


def value_text(value, key: str = "") -> str:
    """Return one detail value in words: yes/no, roles by label, lists and maps spelled out."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{detail_label(k)}: {value_text(v, k)}" for k, v in value.items())
    if key in ROLE_KEYS and isinstance(value, str):
        return role_label(value)
    return str(value)


def detail_items(details: dict) -> list[tuple[str, str]]:
    """Return the details of a record as (label, value) pairs in the reader's language."""
    return [(detail_label(key), value_text(value, key)) for key, value in details.items()]
