"""The ``govcloud`` command: Django's management commands with govcloud's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command, e.g. ``govcloud migrate`` or ``govcloud contract list``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcloud.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govcloud", *sys.argv[1:]])


if __name__ == "__main__":
    main()
