from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "govcloud.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    def ready(self) -> None:
        from govcloud.contract.signals import version_stored
        from govcloud.inventory.services import systems_follow_contract

        version_stored.connect(systems_follow_contract, dispatch_uid="inventory-systems")
