"""``nastavnik docs``: the documents of a program folder from the templates of ``doc_templates/``.

Kinds (Russian names and Latin aliases):

* ``письма`` (letters) — letters of thanks to the mentors whose award in the ranking is a letter; the signer
  and the signer's organisation come from the settings (the seed's example: the district administration);
* ``грамоты`` (certificates) — the school's certificates, signed by the director;
* ``приказ`` (order) — the order fixing the pairs (:mod:`toolkit.documents.order`);
* ``прогресс`` (progress) — a progress report per pair or group, one or two pages: goals and sprints, meetings and
  evaluations, each mentee's results, the intermediate results (each once), the competencies in the beginning and
  in the end as a chart image (:mod:`toolkit.documents.charts`; a group's mentees side by side), feedback;
* ``отчёт`` (report) — the program report for the director and the pedagogical council: mentors and mentees by
  stage, monitoring, the ranking, best practices, the proposals (the council recommends the school's own awards
  and petitions for the letters of another organisation);
* ``практика`` (practice) — a best practice described for a competition (city, regional, national level);
* ``сайт`` (site) — one self-contained HTML page of best practices for the school web site;
* ``приглашения`` (invitations) — invitations of the partners to the final celebration.

Every document is rendered in memory first (an error leaves no file behind), then written atomically; a file
that is already there goes to «Резервные копии». ``single`` joins the documents of a kind into one printable
file, each from a new page. ``pdf`` converts everything written in one LibreOffice run per 200 files.

A document a director signs shows a figure once (a chart or a table, never both) and names things as a school
does: no command, workbook or sheet of the toolkit. The progress report's chart image of the competencies
(matplotlib) is the only picture of the ratings; its words say what changed. It is rendered on the prepared
template with the chart pictures added to the package (:func:`_render_with_images`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.base import files
from toolkit.base.grammar import PUPIL_BY_FIRST_NAME, for_gender, lower_first, person_gender
from toolkit.base.lock import locks_program
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, format_date, format_number
from toolkit.books.outputs import ensure_output, ensure_output_folder
from toolkit.checks.program import load_program
from toolkit.documents.positions import decline_position
from toolkit.logic.evaluation import (
    BOOK,
    GOAL_REACHED,
    MUTUAL_ABOUT_MENTEE,
    MUTUAL_ABOUT_MENTOR,
    Award,
    PairWork,
    as_of_date,
    award_kind,
    chosen_awards,
    data_as_of,
    method_of,
    name_of,
    position,
    regularity,
    work_of,
)
from toolkit.model.pairs import Pair, result_pairs
from toolkit.model.program import Program, ProgramData
from toolkit.spec import Profile
from toolkit.stages.results import results_spec

if TYPE_CHECKING:
    from toolkit.logic.readiness import ProgramStatus

DOCS_FOLDER = "Документы"
START_BG, END_BG, EMPTY_BG, BAR_BG = "A6A6A6", "1F4E79", "FFFFFF", "2E75B6"
Progress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class Kind:
    key: str
    name: str  # the Russian argument
    title: str  # what is made, for messages
    prefix: str  # file names: «Благодарственное письмо — Иванов Иван Иванович.docx»
    template: str  # «{form}» in the name: a template per form («положение_{form}.docx»)
    forms: tuple[str, ...] = ("student", "teacher")
    one: bool = False  # one document a program: the file is named by the prefix alone
    early: bool = False  # made before the program starts (the launch pack): dated by --date or left blank

    def template_for(self, form: str) -> str:
        return self.template.replace("{form}", form)

    def applies_to(self, profile: Profile) -> bool:
        """Documents of every form, or of the named forms only (the papers of school employees under
        ТК РФ ст. 351.8 are the teachers' form's, not those of a partner's employees)."""
        return set(self.forms) >= {"student", "teacher"} or profile.form in self.forms


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("letters", "письма", "Благодарственные письма", "Благодарственное письмо", "благодарственное_письмо.docx"),
    Kind("certificates", "грамоты", "Грамоты", "Грамота", "грамота.docx"),
    Kind("order", "приказ", "Приказ о закреплении пар", "Приказ", "order_pairs.docx"),
    Kind("progress", "прогресс", "Отчёты о прогрессе пар", "Прогресс", "прогресс_пары.docx"),
    Kind("report", "отчёт", "Отчёт о программе", "Отчёт о реализации программы наставничества",
         "отчет_о_программе.docx"),
    Kind("practice", "практика", "Описания лучших практик", "Практика", "лучшая_практика.docx"),
    Kind("site", "сайт", "Страница лучших практик для сайта", "Лучшие практики — страница для сайта",
         "лучшие_практики_сайт.html"),
    Kind("invitations", "приглашения", "Приглашения партнёрам", "Приглашение", "приглашение.docx"),
    Kind("launch", "внедрение", "Приказ о внедрении целевой модели наставничества",
         "Приказ о внедрении целевой модели наставничества", "приказ_о_внедрении.docx", one=True, early=True),
    Kind("curator", "куратор", "Приказ о назначении куратора и рабочей группы",
         "Приказ о назначении куратора и рабочей группы", "приказ_о_кураторе.docx", one=True, early=True),
    Kind("roadmap", "дорожная_карта", "Дорожная карта программы", "Дорожная карта программы наставничества",
         "дорожная_карта.docx", one=True, early=True),
    Kind("consents", "согласия", "Заявления-согласия на наставничество", "Заявление-согласие на наставничество",
         "согласие_наставника.docx", forms=("teacher",)),
    Kind("agreements", "соглашения", "Дополнительные соглашения о наставничестве",
         "Дополнительное соглашение о наставничестве", "доп_соглашение.docx", forms=("teacher",)),
    Kind("pay", "доплата", "Приказ об установлении доплаты за наставничество",
         "Приказ об установлении доплаты за наставничество", "приказ_о_доплате.docx", forms=("teacher",), one=True,
         early=True),
    Kind("regulation", "положение", "Положение о наставничестве", "Положение о наставничестве", "положение.docx",
         one=True, early=True),
    Kind("program", "программа", "Программа наставничества", "Программа наставничества", "программа.docx",
         one=True, early=True),
    Kind("closing", "завершение", "Приказ о завершении программы", "Приказ о завершении программы наставничества",
         "приказ_о_завершении.docx", one=True, early=True),
    Kind("petition", "ходатайство", "Ходатайство о награждении благодарственными письмами",
         "Ходатайство о награждении благодарственными письмами", "ходатайство.docx", one=True, early=True),
    Kind("analysis", "справка", "Аналитическая справка по итогам программы", "Аналитическая справка",
         "аналитическая_справка.docx", one=True),
    Kind("personal", "персональные", "Персонализированные программы наставничества",
         "Персонализированная программа наставничества", "персональная_программа.docx", forms=("teacher",)),
)}
_ALIASES = {
    "письма": "letters", "письмо": "letters", "благодарности": "letters", "letters": "letters", "letter": "letters",
    "грамоты": "certificates", "грамота": "certificates", "certificates": "certificates",
    "certificate": "certificates", "приказ": "order", "order": "order", "прогресс": "progress",
    "progress": "progress", "отчет": "report", "report": "report", "практика": "practice",
    "практики": "practice", "practice": "practice", "practices": "practice", "сайт": "site", "site": "site",
    "приглашения": "invitations", "приглашение": "invitations", "invitations": "invitations",
    "invitation": "invitations",
    "внедрение": "launch", "launch": "launch", "приказ_о_внедрении": "launch",
    "куратор": "curator", "curator": "curator", "рабочая_группа": "curator",
    "дорожная_карта": "roadmap", "дорожная карта": "roadmap", "карта": "roadmap", "roadmap": "roadmap",
    "согласия": "consents", "согласие": "consents", "consents": "consents", "consent": "consents",
    "соглашения": "agreements", "соглашение": "agreements", "agreements": "agreements", "agreement": "agreements",
    "доплата": "pay", "приказ_о_доплате": "pay", "pay": "pay",
    "положение": "regulation", "regulation": "regulation", "программа": "program", "program": "program",
    "персональные": "personal", "персональная": "personal", "программы_пар": "personal", "personal": "personal",
    "завершение": "closing", "приказ_о_завершении": "closing", "closing": "closing",
    "ходатайство": "petition", "petition": "petition",
    "справка": "analysis", "аналитическая_справка": "analysis", "analysis": "analysis",
}


ALL_KINDS = ("все", "всё", "all")  # `docs --kind все`: every kind in turn


def parse_kind(text: str) -> Kind:
    key = _ALIASES.get(clean_text(text).casefold().replace("ё", "е"))
    if key is None:
        known = "|".join(k.name for k in KINDS.values())
        raise NastavnikError(f"Неизвестный вид документов «{text}». Возможные: {known} (также "
                             f"{'|'.join(KINDS)}) или все.")
    return KINDS[key]


def template_path(name: str) -> Path:
    return Path(str(resources.files("doc_templates") / name))


@dataclass
class DocsOptions:
    kind: Kind
    out: Path | None = None
    single: bool = False
    pdf: bool = False
    date: dt.date | None = None  # the date printed on the documents (default: see document_date)
    today: dt.date | None = None  # «today» for the regularity of meetings (the demo fixes it)


@dataclass
class DocsOutcome:
    kind: Kind
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    backups: int = 0
    unchanged: int = 0  # already exactly so: not rewritten, no backup


@dataclass
class _Doc:
    stem: str
    context: dict[str, Any]


# --------------------------------------------------------------------------- small helpers


def _gender_of(data: ProgramData, pid: str) -> str | None:
    """The gender the registry gives a participant (detected from the name when «Пол» is empty)."""
    p = data.participants.get(pid)
    return person_gender(p.name, p.values.get("gender")) if p else None


def _s(value: Any) -> str:
    """A value as a document shows it inside lists (nested values bypass the renderer's conversion)."""
    if value is None or value == []:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_s(v) for v in value)
    return clean_text(value) if "\n" not in str(value) else str(value).strip()


def _initials(name: str) -> str:
    from toolkit.base.grammar import initials

    return initials(name) if clean_text(name) else "________________"


def _term(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{format_date(start)} – {format_date(end)}"
    if start:
        return f"с {format_date(start)}"
    return "—"


def _percent(text: str) -> str:
    """«40 %»: a number is never parted from its per cent sign at the end of a line."""
    return re.sub(r"(\d) %", "\\1\u00a0%", text)


def _horizon(value: Any) -> str:
    """«Краткосрочная цель (1–2 месяца)» in the column «Горизонт» of goals: «Краткосрочная (1–2 месяца)»."""
    return re.sub(r"^(\w+) цель\b", r"\1", _s(value))


def _mean(values: Sequence[Any]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _bar(value: float, top: float, cells: int, color: str) -> list[str]:
    """Colours of a bar of ``cells`` cells for ``value`` of ``top`` (at least one cell for a positive value)."""
    filled = 0 if top <= 0 or value <= 0 else max(1, round(cells * min(value, top) / top))
    return [color if i < filled else EMPTY_BG for i in range(cells)]


def next_year(academic_year: str) -> str:
    m = re.match(r"^\s*(\d{4})\s*/\s*(\d{2,4})\s*$", academic_year or "")
    if not m:
        return "следующем"
    first = int(m.group(1)) + 1
    return f"{first}/{first + 1}"


def common_context(data: ProgramData, date: dt.date) -> dict[str, Any]:
    s = data.settings()
    curator = clean_text(s.get("curator"))
    director = clean_text(s.get("director"))
    return {
        "школа": clean_text(s.get("school_full")) or "________________________________",
        "школа_кратко": clean_text(s.get("school_short")) or clean_text(s.get("school_full")),
        "адрес": clean_text(s.get("school_address")),
        "город": clean_text(s.get("city")),
        "форма": data.program.profile.name,
        "учебный_год": clean_text(s.get("academic_year")) or "____/____",
        "куратор": curator,
        "должность_куратора": lower_first(clean_text(s.get("curator_position"))),
        "куратор_подпись": _initials(curator),
        "директор": director,
        "директор_подпись": _initials(director),
        "дата": date,
    }


def document_date(data: ProgramData, options: DocsOptions) -> dt.date:
    """The date on the documents: ``--date``; for awards the day of the final celebration; otherwise today."""
    if options.date:
        return options.date
    if options.kind.key in ("letters", "certificates"):
        event = _event(data).get("date")
        if isinstance(event, dt.date):
            return event
    return options.today or dt.date.today()


def _event(data: ProgramData) -> dict[str, Any]:
    book = data.books.get(BOOK)
    return dict(book.forms["event"].values) if book and "event" in book.forms else {}


def _need_settings(data: ProgramData, keys: dict[str, str], what: str) -> None:
    s = data.settings()
    missing = [header for key, header in keys.items() if not clean_text(s.get(key))]
    if missing:
        raise NastavnikError(f"Для документов «{what}» в книге «00_Настройки» не заполнено: "
                             + ", ".join(f"«{m}»" for m in missing) + ". Заполните и повторите.")


# --------------------------------------------------------------------------- letters and certificates


def default_reason(data: ProgramData, mentees: int = 1) -> str:
    year = clean_text(data.settings().get("academic_year"))
    when = f" в {year} учебном году" if year else ""
    if data.program.profile.kind == "teacher":
        whom = "молодых педагогов" if mentees > 1 else "молодого педагога"
        return f"за активную работу наставником {whom} и вклад в развитие педагогического сообщества{when}"
    return f"за активную работу наставником в программе наставничества «{data.program.profile.name}»{when}"


def _awarded(data: ProgramData, kind: str) -> list[Award]:
    awards = chosen_awards(data)
    if not awards:
        raise NastavnikError("Рейтинг наставников ещё не составлен (лист «Рейтинг наставников» книги «06_Итоги» "
                             "пуст): запустите «nastavnik results ПАПКА», затем выберите поощрения в столбце "
                             "«Поощрение».")
    profile = data.program.profile
    chosen = [a for a in awards if any(award_kind(profile, x) == kind for x in a.awards)]
    if not chosen:
        names = [x for x in profile.awards if award_kind(profile, x) == kind]
        raise NastavnikError(f"Никому не выбрано поощрение «{' / '.join(names) or kind}» в столбце «Поощрение» листа "
                             "«Рейтинг наставников» книги «06_Итоги»: документы делать не для кого.")
    return chosen


def _mentee_counts(data: ProgramData) -> dict[str, int]:
    """Mentor → mentees in the pairs of the results (the pairs are read once for all the documents)."""
    counts: dict[str, int] = {}
    for pair in result_pairs(data):
        counts[pair.mentor] = counts.get(pair.mentor, 0) + len(pair.mentees)
    return counts


def letters(data: ProgramData, date: dt.date) -> list[_Doc]:
    _need_settings(data, {"signer_name": "Подписывает благодарственные письма (ФИО)",
                          "signer_position": "Должность подписывающего",
                          "signer_org": "Организация подписывающего"}, "благодарственные письма")
    s = data.settings()
    school = clean_text(s.get("school_short")) or clean_text(s.get("school_full"))
    by_first_name = not clean_text(s.get("pupil_address")).startswith("По имени и отчеству")  # the default
    docs = []
    mentees = _mentee_counts(data)
    for a in _awarded(data, "letter"):
        whom = position(data, a.mentor_id, dative=True)
        p = data.participants.get(a.mentor_id)
        docs.append(_Doc(a.name, {
            "Организация": clean_text(s.get("signer_org")), "ФИО": a.name,
            "Пол": clean_text(p.values.get("gender")) if p else "",
            # a student of a college or an employee of a partner: the place is in «whom», not the school
            "Кому": whom if p and (p.values.get("organization") or p.values.get("study_place"))
            else f"{whom} {school}".strip() if whom else school,
            "За что": a.reason or default_reason(data, mentees.get(a.mentor_id, 0)),
            "Должность": clean_text(s.get("signer_position")), "Подписывает": clean_text(s.get("signer_name")),
            "Дата": date,
            # "да" or "" (the renderer shows booleans as «да»/«нет», and «нет» would be true)
            PUPIL_BY_FIRST_NAME: "да" if p and clean_text(p.values.get("class")) and by_first_name else "",
        }))
    return docs + _partner_letters(data, [a.mentor_id for a in _awarded(data, "letter")], date)


def _partner_letters(data: ProgramData, mentors: list[str], date: dt.date) -> list[_Doc]:
    """Forms with a partner (a college, an employer): a letter of thanks also to the head of the organisation
    whose students or employees were thanked — one per organisation, naming them; the head and the
    organisation come from the sheet «Организации-партнёры» of «02_Заявки»."""
    from toolkit.base.values import fold

    partners = {fold(r.values.get("organization")): r.values for r in data.rows("applications", "partners")
                if clean_text(r.values.get("head_name"))}
    by_org: dict[str, list[str]] = {}
    for pid in mentors:
        p = data.participants.get(pid)
        org = fold(p.values.get("organization") or p.values.get("study_place")) if p else ""
        if org in partners:
            by_org.setdefault(org, []).append(name_of(data, pid))
    s = data.settings()
    year = clean_text(s.get("academic_year"))
    docs = []
    for org, names in by_org.items():
        v = partners[org]
        people = "студентов" if any(data.participants[pid].values.get("study_place") for pid in mentors
                                    if pid in data.participants) else "сотрудников"
        docs.append(_Doc(clean_text(v["head_name"]), {
            "Организация": clean_text(s.get("signer_org")), "ФИО": clean_text(v["head_name"]), "Пол": "",
            "Кому": f"руководителю {clean_text(v['organization'])}",
            "За что": (f"за поддержку программы наставничества «{data.program.profile.name}» и работу наставниками "
                       f"{people} организации ({', '.join(names)})" + (f" в {year} учебном году" if year else "")),
            "Должность": clean_text(s.get("signer_position")), "Подписывает": clean_text(s.get("signer_name")),
            "Дата": date,
        }))
    return docs


def certificates(data: ProgramData, date: dt.date) -> list[_Doc]:
    _need_settings(data, {"school_full": "Полное наименование образовательной организации",
                          "director": "Директор (ФИО)"}, "грамоты")
    s = data.settings()
    docs = []
    mentees = _mentee_counts(data)
    for a in _awarded(data, "certificate"):
        p = data.participants.get(a.mentor_id)
        docs.append(_Doc(a.name, {
            "Организация": clean_text(s.get("school_full")), "ФИО": a.name,
            "Пол": clean_text(p.values.get("gender")) if p else "",
            "Кто": position(data, a.mentor_id, dative=False),
            "За что": a.reason or default_reason(data, mentees.get(a.mentor_id, 0)),
            "Должность": "Директор", "Подписывает": clean_text(s.get("director")), "Дата": date,
        }))
    return docs


# --------------------------------------------------------------------------- progress of a pair


_RESULT_FIELDS = (
    ("presented_on", "Дата представления результатов"), ("project", "Совместный проект"),
    ("education", "Образовательные результаты"), ("professional", "Профессиональные результаты"),
    ("creative", "Творческие результаты"), ("sports", "Спортивные результаты"), ("other", "Иные результаты"),
    ("testing", "Результаты тестирования"), ("open_lessons", "Серия открытых уроков"),
    ("readiness", "Готовность к профессиональным обязанностям"), ("readiness_note", "Заключение наставника"),
)


def _rows_by(data: ProgramData, sheet: str, key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in data.rows(BOOK, sheet):
        if row.values.get(key):
            out.setdefault(row.values[key], []).append(row.values)
    return out


def _rating(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _competency_charts(data: ProgramData, pair: Pair,
                       by_mentee: dict[str, list[dict[str, Any]]] | None = None
                       ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The charts of the competencies (``диаграмма`` — PNG bytes, turned into an image by
    :func:`_render_with_images`): a pair's mentee alone, a group's mentees side by side (up to
    :data:`~toolkit.documents.charts.PANELS` in a chart) — and, per mentee, the conclusion in words. The chart
    is the only picture of the ratings: no table repeats it."""
    from toolkit.documents.charts import PANELS, Member, group_chart

    if by_mentee is None:
        by_mentee = _rows_by(data, "competencies", "mentee_id")
    group = len(pair.mentees) > 1
    members: list[Member] = []
    conclusions = []
    for mentee in pair.mentees:
        ratings: list[tuple[str, float | None, float | None]] = []
        grew: list[str] = []
        fell: list[str] = []
        compared = 0
        for v in by_mentee.get(mentee, []):
            start, end = v.get("start"), v.get("end")
            if start is None and end is None:
                continue
            name = clean_text(v.get("competency"))
            ratings.append((name, _rating(start), _rating(end)))
            if isinstance(start, int) and isinstance(end, int):
                compared += 1
                if end != start:
                    (grew if end > start else fell).append(name)
        if not ratings:
            continue
        members.append((_initials(name_of(data, mentee)) if group else "", ratings))
        # the chart gives the figures; the words say what changed (the names, not the figures again)
        if not compared:
            text = "оценки в начале и в конце ещё не сопоставлены."
        elif grew:
            text = f"в конце выше, чем в начале, — {len(grew)} из {compared} ({', '.join(grew)})."
        else:
            text = "в конце не выше, чем в начале."
        if fell:
            text += f" Ниже, чем в начале: {', '.join(fell)}."
        conclusions.append({"имя": name_of(data, mentee), "вывод": text[:1].upper() + text[1:]})
    charts = [{"диаграмма": group_chart(members[n:n + PANELS])} for n in range(0, len(members), PANELS)]
    return charts, conclusions


def _results_lines(data: ProgramData, pair: Pair,
                   by_mentee: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """The results of each mentee (a group names each mentee once, over her results; what every mentee of the
    group has alike is listed once, under «Вся группа»)."""
    if by_mentee is None:
        by_mentee = _rows_by(data, "results", "mentee_id")
    group = len(pair.mentees) > 1
    out = []
    for mentee in pair.mentees:
        lines = []
        for v in by_mentee.get(mentee, []):
            for key, label in _RESULT_FIELDS:
                text = _s(v.get(key))
                if key == "readiness":  # the choices are written in the masculine; said of this mentee
                    text = for_gender(text, _gender_of(data, mentee))
                if text:
                    lines.append({"что": label, "текст": text})
        if lines:
            out.append({"имя": name_of(data, mentee) if group else "", "строки": lines})
    if len(out) > 1:  # what every mentee of the group has alike (the day the results were presented) once
        common = [line for line in out[0]["строки"] if all(line in g["строки"] for g in out[1:])]
        if common:
            out = [{"имя": "Вся группа", "строки": common}] + [
                {**g, "строки": [line for line in g["строки"] if line not in common]} for g in out]
            out = [g for g in out if g["строки"]]
    return out


def _intermediate_lines(data: ProgramData, pair: Pair, work: PairWork | None) -> list[dict[str, str]]:
    """The intermediate results of the work of the pair, each listed once: the same result written for several
    mentees of a group (one joint open lesson) is one line naming them all."""
    group = len(pair.mentees) > 1
    merged: dict[tuple[str, str], list[str]] = {}
    for r in (work.intermediate if work else []):
        kind = _s(r.get("kind")).lower()
        text = ", ".join(x for x in (
            f"«{_s(r.get('topic'))}»" if r.get("topic") else "", _s(r.get("date")),
            f"оценка {_s(r.get('evaluation'))} из 5" if r.get("evaluation") is not None else "") if x) or "—"
        who = merged.setdefault((kind, text), [])
        member = clean_text(r.get("member_id"))
        short = _initials(name_of(data, member)) if member in data.participants else clean_text(r.get("name"))
        if short and short not in who:
            who.append(short)
    return [{"что": kind[:1].upper() + kind[1:] + (f" ({', '.join(who)})" if group and who else ""), "текст": text}
            for (kind, text), who in merged.items()]


def _feedback_lines(data: ProgramData, pair: Pair,
                    indexes: tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]] | None = None
                    ) -> list[dict[str, str]]:
    by_mentee, mutual = indexes or (_rows_by(data, "feedback", "mentee_id"), _rows_by(data, "mutual", "mentee_id"))
    role = data.program.profile.roles["mentee"]
    group = len(pair.mentees) > 1
    out = []
    for mentee in pair.mentees:
        short = _initials(name_of(data, mentee))
        for v in by_mentee.get(mentee, []):
            if v.get("mentee_score") is not None or v.get("mentee_comment"):
                score = f"оценка наставника {v['mentee_score']} из 5. " if v.get("mentee_score") is not None else ""
                out.append({"кто": f"{role} ({short})", "текст": (score + _s(v.get("mentee_comment"))).strip()})
            if v.get("curator_score") is not None or v.get("curator_comment"):
                score = f"оценка наставника {v['curator_score']} из 5. " if v.get("curator_score") is not None else ""
                out.append({"кто": f"Куратор ({short})" if group else "Куратор",
                            "текст": (score + _s(v.get("curator_comment"))).strip()})
            if v.get("community_score") is not None:
                out.append({"кто": f"Педагогическое сообщество ({short})" if group else "Педагогическое сообщество",
                            "текст": f"оценка наставника {v['community_score']} из 5."})
        for v in mutual.get(mentee, []):
            about_mentor = _mean([v.get(k) for k in MUTUAL_ABOUT_MENTOR])
            about_mentee = _mean([v.get(k) for k in MUTUAL_ABOUT_MENTEE])
            if about_mentor is not None or about_mentee is not None:
                out.append({"кто": f"Взаимная оценка ({short})",
                            "текст": f"о наставнике — {_score(about_mentor)} из 5; о молодом педагоге — "
                                     f"{_score(about_mentee)} из 5."})
    return out


def _meetings_summary(data: ProgramData, pair: Pair, work: dict[str, PairWork] | None,
                      today: dt.date | None, as_of: dt.date | None = None) -> str:
    if work is None:
        return "Журнал встреч пары не представлен."
    meetings = work.get(pair.pair_id, PairWork()).meetings
    if not meetings:
        return "Встреч в журнале пока нет."
    reg = regularity(data, pair, work.get(pair.pair_id), as_of if as_of is not None else as_of_date(data, today))
    mentor = data.participants.get(pair.mentor)
    frequency = clean_text(mentor.values.get("frequency")).lower() if mentor else ""
    text = f"Проведено встреч: {len(meetings)}"
    if reg is not None:
        text += f" (регулярность — {round(100 * reg)} % от обещанной частоты" + (f" «{frequency}»" if frequency else "") + ")"
    text += (f". Средняя оценка встреч: наставником — {_score(_mean([m.get('mentor_score') for m in meetings]))}, "
             f"наставляемым — {_score(_mean([m.get('mentee_score') for m in meetings]))} из 5.")
    return _percent(text)


def progress_reports(data: ProgramData, date: dt.date, today: dt.date | None) -> list[_Doc]:
    pairs = result_pairs(data)
    if not pairs:
        raise NastavnikError("На листе «Пары» книги «04_Пары» нет закреплённых пар: отчёты о прогрессе делать не о ком.")
    work = work_of(data)
    profile = data.program.profile
    # the rows of «06_Итоги» by mentee, once for all pairs
    competencies, results = _rows_by(data, "competencies", "mentee_id"), _rows_by(data, "results", "mentee_id")
    feedback = (_rows_by(data, "feedback", "mentee_id"), _rows_by(data, "mutual", "mentee_id"))
    as_of = as_of_date(data, today) if work else None  # the same day for every pair: found once
    docs = []
    for pair in pairs:
        pair_work = work.get(pair.pair_id) if work is not None else None
        mentor = data.participants.get(pair.mentor)
        group = len(pair.mentees) > 1
        mentees = []
        requests = []
        for m in pair.mentees:
            p = data.participants.get(m)
            extra = clean_text(p.values.get("class") or p.values.get("subject")) if p else ""
            mentees.append(name_of(data, m) + (f" ({extra})" if extra else ""))
            request = clean_text(p.values.get("request")) if p else ""
            if request:  # each mentee's own request, under her name in a group
                requests.append({"кто": _initials(name_of(data, m)) if group else "", "текст": request})
        goals = [{"номер": _s(g.get("goal_no")), "цель": _s(g.get("goal")), "горизонт": _horizon(g.get("horizon")),
                  "срок": _s(g.get("deadline")) or "—", "статус": _s(g.get("status")) or "—"}
                 for g in (pair_work.goals if pair_work else [])]
        sprints = [{"цель": _s(s.get("goal_no")), "задача": _s(s.get("task")),
                    "сроки": _term(s.get("start"), s.get("end")), "статус": _s(s.get("status")) or "—",
                    "результат": _s(s.get("result"))} for s in (pair_work.sprints if pair_work else [])]
        meetings = [{"номер": _s(m.get("number")) or str(n), "дата": _s(m.get("date")), "тема": _s(m.get("topic")),
                     "формат": _s(m.get("format")), "оценка_наставника": _s(m.get("mentor_score")) or "—",
                     "оценка_наставляемого": _s(m.get("mentee_score")) or "—"}
                    for n, m in enumerate(pair_work.meetings if pair_work else [], start=1)]
        charts, conclusions = _competency_charts(data, pair, competencies)
        context = {
            **common_context(data, date),
            "состав_заголовок": "наставнической группы" if group else "наставнической пары",
            "код": pair.pair_id,
            "наставник": name_of(data, pair.mentor),
            "наставник_кто": position(data, pair.mentor, dative=False),
            "роль_наставляемых": profile.roles_plural["mentee"] if group else profile.roles["mentee"],
            "наставляемые_строкой": "; ".join(mentees),
            "срок": _term(pair.start, pair.end),
            "запрос_заголовок": "Запросы наставляемых" if group else "Запрос наставляемого",
            "запросы": requests or [{"кто": "", "текст": "—"}],
            "частота": clean_text(mentor.values.get("frequency")) if mentor and mentor.values.get("frequency") else "—",
            "цели": goals, "спринты": sprints,
            "нет_работы": "" if work is not None else " (журнал работы пары не представлен)",
            "встречи_итог": _meetings_summary(data, pair, work, today, as_of),
            "встречи": meetings,
            "компетенции": charts, "выводы": conclusions,
            "результаты": _results_lines(data, pair, results),
            "промежуточные": _intermediate_lines(data, pair, pair_work),
            "отзывы": _feedback_lines(data, pair, feedback),
            "наставник_подпись": _initials(name_of(data, pair.mentor)),
        }
        docs.append(_Doc(f"{pair.pair_id} {name_of(data, pair.mentor)}", context))
    return docs


# --------------------------------------------------------------------------- the program report


def _stage_counts(data: ProgramData, status: ProgramStatus) -> list[tuple[str, int, int | None]]:
    """Per stage: (label, mentors, mentees) — the participants of the registry who have reached the stage (their
    stage in `status` is this one or later), so the counts never grow from a stage to the next. Mentors and
    mentees are counted apart, never added up. Stage 3 (training) is for mentors only: mentees ``None``."""
    profile = data.program.profile
    names = {s.number: s.name for s in profile.stages}
    out: list[tuple[str, int, int | None]] = []
    for n in sorted(names):
        mentors = sum(1 for p in status.participants if p.role == "mentor" and p.stage >= n)
        mentees = sum(1 for p in status.participants if p.role == "mentee" and p.stage >= n)
        out.append((f"{n}. {names[n]}", mentors, None if n == 3 else mentees))
    return out


def _monitoring(data: ProgramData, today: dt.date | None, attention: Sequence[dict[str, Any]] = ()) -> list[str]:
    work = work_of(data)
    if work is None:
        return ["Журналы работы пар не представлены: мониторинг встреч не проводился."]
    pairs = result_pairs(data)
    meetings = [m for p in pairs for m in (work.get(p.pair_id, PairWork()).meetings)]
    lines = [f"Проведено встреч: {len(meetings)} в {sum(1 for p in pairs if work.get(p.pair_id, PairWork()).meetings)}"
             f" из {len(pairs)} пар и групп."]
    if meetings:
        lines.append(f"Средняя оценка встреч: наставниками — {_score(_mean([m.get('mentor_score') for m in meetings]))}, "
                     f"наставляемыми — {_score(_mean([m.get('mentee_score') for m in meetings]))} из 5.")
    as_of = as_of_date(data, today)
    regs = [r for p in pairs if (r := regularity(data, p, work.get(p.pair_id), as_of)) is not None]
    if regs:
        low = [p.pair_id for p in pairs if (r := regularity(data, p, work.get(p.pair_id), as_of)) is not None and r < 0.5]
        lines.append(f"Регулярность встреч в среднем — {round(100 * sum(regs) / len(regs))} % от обещанной частоты"
                     + (f"; реже половины обещанного встречаются: {', '.join(low)}." if low else "."))
    goals = [g for p in pairs for g in work.get(p.pair_id, PairWork()).goals]
    if goals:
        reached = sum(1 for g in goals if g.get("status") == GOAL_REACHED)
        lines.append(f"Целей поставлено: {len(goals)}, достигнуто: {reached}.")
    sprints = [s for p in pairs for s in work.get(p.pair_id, PairWork()).sprints]
    overdue = [s for s in sprints if isinstance(s.get("end"), dt.date) and s["end"] < as_of
               and s.get("status") not in ("Завершён", "Отменён")]
    if sprints:
        lines.append(f"Спринтов: {len(sprints)}, просрочено и не закрыто: {len(overdue)}.")
    never = [p.pair_id for p in pairs if not work.get(p.pair_id, PairWork()).meetings]
    if never:
        lines.append(f"Пары и группы без единой встречи в журнале: {', '.join(never)}.")
    for item in attention:
        reasons = "; ".join(str(r).rstrip(".") for r in item.get("reasons", []))
        lines.append(f"Внимание куратора (на {format_date(as_of)}): {item.get('pair')} — {reasons}.")
    return [_percent(line) for line in lines]


def _award_text(a: Award, profile_points: str | None) -> str:
    parts = []
    for x in a.awards:
        if profile_points and x == profile_points and a.points is not None:
            parts.append(f"{x.lower()}: {a.points}")
        else:
            parts.append(x.lower())
    text = ", ".join(parts)
    return text[:1].upper() + text[1:] if text else "—"


def _participants_context(data: ProgramData, status: ProgramStatus, pairs: Sequence[Pair]) -> dict[str, Any]:
    """Who takes part, counted by role the same way everywhere: the registry's mentors and mentees, the stages
    they have reached (mentors and mentees apart), the pairs and the mentees left without one."""
    mentees = status.counts["mentees"]
    in_pairs = sum(len(p.mentees) for p in pairs)
    alone = sum(1 for p in status.participants if p.role == "mentee" and not p.pair)
    not_ready = [p for p in status.participants if not p.ready]
    return {
        "наставников": status.counts["mentors"], "наставляемых": mentees,
        "пар": len(pairs), "наставляемых_в_парах": in_pairs,
        "этапы": [{"этап": label, "наставников": str(mentors), "наставляемых": "—" if who is None else str(who)}
                  for label, mentors, who in _stage_counts(data, status)],
        "не_готовы": " ".join(x for x in (
            "Наставник или наставляемый учтён на этапе, до которого он дошёл; обучение проходят только наставники.",
            f"Наставляемых без пары: {alone}." if "pairs" in data.books else "",
            ("Не готовы к формированию пар: " + ", ".join(
                f"{label} — {n}" for label, n in (("наставников", sum(p.role == "mentor" for p in not_ready)),
                                                   ("наставляемых", sum(p.role == "mentee" for p in not_ready))) if n)
             + ".") if not_ready else "") if x),
    }


def _ranking_context(data: ProgramData, awards: Sequence[Award]) -> dict[str, Any]:
    """The ranking of mentors as a table (no chart repeating it) and how it was made, in the school's words."""
    method = method_of(data.program.profile)
    ranked = [a for a in awards if a.total is not None and a.place not in ("", "—")]
    return {
        "метод": _percent("Рейтинг наставников составлен по обратной связи куратора и наставляемых и по журналам "
                          f"встреч; вес каждого показателя в итоговом балле: {method.weights_text()}."),
        "рейтинг": [{"место": a.place, "наставник": a.name, "балл": _s(a.total),
                     "поощрение": _award_text(a, method.points_award)} for a in ranked[:10]],
    }


def _proposals(data: ProgramData, awards: Sequence[Award]) -> list[str]:
    """The decisions proposed to the pedagogical council. The school's own awards (certificates, points) are
    the director's to give: the council recommends them; a letter of thanks is given by another organisation
    (the district administration in the seed's example): the council petitions for it."""
    profile = data.program.profile
    points = method_of(profile).points_award
    s = data.settings()
    own: dict[str, list[str]] = {}
    letters: dict[str, list[str]] = {}
    for a in awards:
        for x in a.awards:
            who = _initials(a.name) + (f" ({a.points})" if x == points and a.points is not None else "")
            (letters if award_kind(profile, x) == "letter" else own).setdefault(x, []).append(who)
    out = []
    if own:
        out.append("Рекомендовать директору поощрить наставников по итогам рейтинга: "
                   + "; ".join(f"{lower_first(x)} — {', '.join(names)}" for x, names in own.items()) + ".")
    signer = clean_text(s.get("signer_position"))
    for x, names in letters.items():
        whose = f" {decline_position(lower_first(signer), 'родительный')}" if signer else ""
        out.append(f"Ходатайствовать о награждении наставников ({lower_first(x)}{whose}): {', '.join(names)}.")
    if not out:
        out.append("Определить поощрение наставников после подведения итогов рейтинга.")
    out.append("Направить лучшие практики на конкурсы наставнических практик и разместить их на сайте школы.")
    out.append(f"Продолжить программу наставничества в {next_year(clean_text(s.get('academic_year')))} учебном году.")
    return [f"{n}. {text}" for n, text in enumerate(out, start=1)]


def _survey_context(data: ProgramData, as_of: dt.date) -> dict[str, Any]:
    """The two stages of the target model's monitoring (book «07_Мониторинг»), as the analytical report shows
    them: the questionnaires' means and the indicators on entry and on exit."""
    from toolkit.documents.monitoring import monitoring_context

    found = monitoring_context(data, as_of=as_of)
    return {key: found[key] for key in ("анкеты", "анкеты_итог", "рост", "рост_итог")}


def program_report(data: ProgramData, date: dt.date, today: dt.date | None) -> list[_Doc]:
    from toolkit.logic.readiness import compute_status

    s = data.settings()
    status = compute_status(data, as_of_date(data, today))
    awards = chosen_awards(data)
    pairs = result_pairs(data) if "pairs" in data.books else []
    practices = [_practice_context(data, v, date) for v in _practices(data)]
    start, end = s.get("program_start"), s.get("program_end")
    context = {
        **common_context(data, date),
        "сроки": _term(start if isinstance(start, dt.date) else None, end if isinstance(end, dt.date) else None),
        **_participants_context(data, status, pairs),
        "мониторинг": _monitoring(data, today, getattr(status, "attention", [])),
        **_survey_context(data, as_of_date(data, today)),
        **_ranking_context(data, awards),
        "практики": [{"название": p["название"], "авторы": p["авторы"], "уровень": p["уровень"] or "—",
                      "конкурс": p["конкурс"] or "—"} for p in practices],
        "предложения": _proposals(data, awards),
    }
    return [_Doc(KINDS["report"].prefix, context)]


# --------------------------------------------------------------------------- best practices, site, invitations


def _practices(data: ProgramData) -> list[dict[str, Any]]:
    return [r.values for r in data.rows(BOOK, "practices") if r.values.get("title")]


def _authors(data: ProgramData, v: dict[str, Any], public: bool) -> str:
    if clean_text(v.get("authors")):
        return clean_text(v.get("authors"))
    mentor = v.get("mentor_id")
    if not mentor or (public and data.program.profile.minors):
        return ""  # the names of minors are not put on a public page unless the curator types them
    pair = next((p for p in result_pairs(data) if p.mentor == mentor), None) if "pairs" in data.books else None
    names = [name_of(data, mentor)] + ([name_of(data, m) for m in pair.mentees] if pair else [])
    return ", ".join(names)


def in_quotes(title: str) -> str:
    """«Название» in guillemets, unless it already has them (nested «…«…»…» reads badly)."""
    return title if not title or "«" in title or "»" in title else f"«{title}»"


def _practice_context(data: ProgramData, v: dict[str, Any], date: dt.date, public: bool = False) -> dict[str, Any]:
    from toolkit.documents import practice

    pair = practice.practice_pair(data, v.get("mentor_id"))
    return {
        "название": _s(v.get("title")), "название_в_кавычках": in_quotes(_s(v.get("title"))),
        "авторы": _authors(data, v, public),
        "уровень": _s(v.get("level")), "конкурс": _s(v.get("competition")),
        "проблема": _s(v.get("problem")), "описание": _s(v.get("description")),
        "результаты": _s(v.get("results")), "тиражирование": _s(v.get("replication")),
        # a competition entry: the goals (typed, else the pair's own), who took part (not on a public page:
        # the names), the figures of the pair's work up to the date, the resources it needs
        "цель": _s(v.get("goal")) or (practice.goals_text(data, pair) if pair else ""),
        "участники": practice.participants_text(data, pair) if pair and not public else "",
        "цифры": practice.figures_text(data, pair, date) if pair else "",
        "ресурсы": _s(v.get("resources")),
    }


def practice_docs(data: ProgramData, date: dt.date) -> list[_Doc]:
    practices = _practices(data)
    if not practices:
        raise NastavnikError("На листе «Лучшие практики» книги «06_Итоги» нет ни одной практики: описывать нечего.")
    docs = []
    for v in practices:
        context = {**common_context(data, date), **_practice_context(data, v, date)}
        for key in ("проблема", "описание", "результаты", "тиражирование", "цель", "ресурсы"):
            context[key] = context[key] or "—"
        context["авторы"] = context["авторы"] or "—"
        context["участники"] = context["участники"] or context["авторы"]
        docs.append(_Doc(_s(v.get("title")), context))
    return docs


def site_context(data: ProgramData, date: dt.date) -> dict[str, Any]:
    practices = _practices(data)
    flagged = [v for v in practices if v.get("publish") is True]
    decided = any(isinstance(v.get("publish"), bool) for v in practices)
    chosen = flagged if decided else practices
    if not chosen:
        raise NastavnikError("Нет практик для сайта: на листе «Лучшие практики» книги «06_Итоги» отметьте «да» в "
                             "столбце «Разместить на сайте школы».")
    method = method_of(data.program.profile)
    mentors = []
    if data.program.profile.kind == "teacher":  # adults; the names of student mentors stay off the public page
        # the awards, not the points a teacher earned (pay and points stay inside the school)
        public = [(a, [x for x in a.awards if x != method.points_award]) for a in chosen_awards(data)]
        mentors = [{"наставник": a.name, "поощрение": ", ".join(x.lower() for x in kept).capitalize()}
                   for a, kept in public if kept]
    return {**common_context(data, date), "практики": [_practice_context(data, v, date, public=True) for v in chosen],
            "наставники": mentors}


def render_site(data: ProgramData, date: dt.date) -> str:
    from toolkit.documents.sandbox import make_env

    source = template_path(KINDS["site"].template).read_text(encoding="utf-8")
    env = make_env()
    env.trim_blocks = env.lstrip_blocks = True  # no blank lines where {% … %} stood
    return env.from_string(source).render(site_context(data, date))


_LEGAL_FORM = re.compile(r"\b(ООО|ОАО|ЗАО|ПАО|АО|АНО|НКО|МАОУ|МБОУ|МКОУ|ГБОУ|КГБ ПОУ|ФГБОУ ВО|ИП) (?=«)")


def _unbroken(text: str) -> str:
    """«ООО «ДальТехСервис»» never broken at the end of a line: a non-breaking space after the legal form."""
    return _LEGAL_FORM.sub("\\1\u00a0", text)


def invitation_date(date: dt.date, reply_by: object) -> dt.date:
    """An invitation is sent before its reply deadline: the document date, or two weeks before the deadline
    when the document date is not before it."""
    if isinstance(reply_by, dt.date) and date >= reply_by:
        return reply_by - dt.timedelta(days=14)
    return date


def invitations(data: ProgramData, date: dt.date) -> list[_Doc]:
    partners = [r.values for r in data.rows(BOOK, "partners") if r.values.get("person")]
    if not partners:
        raise NastavnikError("На листе «Партнёры» книги «06_Итоги» нет ни одного партнёра: приглашать некого.")
    event = _event(data)
    sent = invitation_date(date, event.get("reply_by"))
    docs = []
    for v in partners:
        context = {
            **common_context(data, sent),
            "ФИО": clean_text(v.get("person")), "Пол": clean_text(v.get("gender")),
            "Кому": _unbroken(_s(v.get("addressee"))), "Организация": _unbroken(_s(v.get("organization"))),
            "исходящий": "________",  # the outgoing number: the school's registry gives it when the letter is sent
            "мероприятие": _s(event.get("title")) or "итоговое мероприятие программы наставничества",
            "дата": event.get("date") if isinstance(event.get("date"), dt.date) else "",
            "время": _s(event.get("time")), "место": _s(event.get("place")), "программа": _s(event.get("program")),
            "ответить_до": event.get("reply_by") if isinstance(event.get("reply_by"), dt.date) else "",
            "контакт": _s(event.get("contact")), "дата_письма": sent,
        }
        docs.append(_Doc(f"{_s(v.get('organization'))} {clean_text(v.get('person'))}".strip(), context))
    return docs


# --------------------------------------------------------------------------- the school's own paperwork


def _launch_builders() -> dict[str, Callable[[ProgramData, dict[str, Any], dt.date | None], list[tuple[str, dict[str, Any]]]]]:
    from toolkit.documents import agreements, closing, launch, personal, regulation

    return {"launch": launch.launch_order, "curator": launch.curator_order, "roadmap": launch.road_map,
            "consents": agreements.consents, "agreements": agreements.agreements, "pay": agreements.pay_order,
            "regulation": regulation.regulation, "program": regulation.program,
            "personal": personal.personal_programs, "closing": closing.closing_order, "petition": closing.petition}


LAUNCH_PACK = ("launch", "curator", "roadmap", "regulation", "program")  # signed before the program starts
PAPERWORK = ("launch", "curator", "roadmap", "consents", "agreements", "pay", "regulation", "program", "personal",
             "closing", "petition", "analysis")


def _paperwork(key: str, data: ProgramData, date: dt.date, options: DocsOptions) -> Callable[[], list[_Doc]]:
    """A builder of the school's paperwork: orders are dated by --date only (otherwise a blank line to fill
    by hand when signed), the other documents by the document date."""

    def build() -> list[_Doc]:
        kind = KINDS[key]
        when = options.date if kind.early else date
        base = common_context(data, date)
        if key == "analysis":  # the figures of the program report, so that the two never disagree
            from toolkit.documents.closing import analysis
            from toolkit.logic.readiness import compute_status

            as_of = as_of_date(data, options.today)
            status = compute_status(data, as_of)
            base["мониторинг"] = _monitoring(data, options.today, getattr(status, "attention", []))
            base["по_этапам"] = [{"этап": label, "число": f"наставников {mentors}"
                                  + (f", наставляемых {mentees}" if mentees is not None else "")}
                                 for label, mentors, mentees in _stage_counts(data, status)]
            made = analysis(data, base, when, options.today or dt.date.today())
        else:
            made = _launch_builders()[key](data, base, when)
        return [_Doc(stem, context) for stem, context in made]

    return build


# --------------------------------------------------------------------------- writing


def _target_dir(program: Program, options: DocsOptions) -> Path:
    out = options.out or program.root / DOCS_FOLDER
    if out.exists() and not out.is_dir():
        raise NastavnikError(f"«{out}» — это файл, а не папка. Укажите в --out папку для документов.")
    for above in out.parents:
        if above.exists():
            if not above.is_dir():
                ensure_output_folder(out)  # the message names the file in the way
            break
    return out


def _tick(progress: Progress | None, stage: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(stage, done, total)


def _write_bytes(program: Program, target: Path, data: bytes, outcome: DocsOutcome) -> None:
    ensure_output(target)
    written, saved = files.replace_if_changed(target, data, program.root)
    outcome.backups += 1 if saved else 0
    outcome.unchanged += 0 if written else 1


def _render_docx(program: Program, kind: Kind, docs: list[_Doc], out_dir: Path, single: bool,
                 outcome: DocsOutcome, progress: Progress | None) -> None:
    import io

    from toolkit.base.files import inside, safe_filename
    from toolkit.documents.context import row_context
    from toolkit.documents.prepared import prepare

    rendered: list[tuple[Path, bytes]] = []
    used: set[str] = set()
    if kind.key == "progress":  # chart images: docxtpl's standard render (see the module's docstring)
        blobs = _render_with_images(kind, docs, progress)
        if single and len(docs) > 1:
            name = safe_filename(f"{kind.title} (для печати)", used)
            rendered.append((inside(out_dir, name + ".docx"), _join_documents(blobs)))
        else:
            for doc, blob in zip(docs, blobs, strict=True):
                stem = f"{kind.prefix} — {doc.stem}"
                rendered.append((inside(out_dir, safe_filename(stem, used) + ".docx"), blob))
    elif single and len(docs) > 1:
        prepared = prepare(template_path(kind.template_for(program.profile.kind)))
        _tick(progress, "Заполнение", 0, len(docs))
        buffer = io.BytesIO()
        prepared.write(buffer, prepared.render_single([d.context for d in docs]))
        name = safe_filename(f"{kind.title} (для печати)", used)
        rendered.append((inside(out_dir, name + ".docx"), buffer.getvalue()))
        _tick(progress, "Заполнение", len(docs), len(docs))
    else:
        prepared = prepare(template_path(kind.template_for(program.profile.kind)))
        for n, doc in enumerate(docs, start=1):
            buffer = io.BytesIO()
            prepared.write(buffer, prepared.render_parts(row_context(doc.context), None))
            stem = kind.prefix if len(docs) == 1 and (kind.key == "report" or kind.one) else f"{kind.prefix} — {doc.stem}"
            rendered.append((inside(out_dir, safe_filename(stem, used) + ".docx"), buffer.getvalue()))
            _tick(progress, "Заполнение", n, len(docs))
    for target, _ in rendered:  # a document open in Word stops the run before the first file is written
        files.ensure_not_locked(target)
        ensure_output(target)
    ensure_output_folder(out_dir)
    for n, (target, data) in enumerate(rendered, start=1):
        _write_bytes(program, target, data, outcome)
        outcome.documents.append(target)
        _tick(progress, "Запись", n, len(rendered))


def _render_with_images(kind: Kind, docs: list[_Doc], progress: Progress | None) -> list[bytes]:
    """Render on the prepared template (compiled once, sandboxed and autoescaped, as every other kind); a
    competency chart's PNG bytes become an inline picture 16 cm wide (the text width of an A4 page): the
    drawing is put in the text as docxtpl's ``InlineImage`` puts it, the picture is added to the package
    with its relationship."""
    import io

    from docx.image.image import Image
    from docx.oxml.shape import CT_Inline
    from docx.shared import Mm
    from markupsafe import Markup

    from toolkit.documents.context import row_context
    from toolkit.documents.prepared import prepare

    prepared = prepare(template_path(kind.template))
    entries = {info.filename: data for info, data in prepared.entries}
    rels_name = "word/_rels/document.xml.rels"
    rels_xml, types_xml = entries[rels_name].decode("utf-8"), entries["[Content_Types].xml"].decode("utf-8")
    if 'Extension="png"' not in types_xml:
        types_xml = types_xml.replace("</Types>", '<Default Extension="png" ContentType="image/png"/></Types>')
    pictures: dict[bytes, tuple[Any, Any]] = {}  # the same chart twice in a document: one picture, one size
    out: list[bytes] = []
    _tick(progress, "Заполнение", 0, len(docs))
    for n, doc in enumerate(docs, start=1):
        context = row_context(doc.context)
        media: list[tuple[str, bytes]] = []
        rels: list[str] = []
        charts = []
        for k in doc.context.get("компетенции", []):
            png = k.get("диаграмма")
            if not png:
                charts.append({**k, "диаграмма": ""})
                continue
            if png not in pictures:
                if len(pictures) > 64:
                    pictures.clear()
                pictures[png] = Image.from_blob(png).scaled_dimensions(Mm(160), None)
            number = len(media) + 1
            rid, name = f"rIdNastavnikChart{number}", f"nastavnik-chart{number}.png"
            media.append((f"word/media/{name}", png))
            rels.append(f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        f'relationships/image" Target="media/{name}"/>')
            cx, cy = pictures[png]
            inline = CT_Inline.new_pic_inline(number, rid, name, cx, cy).xml
            charts.append({**k, "диаграмма": Markup(f'</w:t></w:r><w:r><w:drawing>{inline}</w:drawing></w:r><w:r>'
                                                    f'<w:t xml:space="preserve">')})
        context["компетенции"] = charts
        replaced = prepared.render_parts(context, None)
        if media:
            replaced[rels_name] = rels_xml.replace("</Relationships>", "".join(rels) + "</Relationships>").encode("utf-8")
            replaced["[Content_Types].xml"] = types_xml.encode("utf-8")
        buffer = io.BytesIO()
        prepared.write(buffer, replaced, media)
        out.append(buffer.getvalue())
        _tick(progress, "Заполнение", n, len(docs))
    return out


def _join_documents(blobs: Sequence[bytes]) -> bytes:
    """One printable document of rendered ones, each from a new page; their images are carried over."""
    import io

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    first = docx.Document(io.BytesIO(blobs[0]))
    body = first.element.body
    final_sect = body.find(qn("w:sectPr"))
    anchor = final_sect if final_sect is not None else None

    def add(element: Any) -> None:
        if anchor is not None:
            anchor.addprevious(element)
        else:
            body.append(element)

    for blob in blobs[1:]:
        other = docx.Document(io.BytesIO(blob))
        for blip in other.element.body.iter(qn("a:blip")):
            rid = blip.get(qn("r:embed"))
            if rid and rid in other.part.related_parts:
                new_rid, _ = first.part.get_or_add_image(io.BytesIO(other.part.related_parts[rid].blob))
                blip.set(qn("r:embed"), new_rid)
        add(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:br w:type="page"/></w:r></w:p>'))
        for child in list(other.element.body):
            if child.tag != qn("w:sectPr"):
                add(child)
    for number, pr in enumerate(body.iter(qn("wp:docPr")), start=1):
        pr.set("id", str(number))
    buffer = io.BytesIO()
    first.save(buffer)
    return buffer.getvalue()


@locks_program("nastavnik docs")
def make_documents(program: Program, options: DocsOptions, report: Report,
                   progress: Progress | None = None, data: ProgramData | None = None) -> DocsOutcome:
    """Make the documents of one kind for a program folder (see the module's docstring). ``data`` — the
    program already loaded (several kinds in a row read the workbooks once)."""
    from toolkit.documents.pdf import convert_to_pdf

    kind = options.kind
    outcome = DocsOutcome(kind)
    out_dir = _target_dir(program, options)
    if kind.key == "order":
        from toolkit.documents.order import ORDER_FILE, make_order

        order = make_order(program, report, date=options.date, out=out_dir / ORDER_FILE, pdf=options.pdf)
        outcome.documents.append(order.path)
        if order.pdf:
            outcome.pdfs.append(order.pdf)
        outcome.backups += 1 if order.backup else 0
        outcome.unchanged += 1 if order.unchanged else 0
        outcome.lines.append(f"Приказ: пар и групп {order.pairs}, наставляемых {order.mentees}.")
        _drop_stale_pdfs(outcome, options)
        return outcome
    if not kind.applies_to(program.profile):
        raise NastavnikError(f"«{kind.title}» — документы формы «Педагог – педагог»; у этой программы форма "
                             f"«{program.profile.name}».")
    if data is None:
        data = load_program(program, report)
    _need_books(data, kind, report)
    date = document_date(data, options)
    if kind.key == "site":
        from toolkit.base.files import safe_filename

        html = render_site(data, date)
        target = out_dir / (safe_filename(kind.prefix, set()) + ".html")
        ensure_output_folder(out_dir)
        _write_bytes(program, target, html.encode("utf-8"), outcome)
        outcome.documents.append(target)
        outcome.lines.append("Страница самодостаточна: стили внутри файла, без скриптов и внешних ссылок — "
                             "её можно загрузить на сайт школы как есть.")
        return outcome
    # reports tell the work of pairs as of the document's day: no later meeting, the monitoring of that day
    as_of = options.today or date
    builders: dict[str, Callable[[], list[_Doc]]] = {
        "letters": lambda: letters(data, date),
        "certificates": lambda: certificates(data, date),
        "progress": lambda: progress_reports(data_as_of(data, as_of), date, as_of),
        "report": lambda: program_report(data_as_of(data, as_of), date, as_of),
        "practice": lambda: practice_docs(data, date),
        "invitations": lambda: invitations(data, date),
        **{key: _paperwork(key, data, date, options) for key in PAPERWORK},
    }
    docs = builders[kind.key]()
    if kind.key in ("agreements", "pay"):
        from toolkit.documents.agreements import missing_lines

        outcome.lines += missing_lines(data, pay=kind.key == "pay")
    _render_docx(program, kind, docs, out_dir, options.single, outcome, progress)
    outcome.lines.append(f"{kind.title}: документов {len(docs)}"
                         + (" в одном файле для печати" if options.single and len(docs) > 1 else "") + ".")
    if options.pdf:
        _tick(progress, "PDF (LibreOffice)", 0, len(outcome.documents))
        outcome.pdfs = convert_to_pdf(outcome.documents, out_dir)
        _tick(progress, "PDF (LibreOffice)", len(outcome.pdfs), len(outcome.documents))
    _drop_stale_pdfs(outcome, options)
    return outcome


def _drop_stale_pdfs(outcome: DocsOutcome, options: DocsOptions) -> None:
    """Without --pdf, a PDF beside a document written anew is older than it and says something else (0 % beside
    67 %): it is removed, and the line says so. A PDF of a document left unchanged stays."""
    if options.pdf:
        return
    removed = 0
    for document in outcome.documents:
        pdf = document.with_suffix(".pdf")
        try:
            if pdf.is_file() and pdf.stat().st_mtime < document.stat().st_mtime:
                pdf.unlink()
                removed += 1
        except OSError:
            continue
    if removed:
        outcome.lines.append(f"Удалены устаревшие PDF рядом с изменёнными документами: {removed} "
                             "(новые PDF — с --pdf).")


def _need_books(data: ProgramData, kind: Kind, report: Report) -> None:
    if "settings" not in data.books:
        raise NastavnikError("Книга «00_Настройки» не прочитана: без неё документы не сделать "
                             "(«nastavnik check ПАПКА» покажет, что с ней).")
    needs_results = kind.key in ("letters", "certificates", "practice", "site", "invitations")
    found = data.program.find_files(results_spec(data.program.profile)) if needs_results else []
    if found and BOOK not in data.books:  # in the folder but unreadable: say why, «results» would refuse it too
        from toolkit.base.messages import FATAL_CODES, render

        problem = next((p for p in report if p.file == found[0].name and p.code in FATAL_CODES), None)
        raise NastavnikError(render("book-unreadable", book=found[0].name, detail=problem.message if problem else "",
                                    consequence="Документы не сделаны: исправьте книгу или восстановите её из "
                                                "резервной копии."))
    if needs_results and BOOK not in data.books:
        raise NastavnikError("Книга «06_Итоги» не прочитана: создайте её командой «nastavnik results ПАПКА» "
                             "(«nastavnik check ПАПКА» покажет, что с ней).")
    if kind.key == "progress" and "pairs" not in data.books:
        raise NastavnikError("Книга «04_Пары» не прочитана: сначала сформируйте пары командой «nastavnik match».")
