"""Refuse ``createsuperuser``: govcloud has no all-powerful account (三权分立)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Not available: use `govcloud bootstrap` to create the three administrators."

    def run_from_argv(self, argv):
        raise CommandError(self.help)

    def handle(self, *args, **options):
        raise CommandError(self.help)
