#!/usr/bin/env python3
"""How many half-open connections a server tolerates while still answering a new client.

Starts a server command (it must print 'listening on http://HOST:PORT/mcp'), then for each
count N opens N connections that send nothing (even ones) or half a request head (odd ones),
holds them, and times a new client's MCP initialize with a deadline (default 1 s). Prints one
line per N and the largest N answered in time. Every process it starts is killed by its PID.

  tools/measure_half_open.py --counts 50,100,200,400,800,1600 -- build/bin/mcpgym-frozenlake --port 0
"""
import argparse
import json
import re
import resource
import socket
import subprocess
import sys
import time

INITIALIZE = json.dumps({
    "jsonrpc": "2.0", "id": 1, "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {},
               "clientInfo": {"name": "measure-half-open", "version": "0"}},
}).encode()


def initialize_within(port, deadline):
    """Seconds a new client's initialize took, or None past the deadline."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=deadline) as s:
            s.settimeout(deadline)
            s.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Accept: application/json, text/event-stream\r\n"
                      b"Content-Type: application/json\r\nConnection: close\r\n"
                      b"Content-Length: " + str(len(INITIALIZE)).encode() + b"\r\n\r\n" +
                      INITIALIZE)
            data = b""
            while b"\r\n\r\n" not in data:
                left = deadline - (time.monotonic() - start)
                if left <= 0:
                    return None
                s.settimeout(left)
                chunk = s.recv(4096)
                if not chunk:
                    return None
                data += chunk
            if not data.startswith(b"HTTP/1.1 200"):
                return None
    except OSError:
        return None
    took = time.monotonic() - start
    return took if took <= deadline else None


def hold(port, count):
    held = []
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            if i % 2:
                s.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        except OSError:
            s.close()
            continue
        held.append(s)
    return held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="50,100,200,400,800,1600")
    parser.add_argument("--deadline", type=float, default=1.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    best = 0
    for count in [int(c) for c in args.counts.split(",")]:
        # A fresh server per count, so what one count left behind does not skew the next.
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  text=True)
        try:
            line = server.stdout.readline()
            match = re.search(r":(\d+)/mcp", line)
            if not match:
                sys.exit("no readiness line: " + line)
            port = int(match.group(1))
            held = hold(port, count)
            took = initialize_within(port, args.deadline)
            print(f"{count:6d} half-open ({len(held)} held): " +
                  (f"answered in {took * 1000:.0f} ms" if took is not None
                   else f"NOT answered within {args.deadline:.1f} s"), flush=True)
            if took is not None:
                best = count
            for s in held:
                s.close()
        finally:
            # SIGTERM first: the proxy then stops its backends (PROXY-011).
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"largest count answered within {args.deadline:.1f} s: {best}")


if __name__ == "__main__":
    main()
