"""A Streamlit websocket client without a browser: what a hostile visitor can send.

The browser talks to ``streamlit run`` over ``/_stcore/stream`` in protobuf frames
(``BackMsg`` up, ``ForwardMsg`` down). :class:`StreamlitSocket` opens that socket the
way the browser does and sends any ``BackMsg``: a page run with chosen widget states
(crafted ids or values), Streamlit's clear-cache message, and so on. It talks only to
the local server a test started.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import ClientConnection, connect


@dataclass
class Run:
    """What the server sent for one script run: its messages and how the run ended."""

    messages: list[ForwardMsg] = field(default_factory=list)
    finished: str = ""  # ScriptFinishedStatus name, "" when the run did not finish in time

    def kinds(self) -> list[str]:
        """The type of every message, in order ("new_session", "delta", "page_not_found", ...)."""
        return [m.WhichOneof("type") for m in self.messages]

    def texts(self) -> list[str]:
        """Every text the run drew (markdown, alerts, exceptions, captions, html bodies)."""
        out: list[str] = []
        for msg in self.messages:
            if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
                continue
            element = msg.delta.new_element
            kind = element.WhichOneof("type")
            part = getattr(element, kind)
            for name in ("body", "message", "stack_trace", "type"):
                value = getattr(part, name, None)
                if isinstance(value, str):
                    out.append(value)
                elif value is not None and hasattr(value, "__iter__"):
                    out.extend(str(v) for v in value)
        return out

    def exceptions(self) -> list[str]:
        """The exception elements drawn (type, message and trace, one string each)."""
        out = []
        for msg in self.messages:
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "exception":
                    e = element.exception
                    out.append(" | ".join([e.type, e.message, *e.stack_trace]))
        return out


class StreamlitSocket:
    """One websocket session with a local ``streamlit run`` server (a new session)."""

    def __init__(self, base_url: str, *, timeout: float = 60.0) -> None:
        parsed = urlparse(base_url)
        self.base_url = base_url
        self.timeout = timeout
        connection = connect(f"ws://{parsed.netloc}/_stcore/stream", subprotocols=["streamlit"],
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

    def clear_cache(self) -> None:
        """Send Streamlit's clear-cache message (what the menu's "Clear cache" sends)."""
        msg = BackMsg()
        msg.clear_cache = True
        self.send(msg)

    def receive_run(self) -> Run:
        """ForwardMsgs until a script run finishes, reruns included (or ``timeout`` passes)."""
        run = Run()
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


def element_types(run: Run) -> list[str]:
    """The kinds of element a run drew ("file_uploader", "text_input", "exception", ...), in order."""
    return [msg.delta.new_element.WhichOneof("type") for msg in run.messages
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"]


def widget(widget_id: str, **value: object) -> WidgetState:
    """A widget state, e.g. ``widget("$$ID-...", int_value=3)``."""
    state = WidgetState(id=widget_id)
    for name, v in value.items():
        setattr(state, name, v)
    return state


def widget_ids(run: Run) -> list[str]:
    """The ids of the widgets a run drew (as the browser would send them back)."""
    ids = []
    for msg in run.messages:
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            part = getattr(element, element.WhichOneof("type"))
            if getattr(part, "id", ""):
                ids.append(part.id)
    return ids
