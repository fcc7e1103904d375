"""``ieisim app``: serve the classroom page on this machine."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import typer

from sim.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
"""Bound to the local machine unless the teacher asks otherwise (``--host 0.0.0.0``)."""
DEFAULT_PORT = 8765
PAGE_MODULE = "sim.app.page"
MAX_PORT = 65535
SESSION_CULL_TIMEOUT = "45s"
"""A closed tab's session is freed this long after its connection goes (solara's default
keeps it 24 h); a student who reconnects sooner keeps their run."""


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


def configure_sessions() -> str:
    """Free a closed tab's session after :data:`SESSION_CULL_TIMEOUT`; return the timeout.

    ``SOLARA_KERNEL_CULL_TIMEOUT`` in the environment still wins. Solara reads its settings
    when first imported (before ``ieisim app`` runs), so the value is set on the settings
    object too, not only in the environment (solara's default keeps a session 24 h).
    """
    import solara.server.settings

    timeout = os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", SESSION_CULL_TIMEOUT)
    solara.server.settings.kernel.cull_timeout = timeout
    os.environ.setdefault("REACTON_FAST", "1")  # re-render only what changed (sim.app.page)
    return timeout


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, production: bool = True,
          class_code: str | None = None, board: Path | None = None, workers: int = 1,
          banner: bool = True) -> None:
    """Run the Solara server for the classroom page until interrupted.

    With ``class_code``, students can submit their policies to the class board (an SQLite
    file, ``board`` or ``results/classboard.sqlite``) and the teacher's page is ``/?teacher``.
    With ``workers`` > 1, that many servers run on the next ports and ``port`` sends each
    new page to one of them in turn (:mod:`sim.app.workers`). ``banner`` prints where to
    open the page.

    Raises:
        UsageError: the port is outside 1-65535 or in use, the host is empty or unknown,
            the class code is malformed, or ``workers`` is outside 1-16.

    """
    from sim.app.classboard import DEFAULT_BOARD, check_class_code
    from sim.app.teacher import BOARD_ENV, CLASS_ENV
    from sim.app.workers import MAX_WORKERS, worker_ports

    if class_code is not None:
        check_class_code(class_code)
    elif board is not None:
        raise UsageError("--board: needs --class CODE (the board is kept per class)")
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers {workers}: expected a number of server processes in "
                         f"1-{MAX_WORKERS}")
    ports = [port, *worker_ports(port, workers)] if workers > 1 else [port]
    if not 0 < port <= MAX_PORT or ports[-1] > MAX_PORT:
        raise UsageError(f"--port {port}: expected a port number in 1-{MAX_PORT}"
                         + (f" with room for {workers} workers after it" if workers > 1
                            else ""))
    if not host.strip():
        raise UsageError("--host: expected a host name or address, e.g. 127.0.0.1")
    for p in ports:
        _check_free(host, p)
    warning = network_warning(host) if banner else None  # a worker: its front warned
    if warning:
        print(warning, file=sys.stderr, flush=True)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "false")
    from sim.app import assets

    if class_code is not None:
        os.environ[CLASS_ENV] = class_code
        os.environ[BOARD_ENV] = str(board or DEFAULT_BOARD)
    absent = assets.missing()
    if absent and banner:
        print(f"warning: {len(absent)} front-end asset(s) are not installed for offline use; "
              "run `python -m sim.app.assets install` while online", file=sys.stderr)
    if workers > 1:  # the front only redirects: it needs no Solara of its own
        _serve_workers(host, port, production, class_code, board, workers)
        return
    configure_sessions()
    from solara.__main__ import run as solara_run

    args = [PAGE_MODULE, "--host", host, "--port", str(port), "--no-open",
            "--log-level", "warning"]
    if production:
        args.append("--production")
    shown = "<this machine's address>" if host in ("0.0.0.0", "::") else host
    if not banner:
        solara_run.main(args=args, prog_name="ieisim app", standalone_mode=False)
        return
    print(f"ieisim app: open http://{shown}:{port}/ in a browser (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    if class_code is not None:
        print(f"ieisim app: class {class_code}: teacher's board at http://{shown}:{port}/?teacher"
              f" (submissions in {os.environ[BOARD_ENV]})", file=sys.stderr, flush=True)
    solara_run.main(args=args, prog_name="ieisim app", standalone_mode=False)


def _serve_workers(host: str, port: int, production: bool, class_code: str | None,
                   board: Path | None, workers: int) -> None:
    """Start ``workers`` servers and redirect the students who open ``port`` to them."""
    from sim.app.teacher import BOARD_ENV
    from sim.app.workers import serve_front, start_workers, stop_workers, worker_ports

    ports = worker_ports(port, workers)
    extra = [] if production else ["--dev"]
    if class_code is not None:
        extra += ["--class", class_code, "--board", os.environ[BOARD_ENV]]
    procs = start_workers(host, ports, extra)
    try:
        shown = "<this machine's address>" if host in ("0.0.0.0", "::") else host
        print(f"ieisim app: open http://{shown}:{port}/ in a browser (Ctrl-C stops); "
              f"{workers} server processes on ports {ports[0]}-{ports[-1]}",
              file=sys.stderr, flush=True)
        if class_code is not None:
            print(f"ieisim app: class {class_code}: teacher's board at http://{shown}:{port}"
                  f"/?teacher (submissions in {os.environ[BOARD_ENV]})",
                  file=sys.stderr, flush=True)
        code = serve_front(host, port, procs, ports)
    finally:
        stop_workers(procs)
    if code:
        raise SystemExit(code)


def app(
    port: int = typer.Option(DEFAULT_PORT, help="Port to serve on."),
    host: str = typer.Option(DEFAULT_HOST, help="Address to bind (default: this machine "
                             "only; 0.0.0.0 lets the classroom's devices connect)."),
    dev: bool = typer.Option(False, "--dev", help="Solara development mode (slower first "
                             "render, more checks)."),
    class_code: str = typer.Option(None, "--class", help="Class code: students can submit "
                                   "their policies; the teacher's board is /?teacher."),
    board: Path = typer.Option(None, "--board", help="SQLite file of the class board "
                               "(default: results/classboard.sqlite)."),
    workers: int = typer.Option(1, "--workers", help="Server processes (on the ports after "
                                "--port): on a 2-core machine 1 process played 40 students at "
                                "98-99% of the default rate, 2 (one per core) at the full rate."),
) -> None:
    """Serve the classroom web app (presets, sliders, live charts, network, class board)."""
    serve(host=host, port=port, production=not dev, class_code=class_code, board=board,
          workers=workers)


def register(cli: typer.Typer) -> None:
    """Add ``ieisim app`` to the command line."""
    cli.command("app")(app)
