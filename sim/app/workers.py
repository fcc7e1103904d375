"""A class across several server processes: ``ieisim app --workers N``.

One Solara server is one Python process, and every session's model steps and page renders
share its interpreter lock: one core plays about twenty students at the default rate. With
``--workers N`` the command starts N ordinary classroom servers (worker processes, each on
its own port) and answers the address students type with a redirect to one of them, taking
the workers in turn. A student's page then talks only to its own worker (its page, scripts
and websocket all come from that port), so a session never moves between processes (the
"sticky sessions" a multi-worker Solara deployment needs) and no byte passes through the
front. The class board is the same SQLite file for every worker; sessions, their culling and
the play turns (:mod:`sim.app.pace`) are per worker.
"""

from __future__ import annotations

import argparse
import http.server
import itertools
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from sim.errors import UsageError

MAX_WORKERS = 16
WORKER_START_TIMEOUT_S = 180.0
"""A worker that does not answer within this time (or exits) stops the command."""
POLL_S = 0.2
"""How often the starting command asks a worker whether it answers yet."""


def worker_ports(port: int, workers: int) -> list[int]:
    """The ports of ``workers`` worker processes behind the front on ``port``: the next ones."""
    return [port + k for k in range(1, workers + 1)]


def redirect_location(host_header: str | None, fallback_host: str, worker_port: int,
                      path: str) -> str:
    """The address a request for ``path`` is sent to on ``worker_port``.

    The host name is the one the browser used (its ``Host`` header), so a device on the
    classroom network is sent to the address it already reaches; ``path`` keeps its query
    (``/?teacher``).
    """
    host = urlsplit("//" + host_header).hostname if host_header else None
    host = host or fallback_host
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{worker_port}{path}"


class Front(http.server.ThreadingHTTPServer):
    """The address students open: redirects each request to the next worker in turn."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], ports: list[int], fallback_host: str):
        self.ports = ports
        self.fallback_host = fallback_host
        self._turn = itertools.cycle(ports)
        self._lock = threading.Lock()
        self.sent: dict[int, int] = dict.fromkeys(ports, 0)
        """Requests sent to each worker port so far."""
        if ":" in address[0]:  # an IPv6 address such as :: (every interface)
            self.address_family = socket.AF_INET6
        super().__init__(address, _Redirect)

    def next_port(self) -> int:
        """The worker the next page goes to (round robin)."""
        with self._lock:
            port = next(self._turn)
            self.sent[port] += 1
            return port


class _Redirect(http.server.BaseHTTPRequestHandler):
    server: Front

    def _redirect(self) -> None:
        port = self.server.next_port()
        self.send_response(307)  # the same method and path, on the worker
        self.send_header("Location", redirect_location(self.headers.get("Host"),
                                                       self.server.fallback_host, port,
                                                       self.path))
        self.send_header("Cache-Control", "no-store")  # each new page is placed afresh
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_POST = _redirect

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        """Quiet: one line per page load would drown the server's own messages."""


def _answers(port: int, host: str) -> bool:
    try:
        with urllib.request.urlopen(redirect_location(None, host, port, "/"),
                                    timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def start_workers(host: str, ports: list[int], extra: list[str]) -> list[subprocess.Popen]:
    """Start one classroom server per port and wait until each answers.

    Raises:
        UsageError: a worker exited or did not answer within
            :data:`WORKER_START_TIMEOUT_S` (the others are stopped).

    """
    procs = [subprocess.Popen([sys.executable, "-m", "sim.app.workers", "--host", host,
                               "--port", str(p), *extra]) for p in ports]
    try:
        for port, proc in zip(ports, procs, strict=True):
            deadline = time.monotonic() + WORKER_START_TIMEOUT_S
            while not _answers(port, host):
                if proc.poll() is not None:
                    raise UsageError(f"--workers: the worker on port {port} stopped "
                                     f"(exit code {proc.returncode})")
                if time.monotonic() > deadline:
                    raise UsageError(f"--workers: the worker on port {port} did not answer "
                                     f"within {WORKER_START_TIMEOUT_S:.0f} s")
                time.sleep(POLL_S)
    except BaseException:
        stop_workers(procs)
        raise
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    """Terminate the workers and wait for them (killed if they do not go within 20 s)."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_front(host: str, port: int, procs: list[subprocess.Popen], ports: list[int]) -> int:
    """Redirect students to the workers until interrupted or a worker stops.

    Returns:
        The exit code of the first worker that stopped on its own.

    """
    front = Front((host, port), ports, host)
    stopped: list[int] = []

    def watch() -> None:
        while not stopped:
            for p, proc in zip(ports, procs, strict=True):
                if proc.poll() is not None:
                    print(f"error: the worker on port {p} stopped (exit code "
                          f"{proc.returncode})", file=sys.stderr, flush=True)
                    stopped.append(proc.returncode or 1)
                    front.shutdown()
                    return
            time.sleep(1.0)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        front.serve_forever()
    finally:
        stopped.append(0)
        front.server_close()
    return stopped[0]


def main(argv: list[str] | None = None) -> None:
    """One worker: an ordinary classroom server on its port, without the start-up lines."""
    from sim.app.cli import serve

    parser = argparse.ArgumentParser(description="ieisim app worker (started by --workers)")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dev", action="store_true")
    parser.add_argument("--class", dest="class_code")
    parser.add_argument("--board", type=Path)
    args = parser.parse_args(argv)
    try:
        serve(host=args.host, port=args.port, production=not args.dev,
              class_code=args.class_code, board=args.board, banner=False)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
