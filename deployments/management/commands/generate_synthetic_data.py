"""Fill the database with synthetic records for benchmarks and load tests."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from deployments import synthetic


class Command(BaseCommand):
    help = (
        "Create synthetic nations (codes ZS…, hosts ZH…), sources, troop counts "
        "and statements, deterministically for a seed. Refuses to run twice "
        "unless --replace, which removes the earlier synthetic data first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--nations", type=int, default=10)
        parser.add_argument("--hosts", type=int, default=3)
        parser.add_argument(
            "--records-per-nation",
            type=int,
            default=100,
            help="Troop counts plus statements per nation, over all its hosts.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--replace", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if min(options["nations"], options["hosts"], options["records_per_nation"]) < 1:
            raise CommandError(
                "--nations, --hosts and --records-per-nation must be ≥ 1"
            )
        if synthetic.synthetic_nations().exists():
            if not options["replace"]:
                raise CommandError(
                    "Synthetic data is already there; add --replace to start over."
                )
            synthetic.remove_synthetic_data()
        plan = synthetic.Plan(
            nations=options["nations"],
            hosts=options["hosts"],
            records_per_nation=options["records_per_nation"],
            seed=options["seed"],
        )
        with tqdm(
            total=plan.rows,
            unit=" rows",
            disable=options["no_progress"],
            file=self.stderr,
        ) as progress:
            synthetic.generate(plan, on_rows=progress.update)
        self.stdout.write(
            f"Created {plan.nations} nations × {plan.hosts} hosts × "
            f"{plan.per_pair} counts and {plan.per_pair} statements "
            f"= {plan.rows:,} rows."
        )
