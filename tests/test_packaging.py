"""`pip install .` into a fresh venv, run from outside the repo, works: the specs ship inside the wheel."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_templates_and_runs_from_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("nastavnik-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("workbook_templates/applications.yaml", "workbook_templates/forms/student.yaml",
                 "workbook_templates/forms/teacher.yaml", "toolkit/cli.py", "toolkit/desk/templates/base.html",
                 "toolkit/desk/templates/program.html", "toolkit/desk/static/desk.css",
                 "toolkit/desk/static/desk.js"):
        assert name in names
    venv = tmp_path / "venv"
    # The venv sees the dependencies this interpreter has (an outer venv or the system), through a .pth of
    # its site folders; `--system-site-packages` would see only the base interpreter's. The package itself
    # comes only from the wheel: the venv's own site-packages comes first, and .pth files inside the
    # borrowed folders (an editable install of the checkout) are not run.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    borrowed = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"]])
    (Path(purelib) / "outer-dependencies.pth").write_text("\n".join(borrowed) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True)
    outside = tmp_path / "где-то"
    outside.mkdir()
    located = subprocess.run([str(python), "-c", "import workbook_templates, toolkit; print(toolkit.__file__)"],
                             cwd=outside, check=True, capture_output=True, text=True).stdout
    assert str(venv) in located
    result = subprocess.run([str(venv / "bin" / "nastavnik"), "demo", "пример"], cwd=outside,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (outside / "пример" / "ученик-ученик" / "02_Заявки.xlsx").exists()
    check = subprocess.run([str(venv / "bin" / "nastavnik"), "check", "пример/педагог-педагог"], cwd=outside,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # the desk from the wheel: its pages, CSS and JS are served with no network and no checkout
    import http.cookiejar
    import urllib.request

    desk = subprocess.Popen([str(venv / "bin" / "nastavnik"), "пульт", "пример/ученик-ученик", "--no-browser",
                             "--idle", "20"], cwd=outside, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, NASTAVNIK_DESK_CONFIG=str(tmp_path / "desk.json")))
    try:
        assert desk.stdout is not None
        url = desk.stdout.readline().strip()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=30) as response:
            assert "Мотивационная встреча" in response.read().decode("utf-8")
        base = url.split("/p/")[0]
        for asset in ("/static/desk.css", "/static/desk.js"):
            with opener.open(base + asset, timeout=30) as response:
                assert response.status == 200 and len(response.read()) > 500
    finally:
        desk.terminate()
        desk.communicate(timeout=30)
