"""Benchmark: render a notice (通报) whose attachments hold 6,000 rows, as PDF and as XLSX.

    PYTHONPATH=include python bench/bench_notice.py [--rows N] [--quick]

Each measurement runs in a fresh process, so that its peak RSS is its own. Prints
``notice_6000_rows_seconds`` (the whole notice PDF: body, charts and the three attachment tables
with repeated headers and wrapped cells), ``xlsx_6000_rows_seconds`` (the attachment workbook),
and the baseline measured in the same run: the same rows written as plain text lines, one per
row, with reportlab's canvas and the same embedded font (``plain_lines_seconds``). Ratios are
against that baseline.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from govinspect.notice.model import Count, NoticeData, Problem, ProblemGroup, Table

PLATFORMS = ["微信公众号", "新浪微博", "抖音", "今日头条", "快手", "移动客户端", "小程序"]
UNITS = [f"{name}{kind}" for name in ("县教育", "县卫生健康", "县交通运输", "县自然资源", "县市场监督管理", "县农业农村",
                                       "县文化和旅游", "县应急管理", "县民政", "县司法") for kind in ("局", "局事务中心")]
TOWNS = [f"第{i}镇人民政府" for i in range(1, 41)]


def _name(rng: random.Random, i: int) -> str:
    """Account names as registries hold them: mostly short, some long, a few with markup characters."""
    roll = rng.random()
    if roll < 0.02:
        return f"<{i}>&“政务”号"
    if roll < 0.07:
        return "某县" + "政务服务便民" * rng.randint(3, 8) + str(i)
    return rng.choice(["发布", "之声", "服务", "在线", "政务"]) + str(i)


def build(rows: int, seed: int = 20201015) -> NoticeData:
    """A county-sized notice scaled up: 80 % of the rows registered accounts, 16 % outside, 4 % sites."""
    rng = random.Random(seed)
    n_sites = max(1, rows * 4 // 100)
    n_outside = rows * 16 // 100
    n_registered = rows - n_sites - n_outside
    units = UNITS + TOWNS
    registered = []
    stale = ProblemGroup("内容长期不更新（两周以上未发布信息）")
    for i in range(1, n_registered + 1):
        unit = rng.choice(units)
        name = _name(rng, i)
        verdict = rng.choices(["合格", "不合格", "需人工核查"], [85, 10, 5])[0]
        problem = "内容不更新（NM2）" if verdict == "不合格" else ("未能读取最近发布" if verdict == "需人工核查" else "无")
        last = "—" if verdict == "需人工核查" else f"2020-{rng.randint(7, 10):02d}-{rng.randint(1, 28):02d}"
        registered.append([str(i), name, rng.choice(PLATFORMS), unit, last, verdict, problem])
        if verdict == "不合格" and len(stale.items) < 200:
            stale.items.append(Problem(f"{name}（微信公众号）", unit, f"最近发布 {last}，超过 14 天", "NM2"))
    outside = [[str(i), _name(rng, i), rng.choice(PLATFORMS), f"某县{rng.choice(units)}", rng.choice(units),
                "2020-10-01", rng.choice(["未备案", "未备案、以个人名义开设"])] for i in range(1, n_outside + 1)]
    sites = [[str(i), f"某县{rng.choice(units)}网站", f"15062300{i:02d}", rng.choice(units), "合格",
              f"{rng.uniform(60, 100):.1f}", "无", "发布解读政策文件一级栏目超过6个月未更新：1 个（规范性文件）（-5）；"
              "功能设计其他页面链接不可用：7 处（-0.7）"] for i in range(1, n_sites + 1)]
    platform_counts = [Count(p, n_registered // 7, n_registered // 7, n_registered // 70, n_registered // 140)
                       for p in PLATFORMS]
    total = Count("合计", n_registered, n_registered, n_registered // 10, n_registered // 20)
    return NoticeData(
        quarter="2020Q3", quarter_label="2020年第三季度", title="关于2020年第三季度全市政府网站与政务新媒体检查情况的通报",
        issuer="某市政务服务局", issue_date=date(2020, 10, 21), addressees="各县（区）人民政府，市直各部门",
        lead="根据国办秘函〔2019〕19号要求，现将检查情况通报如下。",
        website_counts=Count("政府网站", n_sites, n_sites, 3, 0), account_counts=[*platform_counts, total],
        overview=["截至2020年10月15日，全市运行政府网站和备案政务新媒体情况如下。"] * 3,
        website_problems=[ProblemGroup("单项否决"), ProblemGroup("链接不可用")],
        account_problems=[stale, ProblemGroup("“全国政务新媒体报送系统”之外的政务新媒体（未备案）",
                                              [Problem(f"{r[1]}（{r[2]}）", r[4], "") for r in outside[:300]],
                                              note="清单见附件2。")],
        requirements=["一是抓紧整改。", "二是严格备案。", "三是加强监管。"],
        attachments=[
            Table(1, "已在“全国政务新媒体信息报送系统”备案的政府系统政务新媒体清单",
                  ["序号", "账号名称", "平台类型", "主办单位", "最近发布", "检查结果", "问题"], registered, landscape=True),
            Table(2, "“全国政务新媒体信息报送系统”之外的政府系统政务新媒体清单",
                  ["序号", "账号名称", "平台类型", "认证主体", "所属单位", "最近发布", "问题类别"], outside, landscape=True),
            Table(3, "政府网站检查结果", ["序号", "网站名称", "网站标识码", "主办单位", "检查结果", "得分", "单项否决项", "主要问题"],
                  sites, landscape=True),
        ],
        unit_type_rates=[Count("部门", 4000, 4000, 400, 200), Count("镇", 800, 800, 80, 40)],
        trend=[("2019年第四季度", 0.8, 0.7), ("2020年第一季度", 0.85, 0.75), ("2020年第二季度", 0.9, 0.8),
               ("2020年第三季度", 0.95, 0.85)],
    )


def _plain_lines(data: NoticeData, path: Path) -> None:
    """Baseline: every attachment row as one line of text, same font and page size, no table layout."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from govinspect.notice.fonts import register_fonts

    font = register_fonts().body
    width, height = landscape(A4)
    canvas = Canvas(str(path), pagesize=(width, height), invariant=1)
    y = height
    for table in data.attachments:
        for row in [table.columns, *table.rows]:
            if y < 72:
                canvas.showPage()
                y = height - 72
            canvas.setFont(font, 12)
            canvas.drawString(72, y, " | ".join(row)[:120])
            y -= 15
    canvas.save()


def _measure(task: str, rows: int, out: str, queue: Any) -> None:
    """Runs in a fresh process: build the data (not timed), time one rendering, report time and peak RSS."""
    from govinspect.notice.pdf import render_pdf
    from govinspect.notice.xlsx import render_xlsx

    data = build(rows)
    path = Path(out)
    tick = time.perf_counter()
    if task == "pdf":
        render_pdf(data, path)
    elif task == "xlsx":
        render_xlsx(data, path)
    else:
        _plain_lines(data, path)
    seconds = time.perf_counter() - tick
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent's copy at fork and exec.
    status = Path("/proc/self/status").read_text()
    peak_kb = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))
    queue.put((seconds, peak_kb / 1024, path.stat().st_size))


def run(task: str, rows: int, out: Path) -> tuple[float, float, int]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(task, rows, str(out), queue))
    process.start()
    result = queue.get()
    process.join()
    if process.exitcode != 0:
        raise RuntimeError(f"{task} rendering failed (exit code {process.exitcode})")
    return result


def _pages(path: Path) -> int | None:
    """Page count from poppler's pdfinfo, when it is installed."""
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(match.group(1)) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6000, help="attachment rows in all (default 6000)")
    parser.add_argument("--quick", action="store_true", help="600 rows, for a smoke run")
    args = parser.parse_args(argv)
    rows = 600 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="bench-notice-") as tmp:
        folder = Path(tmp)
        baseline, baseline_rss, _ = run("plain", rows, folder / "plain.pdf")
        pdf_seconds, pdf_rss, pdf_bytes = run("pdf", rows, folder / "notice.pdf")
        xlsx_seconds, xlsx_rss, xlsx_bytes = run("xlsx", rows, folder / "notice.xlsx")
        pages = _pages(folder / "notice.pdf")
    print(f"rows: {rows}")
    print(f"notice_{rows}_rows_seconds: {pdf_seconds:.2f}")
    print(f"notice_pdf: {pdf_bytes / 1e6:.1f} MB" + (f", {pages} pages" if pages else ""))
    print(f"notice_peak_rss_mb: {pdf_rss:.0f}")
    print(f"xlsx_{rows}_rows_seconds: {xlsx_seconds:.2f} ({xlsx_bytes / 1e6:.1f} MB, peak RSS {xlsx_rss:.0f} MB)")
    print(f"plain_lines_seconds: {baseline:.2f} (baseline, peak RSS {baseline_rss:.0f} MB)")
    print(f"notice_vs_plain_lines: {pdf_seconds / baseline:.1f}x")
    print(f"xlsx_vs_plain_lines: {xlsx_seconds / baseline:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
