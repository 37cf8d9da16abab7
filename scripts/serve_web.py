"""Serve the demo web page (web/) for `make run`, and the browser tests' pages.

Plain static files, with the headers a help page for people at risk should send:
- Content-Security-Policy: the page may load only its own files and talk only to the assistant,
  so the browser calls no one else (no CDN, font, tracker or analytics can sneak in);
- Cache-Control: no-store, so the pages are not kept in the browser's disk cache;
- Referrer-Policy: no-referrer, so the sites the chat links to don't learn where the user came from.

`--assistant URL` also points the demo pages' widget (`data-server="..."`) at that URL.

    python scripts/serve_web.py --port 8080 --assistant http://localhost:5005 [--directory web]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import re
import threading
from collections.abc import Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_SERVER = re.compile(rb'data-server="[^"]*"')


def security_headers(connect: Iterable[str]) -> dict:
    connect_src = " ".join(["'self'", *connect])
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            f"connect-src {connect_src}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


class Handler(SimpleHTTPRequestHandler):
    headers_to_send: dict = {}
    assistant: str | None = None

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
    }

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if self.assistant and path.suffix == ".html" and path.is_file():
            body = DATA_SERVER.sub(f'data-server="{self.assistant}"'.encode(), path.read_bytes())
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def log_message(self, format: str, *args) -> None:  # no request log: paths can tell a story
        pass


def make_server(
    port: int,
    directory: Path = ROOT / "web",
    assistant: str | None = None,
    connect: Iterable[str] = (),
    host: str = "127.0.0.1",
) -> ThreadingHTTPServer:
    connect = list(connect) or ([assistant] if assistant else [])
    handler = type("WebHandler", (Handler,), {"headers_to_send": security_headers(connect), "assistant": assistant})
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--directory", type=Path, default=ROOT / "web")
    parser.add_argument("--assistant", help="the Rasa server's URL, e.g. http://localhost:5005")
    args = parser.parse_args()
    server = make_server(args.port, args.directory, args.assistant, host=args.host)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
