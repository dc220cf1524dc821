"""Start the desk: bind 127.0.0.1 on a free port, print the URL with the launch's secret (the first line of
stdout), open the browser, serve until Ctrl+C or until no page has been open for a while."""

from __future__ import annotations

import socket
import sys
import threading
import time
import webbrowser
from pathlib import Path

IDLE_SECONDS = 120.0  # no page asked anything for this long: the browser was closed


def serve(folder: Path | None = None, *, browser: bool = True, port: int = 0, idle: float = IDLE_SECONDS) -> None:
    import uvicorn

    from toolkit.desk.app import DeskState, create_app, program_id

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)  # connections wait in the backlog until the server accepts them
    port = sock.getsockname()[1]
    state = DeskState(port=port)
    path = "/"
    if folder is not None:
        from toolkit.model.program import Program

        Program.open(folder)  # not a program folder: the core's sentence, before anything starts
        state.remember(folder)
        path = f"/p/{program_id(folder)}"
    url = f"http://127.0.0.1:{port}{path}?t={state.token}"
    print(url, flush=True)
    print("Пульт куратора запущен. Не закрывайте это окно, пока работаете; выключить — Ctrl+C.", flush=True)
    try:
        # The server's log: no request lines (paths name people's files), warnings only.
        config = uvicorn.Config(create_app(state), log_level="warning", access_log=False, lifespan="off",
                                server_header=False, date_header=False)
        server = uvicorn.Server(config)

        def watch() -> None:
            while not server.should_exit:
                time.sleep(1.0)
                if time.monotonic() - state.last_seen > idle and state.jobs.running_any() is None:
                    print("Страница пульта давно закрыта: пульт выключается.", flush=True)
                    server.should_exit = True

        threading.Thread(target=watch, daemon=True).start()
        if browser:
            threading.Timer(0.2, webbrowser.open, args=(url,)).start()
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl+C before the server took the signal over, or re-raised after it stopped
        pass
    finally:
        sock.close()
    print("Пульт выключен.", flush=True)
    sys.stdout.flush()
