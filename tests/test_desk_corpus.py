"""The corpus' broken inputs dropped into the desk: the same Russian messages as the command line, at the same
places, and never a traceback. Program books → the «Проблемы» page; forms exports → «Загрузить заявки»; mail-merge
tables and templates → the «Слияние» page. (Cases run in a child process for their memory bound are the core's
guards, the same for both interfaces, and are left to tests/test_corpus.py.)"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Corpus, load_make_corpus
from desk_helpers import Desk, text_of

from toolkit.desk.web import desk_words

make_corpus = load_make_corpus()


def _cases() -> list[Any]:
    """Every forms-export and merge case; of the program-book cases, each kind of message on each book once (the
    page shows ``check``'s report: one case per kind proves the way, the rest is the core's, run by test_corpus)."""
    out, seen = [], set()
    for case in make_corpus.cases(os.environ.get("NASTAVNIK_SKIP_LIBREOFFICE") != "1"):
        if case.isolate or case.args[0] not in ("check", "import", "merge"):
            continue
        if case.args[0] == "check":
            key = (case.file, tuple(case.phrases[:1]))
            if key in seen:
                continue
            seen.add(key)
        out.append(case)
    return out


CASES = _cases()
ROLES = {"наставник": "mentor", "наставляемый": "mentee"}


def _place_parts(place: str) -> list[str]:
    """«лист «Наставники»» → «Наставники»; «ячейка C2» → «C2» (the page shows them in their own columns)."""
    m = re.fullmatch(r"лист «(.+)»", place)
    if m:
        return [m.group(1)]
    m = re.fullmatch(r"ячейка (\w+)", place)
    return [m.group(1)] if m else [place]


def _expect(text: str, case: Any) -> None:
    assert "Traceback" not in text and "Внутренняя ошибка" not in text, text[:2000]
    if case.file:
        assert case.file in text, text[:3000]
    for phrase in case.phrases:
        if phrase.startswith("--"):  # a command-line option: the desk names its own field instead
            continue
        assert desk_words(phrase) in text, f"нет «{phrase}»:\n{text[:3000]}"
    for place in case.place:
        for part in _place_parts(place):
            assert part in text, f"нет «{place}»:\n{text[:3000]}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case_on_the_desk(corpus: Corpus, case: Any, tmp_path: Path) -> None:
    # the case as built (the command-line test of the same case may have imported into the shared copy before),
    # in a folder of this test's own: the desk writes (inbox, registry)
    folder = corpus.fresh(case.id, tmp_path / case.id)
    desk = Desk(tmp_path, tmp_path / "desk.json")
    args = [a.replace("{case}", str(folder)) for a in case.args]
    if case.args[0] == "check":
        pid = desk.add(Path(args[1]))
        response = desk.client.get(f"/p/{pid}/problems")
        assert response.status_code in (200, 400)
        _expect(text_of(response.text), case)
    elif case.args[0] == "import":
        pid = desk.add(Path(args[1]))
        export = Path(args[2])
        if not export.exists():  # a file named but absent: the browser always sends the file it has
            return
        role = ROLES.get(args[args.index("--role") + 1], "") if "--role" in args else ""
        response = desk.client.post(f"/p/{pid}/upload/forms", data={"csrf": desk.csrf, "role": role},
                                    files=[("files", (export.name, export.read_bytes(), "text/csv"))])
        text = text_of(response.text)
        if export.suffix.lower() not in (".csv", ".xlsx", ".xls", ".ods", ".txt"):
            assert response.status_code == 400 and "не выгрузка формы" in text
            return
        _expect(text, case)
    else:  # merge
        template, table = Path(args[1]), Path(args[2])
        response = desk.client.post("/merge/new", data={"csrf": desk.csrf}, files=[
            ("template", (template.name, template.read_bytes(), "application/octet-stream")),
            ("table", (table.name, table.read_bytes(), "application/octet-stream"))])
        text = text_of(response.text)
        if response.status_code == 400:  # a file the page does not take by its kind: a sentence of its own
            assert "не " in text and "Traceback" not in text
            return
        if case.code == 0:
            assert "можно делать документы" in text or "Ошибок нет" in text, text[:2000]
            return
        _expect(text, case)
