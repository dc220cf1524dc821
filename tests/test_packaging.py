"""`pip install` of the wheel into a fresh venv, run from outside the repo, works: the specs ship inside the wheel,
and what the wheel declares as its dependencies is all it needs."""

from __future__ import annotations

import email
import importlib.metadata
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def declared_requirements(wheel: Path) -> list[Requirement]:
    """The wheel's own ``Requires-Dist`` (those of the extras left out): what `pip install` would fetch."""
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(z.read(name))
    requirements = [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


def dependency_closure(requirements: list[Requirement]) -> list[importlib.metadata.Distribution]:
    """The installed distributions these requirements need, and what those need in turn (markers evaluated)."""
    installed: dict[str, importlib.metadata.Distribution] = {}
    for dist in importlib.metadata.distributions():  # in sys.path order: the first found is the one imported
        installed.setdefault(canonicalize_name(dist.metadata["Name"]), dist)
    needed: dict[str, importlib.metadata.Distribution] = {}
    seen: set[tuple[str, str]] = set()
    todo = [(r, "") for r in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        assert name in installed, f"{requirement} is declared but not installed here"
        dist = needed.setdefault(name, installed[name])
        for wanted in {"", *requirement.extras}:
            if (name, wanted) not in seen:
                seen.add((name, wanted))
                todo += [(Requirement(r), wanted) for r in dist.requires or []]
    return list(needed.values())


def link_into(site: Path, dist: importlib.metadata.Distribution) -> int:
    """Each file the distribution installed (its RECORD), linked into ``site`` at the same relative place."""
    assert dist.files is not None, f"{dist.metadata['Name']}: no RECORD, cannot tell its files"
    count = 0
    for file in dist.files:
        if file.parts[0] == ".." or "__pycache__" in file.parts:  # scripts in bin/, byte code
            continue
        source = Path(str(dist.locate_file(file)))
        if not source.is_file():
            continue
        target = site / Path(*file.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(source)
            count += 1
    return count


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

    # A venv of its own (no --system-site-packages: that would show the base interpreter's packages) that gets
    # exactly the dependencies the wheel declares, and theirs: the distributions installed for this test run,
    # linked file by file from their RECORD (no download: works offline and takes a second). A package the
    # toolkit imports without declaring it is then missing, as it would be after `pip install nastavnik`.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True, env=env).stdout.strip())
    requirements = declared_requirements(wheel)
    assert {canonicalize_name(r.name) for r in requirements} >= {"docxtpl", "python-calamine", "pytrovich"}
    closure = dependency_closure(requirements)
    assert all(link_into(site, d) for d in closure)
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run([*pip, "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True,
                   env=env)
    # every declared requirement (versions and markers too) is met by what the venv holds
    checked = subprocess.run([*pip, "check"], capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    outside = tmp_path / "где-то"
    outside.mkdir()
    located = subprocess.run([str(python), "-c", "import workbook_templates, toolkit; print(toolkit.__file__)"],
                             cwd=outside, check=True, capture_output=True, text=True, env=env).stdout
    assert str(venv) in located
    # the venv holds nothing beyond the declared closure: the test runner itself is not there
    hidden = subprocess.run([str(python), "-c", "import pytest"], cwd=outside, capture_output=True, text=True,
                            env=env)
    assert hidden.returncode != 0 and "No module named 'pytest'" in hidden.stderr
    result = subprocess.run([str(venv / "bin" / "nastavnik"), "demo", "пример"], cwd=outside,
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert (outside / "пример" / "ученик-ученик" / "02_Заявки.xlsx").exists()
    check = subprocess.run([str(venv / "bin" / "nastavnik"), "check", "пример/педагог-педагог"], cwd=outside,
                           capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    # the desk from the wheel: its pages, CSS and JS are served with no network and no checkout
    import http.cookiejar
    import urllib.request

    desk = subprocess.Popen([str(venv / "bin" / "nastavnik"), "пульт", "пример/ученик-ученик", "--no-browser",
                             "--idle", "20"], cwd=outside, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(env, NASTAVNIK_DESK_CONFIG=str(tmp_path / "desk.json")))
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
