"""Small helpers for tests that serve HTTP on loopback: aiohttp apps run from a thread and stopped
cleanly, and the demo farm's connect-to table without its slow hosts."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import tomllib
from typing import Any

from aiohttp import web


class LoopbackServers:
    """aiohttp applications served on loopback addresses from one background event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._runners: list[web.AppRunner] = []
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def serve(self, app: web.Application, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None) -> int:
        """Start ``app`` on ``host`` and a free port; the port."""

        async def start() -> int:
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, host, 0, ssl_context=ssl_context)
            await site.start()
            self._runners.append(runner)
            return site._server.sockets[0].getsockname()[1]

        return asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)

    def stop(self) -> None:
        """Close every listening socket and open connection, then the loop and its thread."""

        async def cleanup() -> None:
            for runner in self._runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def closed_port() -> int:
    """A loopback port nothing listens on: a connection to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect_to_without_hangs(farm: Any, **overrides: str) -> str:
    """The farm's connect-to table with its never-answering hosts (``[farm] hang_hosts``) refused at
    once instead of timing out after 15 s, and ``overrides`` ({host: "address:port"}) applied."""
    from govinspect.demo.run import DEMO_DIR

    hang = tomllib.loads((DEMO_DIR / "data" / "demo.toml").read_text(encoding="utf-8"))["farm"]["hang_hosts"]
    entries = {e.split(":", 1)[0]: e for e in farm.connect_to().split(",") if e}
    for host in hang:
        entries[host] = f"{host}:80:127.0.0.1:{closed_port()}"
    for host, target in overrides.items():
        entries[host] = f"{host}:80:{target}"
    return ",".join(entries.values())
