"""``ieisim app``: serving beyond this machine is announced (issue 12, item 13)."""

import socket

import pytest

from sim.app import cli


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_need_no_warning(host):
    assert cli.network_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1"])
def test_network_hosts_are_warned_about(host):
    text = cli.network_warning(host)
    assert text.startswith(f"warning: --host {host} serves every device on this network")
    assert "anyone" in text and "\n" not in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("host, warned", [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serve_prints_the_warning_before_the_server_starts(monkeypatch, capsys, host, warned):
    import solara.__main__ as solara_main

    started = []
    monkeypatch.setattr(solara_main.run, "main", lambda **kw: started.append(kw["args"]))
    cli.serve(host=host, port=_free_port())
    assert started and started[0][started[0].index("--host") + 1] == host
    err = capsys.readouterr().err
    assert ("anyone who can reach this machine can open the page" in err) is warned


def test_closed_sessions_are_culled_after_45_seconds_even_with_solara_imported(monkeypatch):
    import solara.server.settings
    from solara.util import parse_timedelta

    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    monkeypatch.setattr(solara.server.settings.kernel, "cull_timeout", "24h")  # the default
    assert cli.configure_sessions() == "45s"
    assert parse_timedelta(solara.server.settings.kernel.cull_timeout) == 45 <= 60
    monkeypatch.setenv("SOLARA_KERNEL_CULL_TIMEOUT", "10s")  # the user's choice wins
    assert cli.configure_sessions() == "10s" == solara.server.settings.kernel.cull_timeout
