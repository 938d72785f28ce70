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


def _last_quarter() -> str:
    """The quarter just ended: what a quarterly run inspects by default."""
    return str(Quarter.containing(date.today()).previous())


def _registry_county(args: argparse.Namespace) -> str:
    """--county, else the county of the inspection profile when one is configured."""
    import os

    from govinspect.profile import ProfileError, load_profile

    if args.county:
        return args.county
    if args.profile or os.environ.get("GOVINSPECT_PROFILE"):
        try:
            return load_profile(args.profile).county
        except ProfileError:
            return ""
    return ""


def _print_report(report) -> None:  # noqa: ANN001 - govinspect.registry.load.LoadReport
    for line in report.summary_lines():
        print(line)


def cmd_registry_load(args: argparse.Namespace) -> int:
    """Validate and import export files; exit 1, writing nothing, when a file is unusable."""
    from govinspect.registry.load import load_files
    from govinspect.registry.readers import RegistryFileError
    from govinspect.store import migrate

    quarter = Quarter.parse(args.quarter or _last_quarter())
    if not args.dry_run:
        migrate()
    try:
        report = load_files([Path(p) for p in args.files], quarter, county=_registry_county(args), kind=args.kind,
                            dry_run=args.dry_run)
    except RegistryFileError as exc:
        for error in getattr(exc, "errors", [exc]):
            print(f"error: {error}", file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    print(f"quarter: {quarter}")
    _print_report(report)
    return 0


def cmd_registry_fetch(args: argparse.Namespace) -> int:
    """Read the province's JSON registry API and import it; exit 1, writing nothing, when it cannot be read."""
    import os

    from govinspect.registry.api import ApiSource, fetch_and_parse
    from govinspect.registry.load import dry_report, load_parsed
    from govinspect.registry.readers import RegistryFileError
    from govinspect.store import migrate

    quarter = Quarter.parse(args.quarter or _last_quarter())
    if any("=" not in r for r in args.resource or []):
        print("error: --resource expects KIND=PATH, e.g. accounts=newmedia", file=sys.stderr)
        return 1
    resources = dict(r.split("=", 1) for r in args.resource) if args.resource else {"websites": "websites",
                                                                                      "accounts": "accounts"}
    token = os.environ.get(args.token_env) if args.token_env else None
    if args.token_env and not token:
        print(f"error: the environment variable {args.token_env} is empty", file=sys.stderr)
        return 1
    try:
        source = ApiSource(args.base_url, token, resources, page_size=args.page_size, timeout=args.timeout)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        parsed = fetch_and_parse(source, quarter.default_check_point())
        if args.dry_run:
            report = dry_report(parsed, quarter)
        else:
            migrate()
            report = load_parsed(parsed, quarter, county=_registry_county(args))
    except RegistryFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    print(f"quarter: {quarter}")
    _print_report(report)
    return 0


def cmd_registry_diff(args: argparse.Namespace) -> int:
    """What changed in the registry since the previous quarter (opened, closed, renamed, moved)."""
    from govinspect.registry.snapshot import CHANGE_LABELS, registry_diff
    from govinspect.store import migrate

    migrate()
    diff = registry_diff(args.quarter)
    if args.json:
        print(json.dumps({"quarter": diff.quarter, "baseline": diff.baseline, "counts": diff.counts(),
                          "changes": diff.changes}, ensure_ascii=False, default=str))
        return 0
    if diff.baseline is None:
        print(f"{diff.quarter}: no snapshot of {Quarter.parse(diff.quarter).previous()} to compare with")
        return 0
    print(f"{diff.quarter} against {diff.baseline}: " + (", ".join(
        f"{etype} {change} {n}" for etype, counts in diff.counts().items() for change, n in counts.items() if n)
        or "no change"))
    for c in diff.changes:
        d = c["detail"]
        moved = f" {d.get('before')} → {d.get('after')}" if "before" in d else ""
        print(f"  {CHANGE_LABELS[c['change']]:6} {c['entity_type']:7} {c['entity_id']:32} {c['name']}{moved}")
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


def _manual_rubric(args: argparse.Namespace) -> str:
    """The rubric manual inputs are checked against: --rubric, else the profile's, else the national one."""
    import os

    from govinspect.profile import load_profile
    from govinspect.scoring.rubric import DEFAULT_RUBRIC

    if args.rubric:
        return args.rubric
    if args.profile or os.environ.get("GOVINSPECT_PROFILE"):
        return load_profile(args.profile).indicator_set
    return DEFAULT_RUBRIC


def _manual_entity(args: argparse.Namespace) -> tuple[str, str]:
    from govinspect.registry.platforms import PLATFORMS, normalize_platform

    if args.site:
        return "website", args.site.strip()
    platform, _, account_id = args.account.partition(":")
    code = platform if platform in PLATFORMS else normalize_platform(platform)
    if not code or not account_id.strip():
        raise SystemExit(f"error: --account expects PLATFORM:ACCOUNT_ID (e.g. wechat:gh_0123456789ab), got {args.account!r}")
    return "account", f"{code}:{account_id.strip()}"


def cmd_manual(args: argparse.Namespace) -> int:
    """Inspectors' manual inputs (人工核定事项): load a sheet, add or remove one, list a quarter's."""
    from govinspect import assessment
    from govinspect.registry.readers import RegistryFileError
    from govinspect.scoring.rubric import RubricError
    from govinspect.store import migrate

    migrate()
    try:
        if args.manual_command == "load":
            report = assessment.load_manual_sheets([Path(p) for p in args.files], args.quarter, _manual_rubric(args))
            for line in report.summary_lines():
                print(line)
        elif args.manual_command == "add":
            entity_type, entity_id = _manual_entity(args)
            row = assessment.add_manual_input(
                args.quarter, entity_type, entity_id, args.kind, args.item, reason=args.reason, entered_by=args.by,
                entered_on=args.on or date.today(), points=args.points, indicator=args.indicator,
                rubric=_manual_rubric(args),
            )
            print(json.dumps(row, ensure_ascii=False, default=str))
        elif args.manual_command == "remove":
            entity_type, entity_id = _manual_entity(args)
            removed = assessment.remove_manual_input(args.quarter, entity_type, entity_id, args.kind, args.item)
            print(f"removed: {removed}")
            return 0 if removed else 1
        else:
            rows = assessment.list_manual_inputs(args.quarter)
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, default=str))
            for r in [] if args.json else rows:
                points = "" if r["points"] is None else f" {r['points']:g}分"
                indicator = f" [{r['indicator']}]" if r["indicator"] else ""
                print(f"{r['entity_type']:7} {r['entity_id']:32} {r['kind']:9} {r['item']}{indicator}{points}  "
                      f"{r['reason']}（{r['entered_by']}，{r['entered_on']}，{r['source']}）")
    except (assessment.ManualInputError, RegistryFileError, RubricError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.manual_command == "load":
            print("nothing was imported", file=sys.stderr)
        return 1
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
    p.add_argument("--quarter", type=_quarter, help="default: the quarter just ended")
    p.add_argument("--county", help="the county's name, to match 鄂托克前旗发展和改革委员会 with 旗发展和改革委员会 "
                                    "(default: the profile's)")
    p.add_argument("--profile")
    p.add_argument("--kind", choices=["websites", "accounts", "sweep", "units", "manual"],
                   help="the kind of every file (default: told from each sheet's header)")
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    p.set_defaults(func=cmd_registry_load)
    p = rsub.add_parser("fetch", help="read and import the province's JSON registry API; exit 1 when it cannot be read")
    p.add_argument("--base-url", required=True)
    p.add_argument("--token-env", help="the environment variable that holds the API token")
    p.add_argument("--resource", action="append", metavar="KIND=PATH",
                   help="a resource to read, e.g. accounts=newmedia (default: websites=websites, accounts=accounts)")
    p.add_argument("--page-size", type=int, default=100)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--quarter", type=_quarter, help="default: the quarter just ended")
    p.add_argument("--county")
    p.add_argument("--profile")
    p.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    p.set_defaults(func=cmd_registry_fetch)
    p = rsub.add_parser("diff", help="the registry's changes since the previous quarter's snapshot")
    p.add_argument("--quarter", type=_quarter, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_registry_diff)

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

    p = sub.add_parser("manual", help="inspectors' manual inputs: bonus, incidents, confirmed vetoes, deductions, overrides")
    msub = p.add_subparsers(dest="manual_command", required=True)
    p = msub.add_parser("load", help="validate and import inspectors' sheets (xlsx/csv); exit 1 on an unusable file")
    p.add_argument("files", nargs="+")
    p.add_argument("--quarter", type=_quarter, required=True)
    p.add_argument("--rubric", help="check against this rubric (default: the profile's, else national-2019)")
    p.add_argument("--profile")
    p.set_defaults(func=cmd_manual)
    for name, text in (("add", "enter one input (the same entity, kind and item replaces it)"), ("remove", "delete one input")):
        p = msub.add_parser(name, help=text)
        p.add_argument("--quarter", type=_quarter, required=True)
        who = p.add_mutually_exclusive_group(required=True)
        who.add_argument("--site", help="网站标识码")
        who.add_argument("--account", help="PLATFORM:ACCOUNT_ID, e.g. wechat:gh_0123456789ab")
        p.add_argument("--kind", required=True, choices=["bonus", "flag", "veto", "deduction", "override"])
        p.add_argument("--item", required=name == "remove",
                       help="bonus item, flag (security_incident, 严重表述错误 …), veto code, deduction item or rule id")
        if name == "add":
            p.add_argument("--points", type=float, help="points of a bonus or a deduction")
            p.add_argument("--indicator", help="first-level indicator of a deduction (发布解读 …)")
            p.add_argument("--reason", required=True)
            p.add_argument("--by", required=True, help="who enters it")
            p.add_argument("--on", type=_day, help="when (default: today)")
            p.add_argument("--rubric")
            p.add_argument("--profile")
        p.set_defaults(func=cmd_manual)
    p = msub.add_parser("list", help="a quarter's manual inputs")
    p.add_argument("--quarter", type=_quarter, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_manual)

    p = sub.add_parser("farm", help="serve the demo county's websites and feeds on loopback")
    p.add_argument("--today", type=_day, default=date(2020, 10, 15))
    p.add_argument("--port", type=int, default=18080)
    p.set_defaults(func=cmd_farm)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from govinspect.profile import ProfileError
    from govinspect.registry.readers import RegistryFileError

    try:
        return args.func(args)
    except (ProfileError, RegistryFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
