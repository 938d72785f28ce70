"""A generated province for the province-scale benchmark: unit directory, registry exports, sweep, manual
evidence and the inspection profile, over a website farm (``sitefarm``) and an account farm (``feedfarm``).

    python bench/province.py --websites 60 --accounts 600 --out /tmp/province

``generate_province`` writes, under ``out``:

* ``farm/``: the websites (``sitefarm.generate``: county-site templates, 1 % slow hosts, four hostile
  ones) and ``feeds/``: the accounts' sources (``feedfarm.write_sources``);
* ``profile/units.csv``: about 1,000 units at 600 websites (a province government and its departments,
  cities and leagues with theirs, counties with departments, towns and 融媒体中心), 9 % of them merged,
  renamed or abolished in the 2019 reform with their successor named (none at 40 websites);
  out-of-scope bodies (党群, 垂管) are added only when the levels leave room below the target size,
  which at the bench's sizes they do not;
* ``profile/website_registry.xlsx`` and ``profile/newmedia_registry.xlsx`` in the shape of the national
  systems' exports (title row, header, mixed date cells), written with the demo's writers;
* ``profile/sweep.xlsx``: the inspectors' sweep of the platforms, 5 % of the registry's size (accounts
  outside the registry: unregistered, personal, reform; and some already filed);
* ``profile/manual_evidence.csv``: the WeChat and mini-program accounts' evidence;
* ``profile/inspection.toml``: the profile, with ``[sources]`` pointing at the account farm's hosts
  and no per-platform spacing (our own loopback farm; see ``politeness_bound`` for the real platforms).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "include"))

import feedfarm  # noqa: E402
from feedfarm import AccountSpec, design_accounts, manual_rows, write_sources  # noqa: E402
from sitefarm import AS_OF, FarmManifest, generate  # noqa: E402

from govinspect.demo import build  # noqa: E402

QUARTER = "2020Q3"
PROVINCE = "内蒙古自治区"
PROVINCE_GOVERNMENT = "内蒙古自治区人民政府"
CITIES = ("呼和浩特市", "包头市", "乌海市", "赤峰市", "通辽市", "鄂尔多斯市", "呼伦贝尔市", "巴彦淖尔市", "乌兰察布市",
          "兴安盟", "锡林郭勒盟", "阿拉善盟")
COUNTY_STEMS = ("托克托", "和林格尔", "清水河", "武川", "土默特", "固阳", "达尔罕", "宁城", "林西", "克什克腾", "翁牛特",
                "喀喇沁", "敖汉", "开鲁", "库伦", "奈曼", "扎鲁特", "达拉特", "准格尔", "鄂托克", "杭锦", "乌审", "伊金霍洛",
                "阿荣", "莫力达瓦", "鄂伦春", "陈巴尔虎", "五原", "磴口", "乌拉特", "杭锦后", "卓资", "化德", "商都", "兴和",
                "凉城", "察哈尔", "四子王", "科尔沁", "扎赉特", "突泉", "阿巴嘎", "苏尼特", "东乌珠穆沁", "太仆寺", "镶黄",
                "正镶白", "正蓝", "多伦", "额济纳")
DEPARTMENTS = ("发展和改革委员会", "教育厅", "科学技术厅", "工业和信息化厅", "公安厅", "民政厅", "司法厅", "财政厅",
               "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅", "水利厅", "农牧厅",
               "商务厅", "文化和旅游厅", "卫生健康委员会", "退役军人事务厅", "应急管理厅", "审计厅", "外事办公室",
               "市场监督管理局", "广播电视局", "体育局", "统计局", "医疗保障局", "林业和草原局", "能源局", "政务服务局",
               "信访局", "乡村振兴局", "民族事务委员会", "国有资产监督管理委员会", "地方金融监督管理局")
CITY_DEPARTMENTS = ("发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局",
                    "生态环境局", "住房和城乡建设局", "交通运输局", "水务局", "农牧局", "文化旅游体育局", "卫生健康委员会",
                    "应急管理局", "市场监督管理局", "医疗保障局", "林业和草原局", "政务服务局")
COUNTY_DEPARTMENTS = ("教育体育局", "公安局", "民政局", "财政局", "人力资源和社会保障局", "自然资源局", "卫生健康委员会",
                      "应急管理局", "市场监督管理局")
# The 2019 reform: (old name, status, successor) as templates per level.
REFORMED = (("农牧业局", "更名", "农牧局"), ("林业局", "合并", "林业和草原局"), ("国土资源局", "撤销", "自然资源局"),
            ("卫生和计划生育委员会", "更名", "卫生健康委员会"), ("安全生产监督管理局", "撤销", "应急管理局"))
SWEEP_SHARE = 0.05


@dataclass
class UnitRow:
    name: str
    kind: str
    parent: str
    has_services: bool
    status: str = "正常"
    successor: str = ""
    changed_on: date | None = None

    @property
    def in_scope(self) -> bool:
        return self.kind in ("政府", "开发区", "镇", "部门", "事业单位") and self.status == "正常"


def province_units(websites: int) -> list[UnitRow]:
    """The unit directory: about 1,000 units when ``websites`` is 600, scaled with it (never below 80)."""
    target = max(80, round(websites * 1000 / 600))
    units = [UnitRow(PROVINCE_GOVERNMENT, "政府", "国务院", True)]
    units += [UnitRow(f"自治区{d}", "部门", PROVINCE_GOVERNMENT, True) for d in DEPARTMENTS]
    counties: list[tuple[str, str]] = []
    for n, stem in enumerate(COUNTY_STEMS * 3):
        city = CITIES[n % len(CITIES)]
        suffix = ("旗", "县", "市")[n % 3] if n < len(COUNTY_STEMS) else f"{('旗', '县', '区')[n % 3]}{n // len(COUNTY_STEMS)}"
        counties.append((city, f"{stem}{suffix}"))
    levels: list[list[UnitRow]] = []
    for city in CITIES:
        gov = f"{city}人民政府" if city.endswith("市") else f"{city}行政公署"
        block = [UnitRow(gov, "政府", PROVINCE_GOVERNMENT, True)]
        block += [UnitRow(f"{city}{d}", "部门", gov, True) for d in CITY_DEPARTMENTS]
        block.append(UnitRow(f"{city}融媒体中心", "事业单位", gov, False))
        block.append(UnitRow(f"{city}经济技术开发区管委会", "开发区", gov, True))
        levels.append(block)
    for n, (city, county) in enumerate(counties):
        gov = f"{city}{county}人民政府"
        block = [UnitRow(gov, "政府", f"{city}人民政府", True)]
        block += [UnitRow(f"{city}{county}{d}", "部门", gov, n % 4 != 3) for d in COUNTY_DEPARTMENTS]
        block.append(UnitRow(f"{city}{county}融媒体中心", "事业单位", gov, False))
        block += [UnitRow(f"{city}{county}{town}镇人民政府", "镇", gov, True) for town in ("城关", "新街")]
        levels.append(block)
    # interleave cities and counties so that any prefix of the directory covers every level
    for block in levels:
        units += block
        if len(units) >= target * 0.9:
            break
    reform_date = date(2019, 3, 8)
    for block in levels[:max(2, len(levels) // 3)]:
        prefix = block[0].name.removesuffix("人民政府").removesuffix("行政公署")
        for old, status, new in REFORMED:
            successor = f"{prefix}{new}"
            if any(u.name == successor for u in block) and len(units) < target:
                units.append(UnitRow(f"{prefix}{old}", "部门", block[0].name, True, status, successor, reform_date))
    out_of_scope = ("共青团{p}委员会", "{p}妇女联合会", "{p}总工会", "{p}税务局", "{p}气象局")
    n = 0
    while len(units) < target:
        block = levels[n % len(levels)]
        prefix = block[0].name.removesuffix("人民政府").removesuffix("行政公署")
        template = out_of_scope[(n // len(levels)) % len(out_of_scope)]
        name = template.format(p=prefix) + ("" if n < len(levels) * len(out_of_scope) else f"{n}")
        kind = "党群" if "委员会" in template or "联合会" in template or "工会" in template else "垂管"
        units.append(UnitRow(name, kind, block[0].name, False))
        n += 1
    return units[:target]


@dataclass
class ProvinceManifest:
    """What ``generate_province`` wrote and designed."""

    root: str
    profile: str
    websites: int
    accounts: int
    units: int
    sweep: int
    manual: int
    site_hosts: list[str]
    designed: dict[str, list]  # "platform:id" -> [expected freshness, expected state or None, outcome]
    seconds: float = 0.0

    def save(self) -> None:
        Path(self.root, "province.json").write_text(json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def load(cls, root: str | Path) -> ProvinceManifest:
        return cls(**json.loads(Path(root, "province.json").read_text()))


def _write_units(path: Path, units: list[UnitRow]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(build.UNITS_HEADER)
        for u in units:
            writer.writerow((u.name, u.kind, u.parent, "是" if u.has_services else "否", u.status, u.successor,
                             u.changed_on.isoformat() if u.changed_on else ""))


def _write_websites(path: Path, farm: FarmManifest, sponsors: list[str], rng: random.Random) -> None:
    workbook, sheet = build._workbook("网站信息")
    build._title_row(sheet, f"政府网站信息（导出时间：{(AS_OF - timedelta(days=3)).isoformat()}）", len(build.WEBSITE_HEADER))
    build._header_row(sheet, 2, build.WEBSITE_HEADER, (6, 28, 14, 30, 26, 26, 22, 28, 10, 10))
    rows = []
    for n, spec in enumerate(farm.sites, start=1):
        sponsor = sponsors[(n - 1) % len(sponsors)]
        portal = sponsor.endswith(("人民政府", "行政公署"))
        status = "下线" if rng.random() < 0.01 else "正常运行"
        rows.append((n, f"{sponsor}{'门户网站' if portal else '网站'}", f"15{n:08d}", spec.url.rstrip("/"), sponsor,
                     sponsor, f"蒙ICP备{10000000 + n}号-1", f"蒙公网安备 150{n:011d}号", "门户网站" if portal else "部门网站",
                     status))
    build._write_rows(sheet, 3, rows)
    for row in range(3, 3 + len(rows)):
        sheet.cell(row, 3).number_format = "@"
    workbook.save(path)


def _write_accounts(path: Path, accounts: list[AccountSpec], rng: random.Random) -> None:
    workbook, sheet = build._workbook("政务新媒体")
    build._title_row(sheet, f"政务新媒体信息（导出时间：{(AS_OF - timedelta(days=3)).isoformat()}）",
                     len(build.NEWMEDIA_HEADER))
    build._header_row(sheet, 2, build.NEWMEDIA_HEADER, (6, 22, 14, 22, 30, 30, 14, 14, 10))
    rows = []
    for n, a in enumerate(accounts, start=1):
        opened = date(2014, 1, 1) + timedelta(days=rng.randint(0, 2200))
        filed = opened + timedelta(days=rng.choice((1, 2, 3, 5, 7, 9, 25)))
        style = rng.choice(("excel", "excel", "excel", "cn", "iso"))
        rows.append((n, a.name, a.label, a.account_id, a.unit, a.unit,
                     build._date_cell(opened, style), build._date_cell(filed, style), "正常"))
    build._write_rows(sheet, 3, rows)
    for row in range(3, 3 + len(rows)):
        sheet.cell(row, 4).number_format = "@"
    sheet.freeze_panes = "A3"
    workbook.save(path)


def _sweep_rows(accounts: list[AccountSpec], units: list[UnitRow], rng: random.Random) -> list[tuple]:
    """Accounts the inspectors found on the platforms: most outside the registry, some already filed."""
    count = max(10, round(len(accounts) * SWEEP_SHARE))
    in_scope = [u for u in units if u.in_scope]
    reformed = [u for u in units if u.status != "正常"]
    outside = [u for u in units if u.kind in ("党群", "垂管")]
    found = datetime.combine(AS_OF - timedelta(days=2), datetime.min.time())
    rows = []
    taken = {(a.platform, a.account_id) for a in accounts}
    registry = [a for a in accounts if a.platform not in ("miniprogram",)]
    for n in range(count):
        kind = rng.choices(("unregistered", "personal", "reform", "out_of_scope", "registered"), (45, 15, 10, 15, 15))[0]
        if kind == "registered" and registry:
            a = rng.choice(registry)
            rows.append((a.name, a.label, a.account_id, a.unit, a.unit, 3, "已在报送系统中"))
            continue
        platform = rng.choice(("wechat", "weibo", "douyin", "toutiao", "kuaishou"))
        account_id = feedfarm._account_id(platform, rng, n)
        while (platform, account_id) in taken:
            account_id = feedfarm._account_id(platform, rng, n)
        taken.add((platform, account_id))
        pool = {"reform": reformed or in_scope, "out_of_scope": outside or in_scope}.get(kind, in_scope)
        unit = rng.choice(pool)
        subject = {"personal": f"个人认证：{rng.choice('王李张刘陈杨赵')}某某", "reform": unit.name}.get(kind, unit.name)
        label = rng.choice(feedfarm.LABELS[platform])
        note = {"personal": "以个人名义开设，发布单位工作信息", "reform": "认证主体仍为机构改革前的单位",
                "out_of_scope": "不属于报送范围"}.get(kind, "")
        rows.append((f"{unit.name[:8]}{n}", label, account_id, subject, unit.name, rng.randint(1, 300), note))
    return [(n, name, label, account_id, subject, unit, found,
             datetime.combine(AS_OF - timedelta(days=days), datetime.min.time()), note or None)
            for n, (name, label, account_id, subject, unit, days, note) in enumerate(rows, start=1)]


def _write_sweep(path: Path, rows: list[tuple]) -> None:
    workbook, sheet = build._workbook("排查结果")
    build._header_row(sheet, 1, build.SWEEP_HEADER, (6, 20, 12, 22, 36, 30, 12, 14, 36))
    build._write_rows(sheet, 2, rows)
    for row in range(2, 2 + len(rows)):
        sheet.cell(row, 4).number_format = "@"
    sheet.freeze_panes = "A2"
    workbook.save(path)


def _write_manual(path: Path, rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(build.EVIDENCE_HEADER)
        writer.writerows(rows)


PROFILE = """# Inspection profile of a generated province (bench/province.py): every record is invented.
[bureau]
county = "{province}"
region_code = "150000"
issuer = "{province}人民政府办公厅"
addressees = "各盟行政公署、市人民政府，自治区各委、办、厅、局，各大企业、事业单位"
contact = "自治区人民政府办公厅政务公开处 0471-0000000"

[registry]
units = "units.csv"
websites = "website_registry.xlsx"
accounts = "newmedia_registry.xlsx"
sweep = "sweep.xlsx"
manual = "manual_evidence.csv"

[run]
indicator_set = "national-2019"
filing_days = 10
check_point = {{ {quarter} = {as_of} }}
sweep_date = {{ {quarter} = {sweep} }}
notice_date = {{ {quarter} = {notice} }}
batch_size_websites = {batch_websites}
batch_size_accounts = {batch_accounts}

# Our own loopback farm: no spacing between requests to one platform. The real platforms'
# intervals (newmedia.settings.RATE_LIMITS) bound a real run; bench_province prints that bound.
[sources]
rsshub_base = "http://{rsshub}"
weibo_api = "http://{weibo}"
appstore_lookup = "http://{itunes}/lookup"
default_interval = 0
concurrency = {concurrency}
timeout = {timeout}

[sources.rate_limits]
{limits}

[notice]
rectify_days = 10
"""


def generate_province(root: str | Path, websites: int, accounts: int, *, pages: int = 60, seed: int = 20201015,
                      batch_websites: int = 20, batch_accounts: int = 40, concurrency: int = 16,
                      source_timeout: float = 15.0, cover: bool = False) -> ProvinceManifest:
    """Write the province (farms, registry files, profile) under ``root``; see the module docstring."""
    started = time.perf_counter()
    root = Path(root)
    profile_dir = root / "profile"
    profile_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    hostile = 4 if websites >= 40 else 0
    slow = max(1, websites // 100)
    farm = generate(root / "farm", websites - hostile, pages, seed=seed, slow=slow, hostile=hostile)
    units = province_units(websites)
    in_scope = [u for u in units if u.in_scope]
    # Websites: every government first, then departments; accounts: every in-scope unit in turn.
    sponsors = [u.name for u in in_scope if u.kind == "政府"] + [u.name for u in in_scope if u.kind != "政府"]
    designed = design_accounts(accounts, [u.name for u in in_scope], seed=seed, cover=cover)
    # A share of accounts still filed under a body the reform abolished (a reconciliation finding).
    reformed = [u for u in units if u.status != "正常"]
    for n, spec in enumerate(designed):
        if reformed and n % 50 == 7:
            spec.unit = reformed[n % len(reformed)].name
    write_sources(root / "feeds", designed, AS_OF, seed=seed)
    _write_units(profile_dir / "units.csv", units)
    _write_websites(profile_dir / "website_registry.xlsx", farm, sponsors, rng)
    _write_accounts(profile_dir / "newmedia_registry.xlsx", designed, rng)
    sweep = _sweep_rows(designed, units, rng)
    _write_sweep(profile_dir / "sweep.xlsx", sweep)
    manual = manual_rows(designed, AS_OF)
    _write_manual(profile_dir / "manual_evidence.csv", manual)
    limits = "\n".join(f"{platform} = 0" for platform in sorted(feedfarm_platform_limits()))
    (profile_dir / "inspection.toml").write_text(PROFILE.format(
        province=PROVINCE, quarter=QUARTER, as_of=AS_OF.isoformat(), sweep=(AS_OF - timedelta(days=2)).isoformat(),
        notice=(AS_OF + timedelta(days=6)).isoformat(), batch_websites=batch_websites, batch_accounts=batch_accounts,
        rsshub=feedfarm.RSSHUB_HOST, weibo=feedfarm.WEIBO_HOST, itunes=feedfarm.ITUNES_HOST, concurrency=concurrency,
        timeout=source_timeout, limits=limits), encoding="utf-8")
    manifest = ProvinceManifest(
        str(root), str(profile_dir / "inspection.toml"), len(farm.sites), len(designed), len(units), len(sweep),
        len(manual), farm.hosts(),
        {a.key: [*feedfarm.expected(a), a.outcome] for a in designed},
        time.perf_counter() - started)
    manifest.save()
    return manifest


def feedfarm_platform_limits() -> list[str]:
    """Platforms with a default interval in ``newmedia.settings.RATE_LIMITS``: the profile sets each to 0."""
    from govinspect.newmedia.settings import RATE_LIMITS

    return list(RATE_LIMITS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--websites", type=int, default=60)
    parser.add_argument("--accounts", type=int, default=600)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "govinspect-province"))
    args = parser.parse_args()
    m = generate_province(args.out, args.websites, args.accounts, pages=args.pages)
    print(f"province: {m.units} units, {m.websites} websites, {m.accounts} accounts, sweep {m.sweep}, "
          f"manual evidence {m.manual} rows; profile {m.profile}; {m.seconds:.1f} s")


if __name__ == "__main__":
    main()
