"""Chinese faces for the notice PDF (通报), embedded as TrueType subsets.

GB/T 9704 names five faces: 仿宋_GB2312 for the body, 黑体 for 一、 headings, 楷体_GB2312 for （一）
headings, 宋体 for page numbers and 方正小标宋 for the title. Each *role* is resolved once:

1. the environment variable ``GOVINSPECT_FONT_<ROLE>`` (a .ttf/.ttc path, ``path#index`` for a collection);
2. an official or common commercial face found in the standard font directories;
3. the free faces Debian installs (AR PL UMing, AR PL UKai, WenQuanYi Zen Hei);
4. the song role, which every other role falls back to.

reportlab embeds only TrueType (``glyf``) outlines. OpenType/CFF faces (Noto CJK, Source Han) are
skipped while searching and rejected with an explanation when configured explicitly. A PDF that
leans on a non-embedded CID font renders differently on every reader, so there is no such fallback.
"""

from __future__ import annotations

import os
import struct
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

ROLES: tuple[str, ...] = ("song", "hei", "kai", "fangsong", "title")

ENV_VARS: dict[str, str] = {role: f"GOVINSPECT_FONT_{role.upper()}" for role in ROLES}

DEBIAN_PACKAGES = "fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei"

# File names (lower case) with the collection index to use, best first. Official faces come first
# so that a bureau which installs them gets the GB/T 9704 look without configuration.
CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "title": (
        ("方正小标宋简体.ttf", 0),
        ("方正小标宋_gbk.ttf", 0),
        ("fzxbsjw.ttf", 0),
        ("fzxbsk.ttf", 0),
        ("fzxbsjw--gb1-0.ttf", 0),
        ("fzxiaobiaosong-b05s.ttf", 0),
    ),
    "fangsong": (
        ("仿宋_gb2312.ttf", 0),
        ("fangsong_gb2312.ttf", 0),
        ("fs_gb2312.ttf", 0),
        ("simfang.ttf", 0),
        ("stfangso.ttf", 0),
        ("仿宋.ttf", 0),
    ),
    "kai": (
        ("楷体_gb2312.ttf", 0),
        ("kaiti_gb2312.ttf", 0),
        ("simkai.ttf", 0),
        ("stkaiti.ttf", 0),
        ("楷体.ttf", 0),
        ("ukai.ttc", 0),
    ),
    "hei": (
        ("simhei.ttf", 0),
        ("黑体.ttf", 0),
        ("wqy-zenhei.ttc", 0),
        ("wqy-microhei.ttc", 0),
        ("droidsansfallbackfull.ttf", 0),
    ),
    "song": (
        ("simsun.ttc", 0),
        ("simsun.ttf", 0),
        ("宋体.ttf", 0),
        ("stsong.ttf", 0),
        ("uming.ttc", 0),
        ("wqy-zenhei.ttc", 0),
        ("ukai.ttc", 0),
        ("droidsansfallbackfull.ttf", 0),
    ),
}

# Characters every face must carry: the notice cannot print without them.
_PROBE_TEXT = "关于季度政府网站通报一二三、（）：。—"


class FontError(RuntimeError):
    """No embeddable CJK face could be found or the configured one cannot be used."""


@dataclass(frozen=True)
class FontSource:
    """Where one role's face comes from."""

    path: Path
    index: int
    origin: str  # "env", "search" — shown in errors and logs

    @property
    def key(self) -> str:
        return f"{self.path}#{self.index}"


@dataclass(frozen=True)
class FontSet:
    """Registered reportlab font names for each role of a notice."""

    song: str
    hei: str
    kai: str
    fangsong: str
    title: str
    sources: dict[str, FontSource]

    @property
    def body(self) -> str:
        """正文 face: 仿宋 when one is installed, otherwise the Song/Ming face."""
        return self.fangsong


def standard_font_dirs() -> list[Path]:
    """Directories searched for font files, in the order used on Linux, macOS and Windows."""
    home = Path.home()
    dirs = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
    ]
    windir = os.environ.get("WINDIR")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    elif sys.platform == "win32":
        dirs.append(Path("C:/Windows/Fonts"))
    return dirs


@lru_cache(maxsize=8)
def _index_dirs(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Lower-case file name → first path found, over all directories (walked once per process)."""
    found: dict[str, Path] = {}
    for base in dirs:
        if not base.is_dir():
            continue
        for root, subdirs, files in os.walk(base):
            subdirs.sort()
            for name in sorted(files):
                found.setdefault(name.lower(), Path(root) / name)
    return found


def parse_font_spec(spec: str) -> tuple[Path, int]:
    """Split ``path#index`` (``#0`` when absent) as written in ``GOVINSPECT_FONT_*``."""
    spec = spec.strip()
    path, sep, index = spec.rpartition("#")
    if sep and index.strip().isdigit():
        return Path(path).expanduser(), int(index)
    return Path(spec).expanduser(), 0


def outline_kind(path: Path, index: int = 0) -> str:
    """``truetype`` when reportlab can embed the face, ``cff`` for PostScript outlines, else ``invalid``.

    Reads only the sfnt table directory, so a 20 MB collection costs a few hundred bytes.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if not 0 <= index < count:
                    return "invalid"
                fh.seek(12 + 4 * index)
                (offset,) = struct.unpack(">I", fh.read(4))
                fh.seek(offset)
                head = fh.read(12)
            if len(head) < 12:
                return "invalid"
            version = head[:4]
            if version == b"OTTO":
                return "cff"
            if version not in (b"\x00\x01\x00\x00", b"true"):
                return "invalid"
            (tables,) = struct.unpack(">H", head[4:6])
            tags = {fh.read(16)[:4] for _ in range(tables)}
    except (OSError, struct.error):
        return "invalid"
    if b"glyf" in tags:
        return "truetype"
    if b"CFF " in tags or b"CFF2" in tags:
        return "cff"
    return "invalid"


def _check_source(source: FontSource) -> str | None:
    """Why the face cannot be used, or None when it can."""
    if not source.path.is_file():
        return f"{source.path}: no such file"
    kind = outline_kind(source.path, source.index)
    if kind == "cff":
        return (
            f"{source.key}: OpenType/CFF outlines (e.g. Noto CJK, Source Han); reportlab embeds only "
            "TrueType outlines — use a .ttf/.ttc face"
        )
    if kind == "invalid":
        return f"{source.key}: not a TrueType font (or no face at that collection index)"
    return None


def resolve_fonts(env: dict[str, str] | None = None, dirs: list[Path] | None = None) -> dict[str, FontSource]:
    """Pick a face for every role without registering anything (see the module docstring for the order)."""
    env = dict(os.environ) if env is None else env
    index = _index_dirs(tuple(standard_font_dirs() if dirs is None else dirs))
    chosen: dict[str, FontSource] = {}
    skipped: list[str] = []
    for role in ROLES:
        spec = env.get(ENV_VARS[role], "").strip()
        if spec:
            path, idx = parse_font_spec(spec)
            source = FontSource(path, idx, "env")
            problem = _check_source(source)
            if problem:
                raise FontError(f"{ENV_VARS[role]}={spec} cannot be used: {problem}")
            chosen[role] = source
            continue
        for name, idx in CANDIDATES[role]:
            path = index.get(name)
            if path is None:
                continue
            source = FontSource(path, idx, "search")
            problem = _check_source(source)
            if problem:
                skipped.append(problem)
                continue
            chosen[role] = source
            break
    if "song" not in chosen:
        for role in ("fangsong", "hei", "kai", "title"):
            if role in chosen:
                chosen["song"] = chosen[role]
                break
        else:
            detail = ("; skipped: " + "; ".join(dict.fromkeys(skipped))) if skipped else ""
            raise FontError(
                "No embeddable Chinese TrueType font found for the notice PDF. Set "
                + ", ".join(ENV_VARS[r] for r in ROLES)
                + " to a .ttf/.ttc file (path#index for a face in a collection), or install the Debian "
                f"packages: apt-get install {DEBIAN_PACKAGES}{detail}"
            )
    for role in ROLES:
        chosen.setdefault(role, chosen["song"])
    return chosen


_REGISTERED: dict[str, str] = {}  # FontSource.key -> registered reportlab name


def _register(source: FontSource) -> str:
    """Register one face once per process and return its reportlab name."""
    name = _REGISTERED.get(source.key)
    if name is not None:
        return name
    name = f"govinspect-{len(_REGISTERED) + 1}"
    try:
        font = TTFont(name, str(source.path), subfontIndex=source.index)
    except (TTFError, OSError, ValueError) as exc:
        raise FontError(f"{source.key} could not be loaded: {exc}") from exc
    missing = [ch for ch in _PROBE_TEXT if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise FontError(f"{source.key} lacks Chinese glyphs ({''.join(missing)}); choose a CJK face")
    pdfmetrics.registerFont(font)
    _REGISTERED[source.key] = name
    return name


def register_fonts(env: dict[str, str] | None = None) -> FontSet:
    """Resolve and register every role; a face shared by two roles is embedded once."""
    sources = resolve_fonts(env)
    names = {role: _register(src) for role, src in sources.items()}
    return FontSet(sources=sources, **names)
