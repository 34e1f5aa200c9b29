"""Time the briefing pack: whole district and each area, PPTX and PDF (target: district <= 10 s).

    .venv/bin/python benchmarks/brief.py [--as-of 2022-12-09] [--lang zh] [--repeat 1]

Prints one line per pack: build (content, charts and map), render, total seconds and size.
The first district run includes one-off start-up (font registration, matplotlib caches).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.brief import content, model, render
from geo.settings import REPORT_DATE
from geo.store import open_store

TARGET_S = 10.0
ROOT = Path(__file__).resolve().parent.parent


def _pad(text: str, width: int) -> str:
    """Left-justify allowing for double-width CJK characters."""
    return text + " " * max(1, width - sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))


def _cold_cli(as_of: str, lang: str) -> float:
    """Seconds for a fresh ``python -m geo brief`` process (imports, load, build, write)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geo", "brief", "--as-of", as_of, "--lang", lang,
                        "-o", str(Path(tmp) / "b.pptx")], cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - start


def _time_pack(ds, as_of: str, area: str | None, lang: str, fmt: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    pack = content.brief_from_dataset(ds, as_of, area=area, lang=lang)
    built = time.perf_counter()
    data = render.render(pack, fmt)
    return built - start, time.perf_counter() - built, len(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default=REPORT_DATE.isoformat())
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--repeat", type=int, default=1, help="runs per pack; the best is printed")
    args = parser.parse_args()
    start = time.perf_counter()
    ds = open_store().load().dataset
    print(f"load store: {time.perf_counter() - start:.2f} s ({len(ds.compounds)} compounds), as of {args.as_of}")
    print(f"{'pack':<26}{'fmt':<6}{'build s':>9}{'render s':>10}{'total s':>9}{'MB':>7}")
    worst = {}
    for area in (None, *ds.programme.area_names):
        for fmt in model.FORMATS:
            runs = [_time_pack(ds, args.as_of, area, args.lang, fmt) for _ in range(max(1, args.repeat))]
            build, render, size = min(runs, key=lambda r: r[0] + r[1])
            name = area or "whole district"
            print(f"{_pad(name, 26)}{fmt:<6}{build:>9.2f}{render:>10.2f}{build + render:>9.2f}{size / 1e6:>7.2f}")
            key = "district" if area is None else "area"
            worst[key] = max(worst.get(key, 0.0), build + render)
    verdict = "OK" if worst["district"] <= TARGET_S else "OVER TARGET"
    print(f"whole-district pack, slowest format: {worst['district']:.2f} s (target <= {TARGET_S:.0f} s): {verdict}")
    print(f"per-area pack, slowest: {worst['area']:.2f} s")
    print(f"cold 'python -m geo brief' (new process, whole district, pptx): {_cold_cli(args.as_of, args.lang):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
