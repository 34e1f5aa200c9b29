"""Warm a freshly started server before its first visitor: ``python -m dashboard.warmup [streamlit args]``.

A new ``streamlit run`` process imports the app, reads the programme and computes today's figures
on its first page view: 6.7 s for the first briefing of a 220,000-compound store against 2.2 s
once warm (issue 13). ``scripts/run.sh`` starts this in the background next to the server
(``QY_WARMUP=0`` turns it off): it waits for the server to answer, then opens each page named by
``QY_WARMUP_PAGES`` (default ``briefing,explorer,screen``) once in a session of its own, over the
websocket the browser uses, and logs how long each took. A page the server does not serve
(``QY_PAGES``) is skipped. It only reads: no sign-in, no widget is touched.

``StreamlitSocket`` is also the tests' websocket client (``tests/ws_client.py`` adds what a hostile
visitor sends).
"""
from __future__ import annotations

import os
import sys
import time
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

DEFAULT_PAGES = ("briefing", "explorer", "screen")


@dataclass
class Run:
    """What the server sent for one script run: its messages and how the run ended."""

    messages: list[ForwardMsg] = field(default_factory=list)
    finished: str = ""  # ScriptFinishedStatus name, "" when the run did not finish in time

    def kinds(self) -> list[str]:
        """The type of every message, in order ("new_session", "delta", "page_not_found", ...)."""
        return [str(m.WhichOneof("type")) for m in self.messages]


class StreamlitSocket:
    """One websocket session with a ``streamlit run`` server (a new session), as a browser opens it."""

    #: What :meth:`receive_run` collects into (the tests' client reads more off it).
    run_class: type[Run] = Run

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        netloc = base_url.split("://", 1)[-1].split("/", 1)[0]
        self.base_url = base_url
        self.timeout = timeout
        connection = connect(f"ws://{netloc}/_stcore/stream", subprotocols=[Subprotocol("streamlit")],
                             open_timeout=timeout, max_size=None, proxy=None)
        self.ws: ClientConnection = connection.__enter__()  # closed by close()
        self.page_hashes: dict[str, str] = {}  # url path -> page script hash, from the navigation message

    def close(self) -> None:
        self.ws.__exit__(None, None, None)

    def __enter__(self) -> StreamlitSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def run(self, url_path: str = "", *, query: str = "", widgets: Iterable[WidgetState] = (),
            page_hash: str | None = None) -> Run:
        """Ask for a run of the page at ``url_path`` with ``widgets``; collect its messages until it ends."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.page_name = url_path
        if page_hash is not None or url_path in self.page_hashes:
            state.page_script_hash = page_hash if page_hash is not None else self.page_hashes[url_path]
        state.widget_states.widgets.extend(list(widgets))
        self.send(msg)
        return self.receive_run()

    def receive_run(self) -> Run:
        """ForwardMsgs until a script run finishes, reruns included (or ``timeout`` passes)."""
        run = self.run_class()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                frame = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if not isinstance(frame, bytes):
                continue
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            run.messages.append(msg)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                for page in msg.navigation.app_pages:
                    self.page_hashes[page.url_pathname] = page.page_script_hash
            if kind == "script_finished":
                run.finished = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if "FRAGMENT" not in run.finished and run.finished != "FINISHED_EARLY_FOR_RERUN":
                    return run  # a run that ended early for a rerun (st.switch_page, st.rerun) goes on
        return run


@dataclass(frozen=True)
class Warmed:
    """One page's warm-up: its URL path, how its run ended ("" = not in time, "not served") and seconds."""

    page: str
    finished: str
    seconds: float


def wait_healthy(base_url: str, timeout: float) -> bool:
    """Whether the server answers its health check within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def warm(base_url: str, pages: Sequence[str] = DEFAULT_PAGES, *, timeout: float = 180.0) -> list[Warmed]:
    """Open each page once, each in a new session; what each run did and how long it took."""
    out = []
    for page in pages:
        start = time.monotonic()
        with StreamlitSocket(base_url, timeout=timeout) as socket:
            first = socket.run(page)
            finished = "not served" if "page_not_found" in first.kinds() else first.finished
        out.append(Warmed(page, finished, time.monotonic() - start))
    return out


def server_url(args: Sequence[str]) -> str:
    """The local URL of the server started with ``streamlit run`` arguments ``args`` (its port; 8501)."""
    port = "8501"
    for i, arg in enumerate(args):
        if arg == "--server.port" and i + 1 < len(args):
            port = args[i + 1]
        elif arg.startswith("--server.port="):
            port = arg.split("=", 1)[1]
    return f"http://127.0.0.1:{port}"


def main(argv: Sequence[str] | None = None) -> int:
    """Wait for the server the arguments describe, warm its pages, log one line; 0, or 1 if it never answered."""
    args = list(sys.argv[1:] if argv is None else argv)
    url = server_url(args)
    pages = [p for p in os.environ.get("QY_WARMUP_PAGES", ",".join(DEFAULT_PAGES)).split(",") if p.strip()]
    if not wait_healthy(url, float(os.environ.get("QY_WARMUP_WAIT", "120"))):
        print(f"warm-up: {url} did not answer; nothing warmed", file=sys.stderr, flush=True)
        return 1
    try:
        done = warm(url, [p.strip() for p in pages])
    except (OSError, WebSocketException) as exc:  # the server went away meanwhile
        print(f"warm-up: stopped ({exc})", file=sys.stderr, flush=True)
        return 1
    summary = ", ".join(f"{w.page} {w.seconds:.1f} s ({w.finished or 'not finished'})" for w in done)
    print(f"warm-up: {summary}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
