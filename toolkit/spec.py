"""Declarative specs: workbooks (``workbook_templates/*.yaml``) and forms of mentorship
(``workbook_templates/forms/*.yaml``).

A spec is validated on load; a mistake names its path inside the spec (``sheets[1].columns[3].type``).
The same resolved spec drives writing, reading, validating and the fields visible to documents.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from toolkit.base.problems import NastavnikError

ColumnType = Literal[
    "text", "longtext", "int", "number", "date", "bool", "choice", "multichoice", "id", "ref",
    "class", "contact", "likert",
]
FORM_KEYS = ("student", "teacher")  # the two seed forms: every other form follows one of them (``base``)
FormKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    key: str
    header: str
    type: ColumnType = "text"
    required: bool = False
    choices: list[str] | str | None = None  # a list, or "@name" for a list of the form's profile
    hint: str = ""
    width: float = 16
    min: float | None = None
    max: float | None = None
    number_list: bool = False  # an «int» column with a short range: a dropdown of its numbers (a 1–10 scale)
    max_length: int = 4000
    forms: list[FormKey] | None = None  # forms (or tags of forms) it belongs to; None — every form
    role: Literal["mentor", "mentee", "any"] | None = None  # for type "ref": whose ID
    aliases: list[str] = Field(default_factory=list)  # other headers that mean this column
    question: str | None = None  # the question text for Yandex / Google forms
    locked: bool = False
    repeat: Literal["test_items", "training_meetings"] | None = None
    person: bool = False  # part of the identity of a person (duplicates)
    name_part: Literal["last", "first", "middle"] | None = None
    default: str | int | float | None = None  # for settings fields
    optional: bool = False  # added in a later version: a book written before, without it, reads as if empty
    label: str = ""  # how messages name the column when its header alone says nothing (a test item «11»)
    # A dropdown of values known only when the book is written (``BOOK_LISTS`` of the writer's data): «members» —
    # the names of the pair's or group's members. It offers, it does not refuse: a code typed is still taken.
    dropdown: Literal["members"] | None = None

    @property
    def named(self) -> str:
        """The column as messages name it: its label, else its header."""
        return self.label or self.header

    @model_validator(mode="after")
    def _check(self) -> Column:
        if self.type in ("choice", "multichoice") and not self.choices:
            raise ValueError(f"у столбца типа {self.type} нужен список choices")
        if self.type == "ref" and self.role is None:
            raise ValueError("у столбца типа ref нужна роль role")
        if self.number_list and (self.type != "int" or self.min is None or self.max is None
                                 or not 0 < self.max - self.min <= 20):
            raise ValueError("список чисел (number_list) — только у столбца int с min и max (до 20 значений)")
        return self


class Sheet(_Strict):
    key: str
    name: str
    kind: Literal["table", "form", "reference"] = "table"
    description: str = ""
    forms: list[FormKey] | None = None  # forms (or tags of forms) it belongs to; None — every form
    role: Literal["mentor", "mentee"] | None = None  # a registry sheet of participants
    id_prefix: str | None = None
    rows: int = 200  # rows prepared for input (IDs pre-filled)
    prefill: Literal["training_plan", "test_items", "road_map"] | None = None
    optional: bool = False  # a sheet added later: a book written before it is read without it, no error
    freeze_columns: int = 0
    unique: list[list[str]] = Field(default_factory=list)  # keys whose combination is unique
    columns: list[Column]
    landscape: bool = True

    @model_validator(mode="after")
    def _check(self) -> Sheet:
        keys = [c.key for c in self.columns]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"ключи столбцов повторяются: {', '.join(sorted(dup))}")
        for group in self.unique:
            for key in group:
                if key not in keys:
                    raise ValueError(f"unique ссылается на неизвестный столбец «{key}»")
        return self


class WorkbookSpec(_Strict):
    key: str
    file: str  # file name without extension
    title: str
    stage: int
    forms: list[FormKey] | None = None  # forms (or tags of forms) it belongs to; None — every form
    instructions: dict[FormKey, str] = Field(default_factory=dict)  # "all", a form or a tag of forms
    sheets: list[Sheet]


class Dimension(_Strict):
    key: str
    name: str
    items: list[tuple[str, bool]]  # (statement, reverse-scored)

    @model_validator(mode="after")
    def _check(self) -> Dimension:
        if not 5 <= len(self.items) <= 8:
            raise ValueError("в измерении теста должно быть от 5 до 8 утверждений")
        if not any(rev for _, rev in self.items):
            raise ValueError("в измерении нужно хотя бы одно обратное утверждение")
        return self


class Testing(_Strict):
    scale_min: int = 1
    scale_max: int = 5
    scale_labels: list[str]
    gap_threshold: float
    focus_count: int = 2
    dimensions: list[Dimension]


class TrainingMeeting(_Strict):
    topic: str
    format: str = ""


class Training(_Strict):
    meetings: int
    threshold: int
    plan: list[TrainingMeeting]

    @model_validator(mode="after")
    def _check(self) -> Training:
        if len(self.plan) != self.meetings:
            raise ValueError(f"в плане {len(self.plan)} встреч, а meetings = {self.meetings}")
        if not 1 <= self.threshold <= self.meetings:
            raise ValueError("threshold должен быть от 1 до числа встреч")
        return self


class Horizon(_Strict):
    key: str
    name: str
    min_months: int
    max_months: int


class RoadMapRow(_Strict):
    """A row of the program's road map: the stage (0 — the launch, 8 — the closing), what is done, who
    answers for it, the document it ends with; ``start``/``end`` — its term as «start+14», «end-30», «end»
    (days from the program's start or end), filled in when the road map's own dates are empty."""

    stage: int
    event: str
    responsible: str
    result: str
    start: str
    end: str


class Stage(_Strict):
    number: int
    name: str
    description: str


class Profile(_Strict):
    form: FormKey
    # The seed form this one follows where the stages are built the same way: «student» — a motivational
    # meeting with invited pupils and the mentor test; «teacher» — a meeting with candidates chosen by the
    # school, no test, a personal meeting before a pair is fixed.
    base: Literal["student", "teacher"] | None = None
    # Tags a workbook spec's ``forms:`` may name besides the form's own key: a new form borrows the sheets
    # and columns of the tags it carries (a sixth form that is «like teacher» lists «teacher»).
    tags: list[FormKey] = Field(default_factory=list)
    name: str
    folder: str
    aliases: list[str]
    roles: dict[Literal["mentor", "mentee"], str]
    roles_plural: dict[Literal["mentor", "mentee"], str]
    minors: bool
    # Roles filled by pupils of the school: they count towards the coverage of pupils by mentorship (the
    # municipality's roll-up); a teacher, a student of a college or an employee does not.
    school_pupils: list[Literal["mentor", "mentee"]] = Field(default_factory=list)
    class_range: tuple[int, int] = (1, 11)
    stages: list[Stage]
    workbooks: list[str]
    lists: dict[str, list[str]]
    frequency_days: dict[str, int] = Field(default_factory=dict)
    testing: Testing | None = None
    training: Training
    competencies: dict[str, list[str]]
    sprint_horizons: list[Horizon]
    pairing: dict[str, Any] = Field(default_factory=dict)
    awards: list[str]
    ranking: dict[str, Any] = Field(default_factory=dict)  # the method of ranking mentors: toolkit.logic.ranking
    road_map: list[RoadMapRow] = Field(default_factory=list)  # the rows the road map starts from

    @model_validator(mode="after")
    def _base(self) -> Profile:
        if self.base is None:
            if self.form not in FORM_KEYS:
                raise ValueError(f"у формы {self.form} нужно указать base: student или teacher")
            object.__setattr__(self, "base", self.form)
        return self

    @property
    def kind(self) -> str:
        """«student» or «teacher»: the seed form whose stages this one follows."""
        return self.base or self.form

    def applies(self, forms: Sequence[str] | None) -> bool:
        return forms is None or self.form in forms or any(t in forms for t in self.tags)

    def role_name(self, role: str) -> str:
        return self.roles[role]  # type: ignore[index]


# --------------------------------------------------------------------------- loading


def _package_dir() -> Path:
    return Path(str(resources.files("workbook_templates")))


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:  # libyaml's parser when installed: the same objects, 10× faster
            return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise NastavnikError(f"Шаблон {path.name}: ошибка синтаксиса YAML: {exc}") from exc


def _format_validation(path: Path, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ""
        for part in err["loc"]:
            if isinstance(part, int):
                where += f"[{part}]"
            else:
                where += ("." if where else "") + str(part)
        lines.append(f"{where or '(корень)'}: {err['msg']}")
    return f"Шаблон {path.name} содержит ошибки: " + "; ".join(lines)


def load_workbook_spec_file(path: Path) -> WorkbookSpec:
    data = _load_yaml(path)
    try:
        return WorkbookSpec.model_validate(data)
    except ValidationError as exc:
        raise NastavnikError(_format_validation(path, exc)) from exc


def load_profile_file(path: Path) -> Profile:
    data = _load_yaml(path)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise NastavnikError(_format_validation(path, exc)) from exc


FORMS_ENV = "NASTAVNIK_FORMS"  # more folders of form profiles (os.pathsep-separated): a region's own forms


def profile_dirs() -> list[Path]:
    import os

    extra = [Path(p) for p in os.environ.get(FORMS_ENV, "").split(os.pathsep) if p.strip()]
    return [_package_dir() / "forms", *extra]


@functools.cache
def _profiles(dirs: tuple[Path, ...]) -> dict[str, Profile]:
    out: dict[str, Profile] = {}
    for folder in dirs:
        seeds_first = sorted(folder.glob("*.yaml"),
                             key=lambda p: (FORM_KEYS.index(p.stem) if p.stem in FORM_KEYS else len(FORM_KEYS), p.stem))
        for path in seeds_first:
            profile = load_profile_file(path)
            if profile.form in out:
                raise NastavnikError(f"Профиль {path.name}: форма «{profile.form}» уже описана в другом профиле.")
            out[profile.form] = profile
    for form, profile in out.items():  # a form without road map rows starts from those of its seed form
        if not profile.road_map and profile.kind != form and profile.kind in out:
            out[form] = profile.model_copy(update={"road_map": list(out[profile.kind].road_map)})
    return out


def profiles() -> dict[str, Profile]:
    """Every form: the shipped profiles and those of the folders named in NASTAVNIK_FORMS."""
    return _profiles(tuple(profile_dirs()))


@functools.cache
def workbook_specs() -> dict[str, WorkbookSpec]:
    out = {}
    for path in sorted(_package_dir().glob("*.yaml")):
        spec = load_workbook_spec_file(path)
        out[spec.key] = spec
    return out


def find_profile(name: str) -> Profile:
    """A form by its Russian or Latin name: «ученик-ученик», «student-student», «педагог-педагог» …"""
    from toolkit.base.values import fold

    wanted = fold(name)
    for profile in profiles().values():
        if wanted in {fold(a) for a in [profile.form, profile.folder, profile.name, *profile.aliases]}:
            return profile
    known = ", ".join(p.folder for p in profiles().values())
    raise NastavnikError(f"Неизвестная форма наставничества «{name}». Возможные: {known}.")


# --------------------------------------------------------------------------- resolution




def derived_lists(profile: Profile) -> dict[str, list[str]]:
    """Lists a spec can name with «@…» besides ``profile.lists``: the awards and every competency."""
    return {"awards": list(profile.awards),
            "competencies": [c for group in profile.competencies.values() for c in group]}


def _item_label(n: int, text: str) -> str:
    """«11 (Я готов тратить время на другого человека…)»: a test item by its number and words."""
    short = text if len(text) <= 60 else text[:60].rsplit(" ", 1)[0] + "…"
    return f"{n} ({short})"


def resolve_column(column: Column, profile: Profile) -> list[Column]:
    """Concrete columns for a form: profile lists substituted, repeated columns expanded."""
    updates: dict[str, Any] = {}
    if isinstance(column.choices, str):
        name = column.choices.lstrip("@")
        lists = {**derived_lists(profile), **profile.lists}
        if name not in lists:
            raise NastavnikError(
                f"Шаблон столбца «{column.header}» ссылается на список «{name}», которого нет в профиле "
                f"формы {profile.folder}."
            )
        updates["choices"] = list(lists[name])
    if column.type == "class":
        updates.setdefault("min", profile.class_range[0])
        updates.setdefault("max", profile.class_range[1])
    if column.type == "likert" and profile.testing:
        updates["min"], updates["max"] = profile.testing.scale_min, profile.testing.scale_max
    column = column.model_copy(update=updates)
    if column.repeat == "test_items":
        assert profile.testing is not None
        out = []
        n = 0
        for dim in profile.testing.dimensions:
            for text, _reverse in dim.items:
                n += 1
                out.append(column.model_copy(update={
                    "key": f"{column.key}{n}", "header": column.header.format(n=n),
                    "hint": text[:250], "repeat": None, "label": _item_label(n, text),
                    "min": profile.testing.scale_min, "max": profile.testing.scale_max}))
        return out
    if column.repeat == "training_meetings":
        return [
            column.model_copy(update={
                "key": f"{column.key}{n}", "header": column.header.format(n=n),
                "hint": f"{column.hint} Тема: {m.topic}"[:250], "repeat": None})
            for n, m in enumerate(profile.training.plan, start=1)
        ]
    return [column]


def resolve(spec: WorkbookSpec, profile: Profile) -> WorkbookSpec:
    """The workbook as it is for one form of mentorship."""
    sheets = []
    for sheet in spec.sheets:
        if not profile.applies(sheet.forms):
            continue
        if sheet.kind == "form":
            sheet = sheet.model_copy(update={"rows": 0})
        columns: list[Column] = []
        for column in sheet.columns:
            if profile.applies(column.forms):
                columns.extend(resolve_column(column, profile))
        keys = {c.key for c in columns}
        unique = [g for g in sheet.unique if all(k in keys for k in g)]
        sheets.append(sheet.model_copy(update={"columns": columns, "unique": unique}))
    return spec.model_copy(update={"sheets": sheets})


def program_workbooks(profile: Profile) -> list[WorkbookSpec]:
    specs = workbook_specs()
    out = []
    for key in profile.workbooks:
        if key not in specs:
            raise NastavnikError(f"Профиль {profile.folder} ссылается на неизвестную книгу «{key}».")
        if profile.applies(specs[key].forms):
            out.append(resolve(specs[key], profile))
    return out


def instructions_text(spec: WorkbookSpec, profile: Profile) -> str:
    keys = ["all", *(k for k in spec.instructions if k != "all" and profile.applies([k]))]
    parts = [spec.instructions.get(k, "") for k in keys]
    return "\n\n".join(p.strip() for p in parts if p and p.strip())
