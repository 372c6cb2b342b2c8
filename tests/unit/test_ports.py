"""The one chooser of loopback ports: below the kernel's ephemeral range, never twice, never bound."""

from __future__ import annotations

import socket

import pytest

from tools.ports import EPHEMERAL_RANGE, HOST, free_port, listen_ports


def test_ports_come_from_below_the_range_outgoing_connections_take_theirs_from():
    start = int(EPHEMERAL_RANGE.read_text().split()[0])
    ports = [free_port() for _ in range(50)]
    assert all(port < start for port in ports)
    assert all(port in listen_ports() for port in ports)
    assert len(set(ports)) == len(ports)


def test_a_port_handed_out_can_be_listened_on_and_one_in_use_is_not_handed_out(monkeypatch):
    port = free_port()
    with socket.socket() as server:
        server.bind((HOST, port))
        server.listen()
        # only that port to choose from, and it is taken
        monkeypatch.setattr("tools.ports.listen_ports", lambda: range(port, port + 1))
        monkeypatch.setattr("tools.ports._handed_out", set())
        with pytest.raises(RuntimeError, match=str(port)):
            free_port()
