"""A Streamlit websocket client without a browser: what a hostile visitor can send.

The browser talks to ``streamlit run`` over ``/_stcore/stream`` in protobuf frames
(``BackMsg`` up, ``ForwardMsg`` down). :class:`StreamlitSocket` opens that socket the
way the browser does and sends any ``BackMsg``: a page run with chosen widget states
(crafted ids or values), Streamlit's clear-cache message, and so on. It talks only to
the local server a test started.
"""
from __future__ import annotations

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from dashboard import warmup


class Run(warmup.Run):
    """What the server sent for one script run, with the texts and exceptions it drew."""

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


class StreamlitSocket(warmup.StreamlitSocket):
    """One websocket session with a local ``streamlit run`` server (a new session), able to send any BackMsg."""

    run_class = Run

    def clear_cache(self) -> None:
        """Send Streamlit's clear-cache message (what the menu's "Clear cache" sends)."""
        msg = BackMsg()
        msg.clear_cache = True
        self.send(msg)


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
