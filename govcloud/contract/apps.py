from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractConfig(AppConfig):
    name = "govcloud.contract"
    label = "contract"
    verbose_name = _("Contracts")
