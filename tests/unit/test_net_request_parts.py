"""The request line's parts: the fast reading of plain URLs agrees with urlsplit on every URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from govinspect import http1
from govinspect.net import _request_parts


def _by_urlsplit(url: str) -> tuple[str, str, int, str] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        return None
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), \
        http1.request_target(parts.path, parts.query)


hosts = st.sampled_from(["www.gov.cn", "WWW.Example.GOV.cn", "a-b.c", "10.0.0.1", "x", "a..b", "[::1]", "例子.cn",
                         "user@host.cn", "h.cn:", "h.cn:0", "h.cn:8080", "h.cn:65535", "h.cn:65536", "h.cn:99999"])
paths = st.lists(st.sampled_from(list("/abz09.-_~%?=&#!$'()*+,;:@[]\\\" 政务") + ["%20", "index.html"]),
                 max_size=30).map("".join)


@given(st.sampled_from(["http", "https", "HTTP", "ftp"]), hosts, paths)
def test_plain_urls_read_as_urlsplit_reads_them(scheme: str, host: str, path: str) -> None:
    url = f"{scheme}://{host}{path}"
    expected = _by_urlsplit(url)
    got = _request_parts(url)
    if expected is None:
        assert isinstance(got, str)  # a reason, not parts
    else:
        assert got == expected


def test_examples() -> None:
    assert _request_parts("http://www.gov.cn") == ("http", "www.gov.cn", 80, "/")
    assert _request_parts("https://WWW.GOV.CN:8443/a?b=1#top") == ("https", "www.gov.cn", 8443, "/a?b=1")
    assert _request_parts("http://h.cn/政务 公开") == ("http", "h.cn", 80, "/%E6%94%BF%E5%8A%A1%20%E5%85%AC%E5%BC%80")
    assert _request_parts("http://h.cn:99999/") == "bad port in http://h.cn:99999/"
    assert _request_parts("http://h.cn:0/") == "bad port in http://h.cn:0/"
    assert _request_parts("mailto:x@h.cn").startswith("not an http(s) URL")
