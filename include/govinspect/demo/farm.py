"""The farm: the demo county's servers on loopback, for the demo run and the tests.

One aiohttp server on one port answers for every demo host, dispatching on the ``Host``
header — the portal www.etkqq.gov.cn (UTF-8), the 政府信息公开 platform xxgk.etkqq.gov.cn
(GBK), an RSSHub-like host and an App Store lookup. A second socket accepts connections for
zwfw.etkqq.gov.cn and never sends a byte. A client reaches them with a curl-like
``--connect-to`` table (:meth:`FarmHandle.connect_to`).

Everything shown is computed from ``today`` and seeded generators: the 2020Q3 demo
(``today=2020-10-15``) gets the same pages on any real date, including the HTTP ``Date``
header. The designed outcome of every column, dead link and account is in
:data:`OUTCOMES` / :func:`outcomes`.

    python -m govinspect.demo.farm --today 2020-10-15 --port 18080
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import signal
import socket
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any

from aiohttp import web

from govinspect.demo.designed import HANG_HOSTS, ITUNES, OUTCOMES, PORTAL, RSSHUB, SITE_HOSTS, XXGK, outcomes
from govinspect.demo.feeds import itunes_reply, rss_reply
from govinspect.demo.site import Site
from govinspect.quarter import CHINA

__all__ = ["OUTCOMES", "FarmHandle", "main", "outcomes", "start_farm"]


def _host_of(header: str) -> str:
    """``www.etkqq.gov.cn:18080`` → ``www.etkqq.gov.cn``; IPv6 literals keep their brackets off."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _bound_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class _Farm:
    """The servers, living on the farm thread's event loop."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.site = Site(today)
        morning_in_china = datetime.combine(today, datetime.min.time(), CHINA).replace(hour=10)
        self.http_date = format_datetime(morning_in_china.astimezone(UTC), usegmt=True)
        self.runner: web.AppRunner | None = None
        self.hang_server: asyncio.Server | None = None
        self.hang_writers: set[asyncio.StreamWriter] = set()
        self.rss = functools.lru_cache(maxsize=512)(lambda path: rss_reply(path, today))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = _host_of(request.host or "")
        headers = {"Date": self.http_date}
        if host in (PORTAL, XXGK):
            page = self.site.respond(host, request.path)
            headers["Server"] = "nginx"
            if page.location:
                headers["Location"] = page.location
            headers["Content-Type"] = page.content_type
            return web.Response(status=page.status, body=page.body, headers=headers)
        if host == RSSHUB:
            reply = self.rss(request.path)
        elif host == ITUNES:
            reply = itunes_reply(request.path, dict(request.query), self.today)
        elif host in HANG_HOSTS:
            await asyncio.Event().wait()  # never answers; cancelled when the client goes away
            raise web.HTTPServiceUnavailable()
        else:
            return web.Response(status=404, text=f"unknown host {host!r}\n", headers=headers)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        headers["Content-Type"] = reply.content_type
        return web.Response(status=reply.status, body=reply.body, headers=headers)

    async def _hang(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.hang_writers.add(writer)
        try:
            while await reader.read(65536):
                pass
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.hang_writers.discard(writer)
            writer.transport.abort()

    async def start(self, host: str, port: int, hang_port: int) -> tuple[int, int]:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self.runner.setup()
        main_sock = _bound_socket(host, port)
        try:
            hang_sock = _bound_socket(host, hang_port)
        except OSError:
            main_sock.close()
            raise
        await web.SockSite(self.runner, main_sock).start()
        self.hang_server = await asyncio.start_server(self._hang, sock=hang_sock)
        return main_sock.getsockname()[1], hang_sock.getsockname()[1]

    async def stop(self) -> None:
        if self.hang_server is not None:
            self.hang_server.close()
            for writer in list(self.hang_writers):
                writer.transport.abort()
        if self.runner is not None:
            await self.runner.cleanup()
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@dataclass
class FarmHandle:
    """A running farm: where it listens and how a client maps the demo hostnames onto it."""

    port: int  # main port (all virtual hosts)
    hang_port: int  # the never-answering socket
    today: date
    host: str = "127.0.0.1"
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False, compare=False)
    _thread: threading.Thread | None = field(default=None, repr=False, compare=False)

    def _address(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    def connect_to(self) -> str:
        """curl ``--connect-to`` entries, comma separated: every demo host on port 80 → the farm."""
        address = self._address()
        entries = [f"{name}:80:{address}:{self.port}" for name in SITE_HOSTS]
        entries += [f"{name}:80:{address}:{self.hang_port}" for name in HANG_HOSTS]
        return ",".join(entries)

    def resolve(self, hostname: str) -> tuple[str, int] | None:
        """(address, port) serving ``hostname``, or None for a host the farm does not serve."""
        if hostname in SITE_HOSTS:
            return self.host, self.port
        if hostname in HANG_HOSTS:
            return self.host, self.hang_port
        return None

    def outcomes(self) -> dict[str, Any]:
        """The designed outcomes for this farm's ``today``."""
        return outcomes(self.today)

    def stop(self) -> None:
        """Close both sockets and end the farm thread; safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
        self._loop = self._thread = None

    def __enter__(self) -> FarmHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_farm(today: date, host: str = "127.0.0.1", port: int = 0, *, hang_port: int = 0) -> FarmHandle:
    """Start the farm in a daemon thread with its own event loop; returns once both sockets listen."""
    loop = asyncio.new_event_loop()
    farm = _Farm(today)
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            box["ports"] = loop.run_until_complete(farm.start(host, port, hang_port))
        except BaseException as exc:  # reported to the caller of start_farm
            box["error"] = exc
            ready.set()
            loop.run_until_complete(farm.stop())
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(farm.stop())
            loop.close()

    thread = threading.Thread(target=run, name=f"govinspect-farm-{today.isoformat()}", daemon=True)
    thread.start()
    ready.wait()
    if "error" in box:
        thread.join()
        raise box["error"]
    main_port, hang = box["ports"]
    return FarmHandle(main_port, hang, today, host, _loop=loop, _thread=thread)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM or Ctrl-C; the first line on stdout is the connect-to string."""
    from govinspect.demo import load_demo_config

    parser = argparse.ArgumentParser(prog="python -m govinspect.demo.farm", description="Serve the demo county on loopback.")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="the farm's today (default: the demo's check point, 2020-10-15)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="port for all virtual hosts (default: any free port)")
    parser.add_argument("--hang-port", type=int, default=0, help="port of the never-answering host (default: any)")
    args = parser.parse_args(argv)
    today = args.today or load_demo_config()["check_point"]

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        handle = start_farm(today, args.host, args.port, hang_port=args.hang_port)
    except OSError as exc:
        print(f"farm: cannot listen: {exc}", file=sys.stderr)
        return 1
    try:
        print(handle.connect_to(), flush=True)
        print(f"farm: today {today.isoformat()}, hosts on {handle.host}:{handle.port}, "
              f"{', '.join(HANG_HOSTS)} on {handle.host}:{handle.hang_port}", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        handle.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
