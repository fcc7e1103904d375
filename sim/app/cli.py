"""``ieisim app``: serve the classroom page on this machine."""

from __future__ import annotations

import os
import socket
import sys

import typer

from sim.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
"""Bound to the local machine unless the teacher asks otherwise (``--host 0.0.0.0``)."""
DEFAULT_PORT = 8765
PAGE_MODULE = "sim.app.page"
MAX_PORT = 65535
SESSION_CULL_TIMEOUT = "1h"


def _check_free(host: str, port: int) -> None:
    """Raise :class:`UsageError` if ``host:port`` cannot be bound (in use, unknown host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"--host {host}: unknown host name or address") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UsageError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror}); "
                             "choose another port with --port") from None


def network_warning(host: str) -> str | None:
    """The warning printed when ``host`` serves other machines than this one, else ``None``.

    Loopback addresses and ``localhost`` serve this machine only; anything else (``0.0.0.0``,
    ``::``, a LAN address or host name) lets anyone on the network open the page.
    """
    import ipaddress

    name = host.strip().strip("[]")
    if name.lower() == "localhost":
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:  # a host name: loopback only if every address it has is
        try:
            infos = socket.getaddrinfo(name, None)
            if infos and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback
                             for i in infos):
                return None
        except (socket.gaierror, ValueError):
            pass
    return (f"warning: --host {host} serves every device on this network: anyone who can "
            "reach this machine can open the page (no password); use the default "
            f"{DEFAULT_HOST} to serve this machine only")


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, production: bool = True) -> None:
    """Run the Solara server for the classroom page until interrupted.

    Raises:
        UsageError: the port is outside 1-65535 or in use, or the host is empty or unknown.

    """
    if not 0 < port <= MAX_PORT:
        raise UsageError(f"--port {port}: expected a port number in 1-{MAX_PORT}")
    if not host.strip():
        raise UsageError("--host: expected a host name or address, e.g. 127.0.0.1")
    _check_free(host, port)
    warning = network_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "false")
    # a closed tab's models are freed after this long (solara's default keeps them 24 h)
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", SESSION_CULL_TIMEOUT)
    from solara.__main__ import run as solara_run

    from sim.app import assets

    absent = assets.missing()
    if absent:
        print(f"warning: {len(absent)} front-end asset(s) are not installed for offline use; "
              "run `python -m sim.app.assets install` while online", file=sys.stderr)
    args = [PAGE_MODULE, "--host", host, "--port", str(port), "--no-open",
            "--log-level", "warning"]
    if production:
        args.append("--production")
    shown = "<this machine's address>" if host in ("0.0.0.0", "::") else host
    print(f"ieisim app: open http://{shown}:{port}/ in a browser (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    solara_run.main(args=args, prog_name="ieisim app", standalone_mode=False)


def app(
    port: int = typer.Option(DEFAULT_PORT, help="Port to serve on."),
    host: str = typer.Option(DEFAULT_HOST, help="Address to bind (default: this machine "
                             "only; 0.0.0.0 lets the classroom's devices connect)."),
    dev: bool = typer.Option(False, "--dev", help="Solara development mode (slower first "
                             "render, more checks)."),
) -> None:
    """Serve the classroom web app (presets, sliders, live charts, network)."""
    serve(host=host, port=port, production=not dev)


def register(cli: typer.Typer) -> None:
    """Add ``ieisim app`` to the command line."""
    cli.command("app")(app)
