"""``ieisim app --workers N``: the front sends each new page to the next worker, sticky by port."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading

import pytest

from sim.app.cli import serve
from sim.app.workers import Front, redirect_location, worker_ports
from sim.errors import UsageError


def test_workers_listen_on_the_ports_after_the_front():
    assert worker_ports(8765, 3) == [8766, 8767, 8768]


@pytest.mark.parametrize("host_header, expected", [
    ("127.0.0.1:8765", "http://127.0.0.1:9001/?teacher"),
    ("classroom-pc:8765", "http://classroom-pc:9001/?teacher"),
    ("[::1]:8765", "http://[::1]:9001/?teacher"),
    ("192.168.1.20", "http://192.168.1.20:9001/?teacher"),
    (None, "http://10.0.0.5:9001/?teacher"),
])
def test_a_page_is_sent_to_the_address_the_browser_used(host_header, expected):
    assert redirect_location(host_header, "10.0.0.5", 9001, "/?teacher") == expected


def _location(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Location")
    finally:
        conn.close()


def test_the_front_takes_the_workers_in_turn_and_keeps_the_path():
    front = Front(("127.0.0.1", 0), [9101, 9102], "127.0.0.1")
    port = front.server_address[1]
    thread = threading.Thread(target=front.serve_forever, daemon=True)
    thread.start()
    try:
        answers = [_location(port, path) for path in ("/", "/?teacher", "/", "/x?lang=zh")]
    finally:
        front.shutdown()
        front.server_close()
        thread.join(30)
    assert [status for status, _ in answers] == [307] * 4
    assert [where for _, where in answers] == [
        "http://127.0.0.1:9101/", "http://127.0.0.1:9102/?teacher",
        "http://127.0.0.1:9101/", "http://127.0.0.1:9102/x?lang=zh"]
    assert front.sent == {9101: 2, 9102: 2}


@pytest.mark.parametrize("workers", [0, 17])
def test_a_worker_count_outside_1_to_16_is_refused(workers):
    with pytest.raises(UsageError, match=f"--workers {workers}"):
        serve(port=18765, workers=workers)


def test_workers_need_room_for_their_ports():
    with pytest.raises(UsageError, match="--port 65535.*room for 2 workers"):
        serve(port=65535, workers=2)


def test_a_busy_worker_port_is_named_before_anything_starts(monkeypatch):
    import sim.app.cli as cli

    checked = []

    def check_free(host: str, port: int) -> None:  # port 18767 is taken
        checked.append(port)
        if port == 18767:
            raise UsageError(f"--port {port}: cannot listen on {host}:{port}")

    monkeypatch.setattr(cli, "_check_free", check_free)
    with pytest.raises(UsageError, match="--port 18767: cannot listen"):
        serve(port=18765, workers=3)
    assert checked == [18765, 18766, 18767]  # the front's, then each worker's, then stop


def test_the_command_line_refuses_zero_workers_in_one_line():
    done = subprocess.run([sys.executable, "-m", "sim", "app", "--workers", "0"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --workers 0: expected a number of server processes in 1-16"]


def test_the_front_stops_with_the_code_of_a_worker_that_stopped(capsys):
    from sim.app.workers import serve_front

    worker = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    worker.wait(timeout=60)
    assert serve_front("127.0.0.1", 0, [worker], [9101]) == 3
    assert "error: the worker on port 9101 stopped (exit code 3)" in capsys.readouterr().err


def test_the_front_listens_on_an_ipv6_address_too():
    try:
        front = Front(("::1", 0), [9101], "::1")
    except OSError as exc:  # a machine without IPv6 loopback
        pytest.skip(f"no IPv6 loopback here: {exc}")
    try:
        assert front.address_family == socket.AF_INET6
    finally:
        front.server_close()
