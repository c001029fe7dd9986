"""What the contract app tells the apps above it, without importing them.

The contract stands below the inventory in the layers (docs/development.md): loading a
contract cannot call the inventory, so it announces the new version and the inventory,
which listens, brings its systems in line (C-6) inside the same transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the loading transaction with ``contract``, ``version`` and ``systems`` (the
#: rows of the contract's system table). A receiver that raises rolls the load back.
version_stored = Signal()
