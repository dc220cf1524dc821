"""How soon the curator sees the first page: launch ``nastavnik пульт --no-browser`` (as the desktop launcher
does, without the browser), read the URL from its first line, fetch it as the browser does (secret → cookie →
page) and stop the clock when the whole first page has arrived. Median of N launches; the goal is 1.5 s.

    python scripts/bench_desk_start.py [--runs 5] [--program ПАПКА]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def one_launch(program: Path | None, config: Path) -> tuple[float, float]:
    args = [sys.executable, "-m", "toolkit.cli", "пульт", "--no-browser", "--idle", "30"]
    if program is not None:
        args.insert(4, str(program))
    env = dict(os.environ, NASTAVNIK_DESK_CONFIG=str(config))
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        printed = time.perf_counter() - started
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=30) as response:
            page = response.read().decode("utf-8")
            for asset in ("/static/desk.css", "/static/desk.js"):  # what the page loads before it shows
                with opener.open(url.split("/", 3)[0] + "//" + url.split("/")[2] + asset, timeout=30) as r:
                    r.read()
        shown = time.perf_counter() - started
        assert "Наставник" in page, page[:200]
        return printed, shown
    finally:
        process.terminate()
        process.wait(20)
        if process.stdout:
            process.stdout.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--program", type=Path, default=None,
                        help="a program folder: the first page is then its page (the books are read and checked)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "desk.json"
        one_launch(args.program, config)  # warm the disk cache, as a second double-click would find it
        results = [one_launch(args.program, config) for _ in range(args.runs)]
    printed = statistics.median(r[0] for r in results)
    shown = statistics.median(r[1] for r in results)
    what = f"страница программы «{args.program.name}»" if args.program else "стартовая страница"
    print(f"{what}: адрес напечатан через {printed:.2f} с, первая страница целиком — через {shown:.2f} с "
          f"(медиана {args.runs} запусков; цель 1,5 с): {'в пределах цели' if shown <= 1.5 else 'ДОЛЬШЕ ЦЕЛИ'}")


if __name__ == "__main__":
    main()
