"""Prepare a local tracker in one step: schema, the article's data, an admin login."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

ARTICLE_FIXTURES = ["nations", "article_2020_01_08"]


class Command(BaseCommand):
    help = (
        "Apply migrations, add the article's records that are missing and create "
        "an 'admin' superuser if none exists. Safe to run again: nothing is "
        "duplicated, and records that exist (edited or not) are left as they are."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--username", default="admin", help="Superuser to create (default: admin)."
        )

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # Never loaddata: it would overwrite editors' changes to these records.
        call_command(
            "load_new_records",
            *ARTICLE_FIXTURES,
            stdout=self.stdout,
            verbosity=options["verbosity"],
        )
        self.stdout.write(self.style.SUCCESS("Database ready with the article's data."))

        users = get_user_model()
        if users.objects.filter(username=username).exists():
            self.stdout.write(
                f"Admin login: user '{username}' already exists "
                f"(reset its password: python manage.py changepassword {username})."
            )
            return
        # An explicit password lets scripts and demos log in; otherwise a fresh
        # random one is shown once, never a well-known default.
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: user '{username}', password '{password}' "
                "(shown once; change it with manage.py changepassword)."
            )
        )
