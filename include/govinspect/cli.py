"""``govinspect`` — the same functions the Airflow tasks call, for inspectors and operators."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from govinspect.quarter import Quarter


def _quarter(text: str) -> str:
    try:
        return str(Quarter.parse(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


def cmd_demo(args: argparse.Namespace) -> int:
    from govinspect.demo.run import run_demo

    pdf = run_demo(quarter=args.quarter, verbose=not args.quiet)
    print(pdf)
    return 0


def cmd_registry_load(args: argparse.Namespace) -> int:
    from govinspect.registry.load import load_files
    from govinspect.registry.readers import RegistryFileError
    from govinspect.store import migrate

    migrate()
    try:
        report = load_files([Path(p) for p in args.files], Quarter.parse(args.quarter), county=args.county or "",
                            kind=args.kind)
    except RegistryFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    for line in report.summary_lines():
        print(line)
    return 0


def cmd_probe(args: argparse.Namespace) -> int:
    from govinspect.checks.liveness import probe_many
    from govinspect.net import run

    results = run(probe_many(args.urls))
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False))
    else:
        for r in results:
            print(f"{r.outcome:24} {r.status or '-':>4} {r.elapsed_ms:>6} ms  {r.url}")
    return 0 if all(r.outcome == "ok" for r in results) else 2


def cmd_extract(args: argparse.Namespace) -> int:
    from govinspect.checks.freshness import extract_file

    doc = extract_file(Path(args.page), args.url, args.as_of)
    print(json.dumps(doc, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from govinspect.scoring.engine import ObservationsError, load_rubric, score_observations
    from govinspect.scoring.rubric import RubricError

    try:
        observations = json.loads(Path(args.observations).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: {args.observations}: {exc}", file=sys.stderr)
        return 1
    try:
        rubric = load_rubric(args.rubric) if args.rubric else None
        result = score_observations(observations, rubric)
    except ObservationsError as exc:
        print(f"error: {args.observations}: {exc}", file=sys.stderr)
        return 1
    except RubricError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_notice(args: argparse.Namespace) -> int:
    from govinspect.pipeline import render_notice
    from govinspect.profile import load_profile

    paths = render_notice(args.quarter, load_profile(args.profile))
    print(paths["pdf"])
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    """Run one stage of a quarter by hand (what a DAG task runs)."""
    from govinspect import pipeline
    from govinspect.profile import load_profile

    profile = load_profile(args.profile)
    pipeline.prepare_store()
    stage = args.stage
    if stage == "registry":
        out = pipeline.snapshot_registry(args.quarter, profile)
    elif stage == "websites":
        out = [pipeline.check_website_batch(args.quarter, b, profile) for b in pipeline.plan_website_batches(args.quarter, profile)]
    elif stage == "accounts":
        out = [pipeline.check_account_batch(args.quarter, b, profile) for b in pipeline.plan_account_batches(args.quarter, profile)]
    elif stage == "reconcile":
        out = pipeline.reconcile_registry(args.quarter, profile)
    elif stage == "score":
        out = pipeline.score_quarter(args.quarter, profile)
    elif stage == "rollup":
        out = pipeline.rollup_units(args.quarter, profile)
    else:
        out = pipeline.render_notice(args.quarter, profile)
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


def cmd_farm(args: argparse.Namespace) -> int:
    from govinspect.demo.farm import main as farm_main

    return farm_main(["--today", args.today.isoformat(), "--port", str(args.port)])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govinspect", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="run the whole 2020 Q3 quarter on the bundled demo county through Airflow")
    p.add_argument("--quarter", type=_quarter, default="2020Q3")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("registry", help="registry exports")
    rsub = p.add_subparsers(dest="registry_command", required=True)
    p = rsub.add_parser("load", help="validate and import export files (xlsx/csv); exit 1 on an unusable file")
    p.add_argument("files", nargs="+")
    p.add_argument("--quarter", type=_quarter, required=True)
    p.add_argument("--county", help="the county's name, to match 鄂托克前旗发展和改革委员会 with 旗发展和改革委员会")
    p.add_argument("--kind", choices=["websites", "accounts", "sweep", "units", "manual"])
    p.set_defaults(func=cmd_registry_load)

    p = sub.add_parser("probe", help="one liveness probe of each URL (15 s budget)")
    p.add_argument("urls", nargs="+")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_probe)

    p = sub.add_parser("extract", help="what the freshness check sees in one saved page")
    p.add_argument("page")
    p.add_argument("--url", required=True)
    p.add_argument("--as-of", type=_day, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("score", help="apply the rubric to an observations document")
    p.add_argument("observations")
    p.add_argument("--rubric", help="rubric name (national-2019, zhaoqing-2019 …) or a .toml path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("notice", help="(re)render the quarter's notice from the store")
    p.add_argument("--quarter", type=_quarter, required=True)
    p.add_argument("--profile")
    p.set_defaults(func=cmd_notice)

    p = sub.add_parser("stage", help="run one stage of a quarter without Airflow")
    p.add_argument("stage", choices=["registry", "websites", "accounts", "reconcile", "score", "rollup", "notice"])
    p.add_argument("--quarter", type=_quarter, required=True)
    p.add_argument("--profile")
    p.set_defaults(func=cmd_stage)

    p = sub.add_parser("farm", help="serve the demo county's websites and feeds on loopback")
    p.add_argument("--today", type=_day, default=date(2020, 10, 15))
    p.add_argument("--port", type=int, default=18080)
    p.set_defaults(func=cmd_farm)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from govinspect.profile import ProfileError

    try:
        return args.func(args)
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
