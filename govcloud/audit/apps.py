from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "govcloud.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from govcloud.audit import signals  # noqa: F401  (connects the receivers)
        from govcloud.audit.constants import retention_days

        retention_days()  # a bad GOVCLOUD_AUDIT_RETENTION_DAYS stops govcloud at start-up
