"""The sign-in, session, error, cache and public-screen rows of docs/security.md: ``.venv/bin/python docs/make_security_server.py``.

Runs every attack of ``tests/server_attacks.py`` again (scratch stores; the server ones
against ``streamlit run`` on this machine) and writes its table between the
``server-attacks`` markers of docs/security.md, keeping the rest of the file (the upload
attacks are another section). Exits 1 if an attack worked (its row says so).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server_attacks import ATTACKS, Lab  # noqa: E402

DOC = ROOT / "docs" / "security.md"
BEGIN, END = "<!-- server-attacks:begin -->", "<!-- server-attacks:end -->"
HEADER = """# Security: the attacks tried and what they do now

Each table is regenerated from its list of attacks by its script; every attack is also a test.
"""
INTRO = """## Sign-in, sessions, error pages, shared caches, the public screen

Made by `docs/make_security_server.py` from `tests/server_attacks.py` (tested by
`tests/test_server_attacks.py`); the rules behind it are in the README ("Passwords and signing in",
"Who can reach the server").
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\\\|").replace("\n", " ")


def table() -> tuple[str, bool]:
    """The markdown table and whether every attack failed."""
    rows = ["| # | area | attack | input | before | now |", "|---|---|---|---|---|---|"]
    held = True
    with tempfile.TemporaryDirectory(prefix="qy-attacks-") as folder:
        lab = Lab(Path(folder))
        try:
            for n, attack in enumerate(ATTACKS, 1):
                try:
                    now = attack.check(lab)
                except AssertionError as exc:
                    now, held = f"**THE ATTACK WORKED**: {exc}", False
                print(f"{attack.key}: {now}", flush=True)
                rows.append("| " + " | ".join(_cell(c) for c in (str(n), attack.area, attack.attack, attack.input,
                                                                  attack.before, now)) + " |")
        finally:
            lab.close()
    return "\n".join(rows), held


def main() -> int:
    rows, held = table()
    section = f"{BEGIN}\n{INTRO}\n{rows}\n{END}"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
