"""The roll-up page in a real browser (headless Chromium + selenium): a municipality's specialist chooses the
schools' exports, sees the refused file named with its reason and downloads the summary."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos
from test_desk_browser import (  # noqa: F401  (browser, downloads, home, served: fixtures)
    CHROMIUM,
    DRIVER,
    Served,
    browser,
    click_button,
    click_link,
    downloads,
    home,
    job_result,
    screenshot,
    served,
    wait_for,
)

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
                                reason="нет Chromium и chromedriver (их ставит .ci/run)")


def test_rollup_in_the_browser(served: Served, browser: Any, tmp_path: Path, downloads: Path,  # noqa: F811
                               demos: Demos) -> None:
    from toolkit.cli import main

    chosen = []
    for form in ("student", "teacher"):
        folder = demos.copy(form, tmp_path / form)
        chosen.append(tmp_path / f"Школа 17 {form}.xlsx")
        with contextlib.suppress(SystemExit):
            main(["export", str(folder), "--anonymize", "--out", str(chosen[-1])])
    chosen.append(tmp_path / "Список класса.xlsx")
    shutil.copy(tmp_path / "student" / "02_Заявки.xlsx", chosen[-1])

    browser.get(served.url)
    click_link(browser, "Сводка муниципалитета")
    assert "Прошлогодняя сводка" in browser.find_element("tag name", "main").text  # optional, for year over year
    screenshot(browser, "desk-rollup-start.png", tmp_path)
    browser.find_element("id", "rollup-files").send_keys("\n".join(str(p) for p in chosen))
    click_button(browser, "Свести выгрузки", "rollup-upload")
    result = job_result(browser)
    assert "Готово." in result
    assert "Сводка за 2026/2027 учебный год." in result
    assert "Файлов не принято: 1" in result
    row = browser.find_element("xpath", "//table[@class='problems']//tr[td[contains(., 'Список класса')]]").text
    assert "Это не обезличенная выгрузка «Наставника»" in row
    screenshot(browser, "desk-rollup.png", tmp_path)
    link = browser.find_element("xpath", "//ul[@class='files']//a[normalize-space()='Скачать']")
    link.click()
    target = downloads / "Сводка по наставничеству.xlsx"
    wait_for(browser, lambda d: target.exists() and target.stat().st_size > 0, 30)
    book = openpyxl.load_workbook(target)
    assert {"Сводка", "Охват", "По школам", "Файлы"} <= set(book.sheetnames)
