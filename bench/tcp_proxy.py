"""A small round-robin TCP reverse proxy: each client connection goes to the next backend.

    python bench/tcp_proxy.py --listen 8080 --backend 127.0.0.1:8001 --backend 127.0.0.1:8002

Used by the multi-node drill in place of the production proxy (Caddy or nginx): it only spreads
connections, so the web processes behind it see the proxy as the client. A backend that refuses
the connection is skipped for that connection.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # noqa: BLE001 - already closed
            pass


async def serve(port: int, backends: list[tuple[str, int]]) -> None:
    turn = itertools.cycle(range(len(backends)))

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        for _ in range(len(backends)):
            host, backend_port = backends[next(turn)]
            try:
                up_r, up_w = await asyncio.open_connection(host, backend_port)
                break
            except OSError:
                continue
        else:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, up_w), _pipe(up_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        print(f"proxy listening on 127.0.0.1:{port} -> {backends}", flush=True)
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--backend", action="append", required=True, help="host:port")
    args = parser.parse_args()
    backends = [(b.rsplit(":", 1)[0], int(b.rsplit(":", 1)[1])) for b in args.backend]
    asyncio.run(serve(args.listen, backends))


if __name__ == "__main__":
    main()
