"""The closed list of fetch outcomes. A site that is down is a finding with one of these
names, never an exception text."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    TIMEOUT = "timeout"
    DNS_ERROR = "dns_error"
    CONNECT_ERROR = "connect_error"
    TLS_ERROR = "tls_error"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    TOO_LARGE = "too_large"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BLOCKED_PRIVATE_ADDRESS = "blocked_private_address"
    PROTOCOL_ERROR = "protocol_error"
    INVALID_URL = "invalid_url"
    NOT_CHECKED = "not_checked"

    @property
    def failed(self) -> bool:
        return self not in (Outcome.OK, Outcome.NOT_CHECKED)


# Outcomes that a retry will not change within one run: they are never retried.
PERMANENT = frozenset({Outcome.HTTP_4XX, Outcome.BLOCKED_PRIVATE_ADDRESS, Outcome.INVALID_URL, Outcome.REDIRECT_LOOP,
                       Outcome.TOO_MANY_REDIRECTS, Outcome.TOO_LARGE, Outcome.DNS_ERROR})
