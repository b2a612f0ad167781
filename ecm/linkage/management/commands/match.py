"""``manage.py match``: link staged records to index children with the Splink model."""

from __future__ import annotations

import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecm.core.actors import SYSTEM_MATCHER
from ecm.linkage.index_bridge import bulk_connection_prepare
from ecm.linkage.matching.engine import ENGINES, LearnedNames, learned_names, match_run
from ecm.linkage.matching.model import DEFAULT_LOWER, DEFAULT_UPPER, comparisons_out_of_date
from ecm.linkage.matching.training import match_model_train_scoring
from ecm.linkage.models import MatchModel
from ecm.linkage.selectors import thresholds_from_decisions
from ecm.linkage.services import deliveries_mark_stopped


class Command(BaseCommand):
    # A batch command run by schedulers and the benchmark: Django's system checks (every URL module
    # imported) would cost a second of start-up each run; ``manage.py check`` and CI run them.
    requires_system_checks: list[str] = []
    help = "Link staged records to index children: exact identifiers, then the Splink model; queue the doubtful."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", action="store_true", help="Train a new model version first")
        parser.add_argument(
            "--upper",
            type=float,
            default=None,
            help=f"Link at or above (default: from the model's estimates; {DEFAULT_UPPER} without data)",
        )
        parser.add_argument(
            "--lower",
            type=float,
            default=None,
            help=f"Review at or above (default: from the model's estimates; {DEFAULT_LOWER} without data)",
        )
        parser.add_argument(
            "--thresholds-from-review",
            action="store_true",
            help="Take the thresholds the clerical decisions suggest (Record linkage page) for a new model version",
        )
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default=None,
            help="Score pairs on DuckDB or on Spark (default: the ECM_LINKAGE_ENGINE setting, duckdb)",
        )

    def progress(self, message: str) -> None:
        """A progress line with the process's peak memory so far (national runs must stay within 4 GB) and its
        CPU seconds so far (on a shared machine the wall time between lines overstates each phase)."""
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stderr.write(f"{message} (max RSS {peak_mb:,.0f} MB, CPU {time.process_time():,.1f} s)")

    def handle(self, *args: Any, **options: Any) -> None:
        bulk_connection_prepare()
        for stopped in deliveries_mark_stopped(actor=SYSTEM_MATCHER):
            self.stderr.write(
                f"Delivery {stopped.pk} ({stopped.file_name}) stopped part-way: its rows are not matched."
            )
        model = MatchModel.objects.first()
        # Thresholds given on the command line; otherwise the model's (a new model estimates its own).
        upper, lower = options["upper"], options["lower"]
        if options["thresholds_from_review"] and model is not None:
            suggested = thresholds_from_decisions(
                upper=upper if upper is not None else model.upper_threshold,
                lower=lower if lower is not None else model.lower_threshold,
            )
            if suggested is None:
                self.stderr.write("Too few clerical decisions to suggest thresholds: keeping the current ones.")
            else:
                upper, lower = suggested["upper"], suggested["lower"]
                self.stdout.write(f"Thresholds from {suggested['decisions']} decisions: upper {upper}, lower {lower}.")
        changed = model is not None and (
            (upper is not None and upper != model.upper_threshold)
            or (lower is not None and lower != model.lower_threshold)
        )
        sample = None  # the pairs training scored, reused by the match when they are the same records
        learned: LearnedNames | None = None
        out_of_date = False
        if model is not None and comparisons_out_of_date(model.settings):
            out_of_date = True
            self.stdout.write(
                f"Model {model.version} compares records otherwise than this release's model: training a new version."
            )
        if model is None or options["train"] or changed or out_of_date:
            # The names learned from the records, read once for training and for the match.
            learned = learned_names()
            model, sample = match_model_train_scoring(actor=SYSTEM_MATCHER, upper=upper, lower=lower, learned=learned)
            self.stdout.write(
                f"Model {model.version} trained on {model.trained_on_records} records; thresholds upper "
                f"{model.upper_threshold}, lower {model.lower_threshold}"
                + (" (from the model's own estimates)." if upper is None or lower is None else ".")
            )
            self.progress(f"trained {model.version}")
        summary = match_run(
            actor=SYSTEM_MATCHER,
            model=model,
            progress=self.progress,
            engine=options["engine"],
            sample=sample,
            learned=learned,
        )
        self.stdout.write(
            f"Model {model.version}: {summary.same_source_record} by source record id, {summary.identifier} by "
            f"NHS number or UPN, {summary.model_linked} by the model to existing children, "
            f"{summary.records_in_new_children} into {summary.new_children} new children, "
            f"{summary.review} pairs for review, {summary.held} held (no family name or date of birth)."
        )
