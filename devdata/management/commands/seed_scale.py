import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from devdata import scale
from devdata.scale import plan as country


class Command(BaseCommand):
    help = ("สร้างข้อมูลสังเคราะห์ระดับประเทศ (A synthetic country for the benchmark: "
            "77 provinces, 7,850 LAOs, 500,000 people at --factor 1.0; see devdata/scale/.)")

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=0.01,
                            help="fraction of the country, 0 < F ≤ 1 (default 0.01)")
        parser.add_argument("--reset", action="store_true",
                            help="empty the database first (PostgreSQL, TRUNCATE; only a "
                                 "database whose name contains scale, bench or test)")
        parser.add_argument("--hot-roster", type=int, default=500,
                            help="active people of the benchmark's hot school (default 500)")
        parser.add_argument("--hot-queue", type=int, default=1000,
                            help="requests in the hot office's queue (default 1000)")
        parser.add_argument("--seed", type=int, default=country.SEED)
        parser.add_argument("--no-copy", action="store_true",
                            help="INSERT with executemany instead of COPY on PostgreSQL")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, factor, reset, hot_roster, hot_queue, seed, no_copy, **options):
        if reset:
            try:
                scale.reset()
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        elif Organization.objects.exists():
            raise CommandError("the database already holds organisations: seed_scale writes "
                               "into an empty database (or pass --reset on PostgreSQL)")
        try:
            plan = country.Plan.for_factor(factor, hot_roster=hot_roster, hot_queue=hot_queue)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"factor {factor}: {len(plan.provinces)} provinces, {plan.districts} districts, "
            f"{sum(plan.laos.values())} LAOs, {plan.total_schools} schools and centres, "
            f"{plan.total_people} people, {plan.total_applications} requests "
            f"(hot spots: a roster of {plan.hot_roster}, a queue of {plan.hot_queue}), "
            f"{plan.experts} experts assessing {plan.assessed_applications} of the requests "
            f"(the hot assessor: {plan.hot_assessor_awaiting} invitations awaiting, "
            f"{plan.hot_assessor_accepted} accepted)")
        summary = scale.build(factor, hot_roster=hot_roster, hot_queue=hot_queue, seed=seed,
                              copy=False if no_copy else None, log=self.stdout.write)
        self.stdout.write(f"done in {summary.seconds:.1f} s ({summary.method}), "
                          f"{sum(summary.rows.values())} rows")
        self.stdout.write(f"logins (password {country.SCALE_PASSWORD}): "
                          + ", ".join(country.hot_logins().values()))
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
