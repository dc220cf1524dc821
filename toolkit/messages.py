"""All Russian message templates shown to users, one per problem code.

Each problem kind has a stable code (used in JSON output and tests) and exactly one template.
Templates are formatted with ``str.format`` using the parameters given when the problem is raised.
"""

from __future__ import annotations

ERROR = "error"
WARNING = "warning"

# code -> (severity, template)
MESSAGES: dict[str, tuple[str, str]] = {
    # --- files ---
    "file-missing": (ERROR, "Файл не найден. Создайте его командой «nastavnik init» или верните на место."),
    "file-empty": (ERROR, "Файл пустой (0 байт). Откройте исходную книгу и сохраните её заново."),
    "file-unreadable": (
        ERROR,
        "Файл не удаётся прочитать как таблицу ({detail}). Сохраните его в формате .xlsx или .ods.",
    ),
    "file-format": (
        ERROR,
        "Формат «{suffix}» не поддерживается. Сохраните файл как .xlsx (Excel) или .ods (LibreOffice).",
    ),
    "file-too-large": (
        ERROR,
        "Файл слишком большой: {size} при пределе {limit}. Проверьте, тот ли это файл; "
        "большие книги разделите на части.",
    ),
    "file-locked": (
        ERROR,
        "Файл открыт в другой программе (найден файл блокировки «{lock}»). Закройте его и повторите команду.",
    ),
    "file-ambiguous": (
        ERROR,
        "Найдено несколько версий одной книги: {names}. Оставьте одну (остальные перенесите в другую папку).",
    ),
    "file-other-program": (
        ERROR,
        "Книга относится к другой программе наставничества (её код {found}, у этой папки {expected}). "
        "Проверьте, в ту ли папку положен файл.",
    ),
    "file-other-workbook": (
        ERROR,
        "Это не книга «{expected}», а «{found}». Переименуйте файл или положите нужную книгу.",
    ),
    "file-encrypted": (
        ERROR,
        "Файл защищён паролем. Снимите пароль (Файл → Сведения → Защита книги) и сохраните файл заново.",
    ),
    "file-bomb": (
        ERROR,
        "Файл распаковывается в {size} при пределе {limit}: так выглядит повреждённый или вредоносный архив. "
        "Сохраните книгу заново из офисной программы.",
    ),
    # --- sheets and columns ---
    "sheet-missing": (ERROR, "Нет листа «{sheet}». Верните лист (или восстановите книгу из резервной копии)."),
    "sheet-unknown": (WARNING, "Лист «{sheet}» не описан в шаблоне книги; его данные не читаются."),
    "column-missing": (
        ERROR,
        "Нет столбца «{header}». Верните заголовок столбца в строку {row} (порядок столбцов не важен).",
    ),
    "column-duplicate": (
        ERROR,
        "Столбец «{header}» встречается дважды (ещё в {other}). Удалите или переименуйте лишний столбец.",
    ),
    "param-missing": (
        ERROR,
        "Нет строки параметра «{header}». Верните её в столбец «Параметр» (или восстановите книгу из резервной копии).",
    ),
    "column-unknown": (
        WARNING,
        "Столбец «{header}» не описан в шаблоне; его значения сохраняются, но не проверяются.",
    ),
    "sheet-too-large": (
        ERROR,
        "Заполненная область листа доходит до ячейки {far} ({rows} строк × {cols} столбцов), а допускается не "
        "более {max_rows} строк и {max_cols} столбцов. Перейдите к ячейке {far} (Ctrl+End), удалите лишние "
        "строки и столбцы и сохраните файл.",
    ),
    "too-many-rows": (
        ERROR,
        "На листе {rows} строк, допускается не более {limit}. Удалите лишние строки или разделите книгу.",
    ),
    # --- values ---
    "required-missing": (ERROR, "Не заполнено обязательное поле «{field}». Заполните ячейку."),
    "bad-date": (
        ERROR,
        "«{value}» — не дата. Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2026.",
    ),
    "date-out-of-range": (
        ERROR,
        "Дата {value} вне допустимого диапазона {low} – {high}. Проверьте год.",
    ),
    "bad-number": (ERROR, "«{value}» — не число. Введите число{hint}."),
    "bad-integer": (ERROR, "«{value}» — не целое число. Введите целое число{hint}."),
    "number-out-of-range": (ERROR, "Значение {value} вне диапазона {low} – {high}. Исправьте значение."),
    "bad-choice": (
        ERROR,
        "«{value}» нет в списке допустимых значений. Выберите из списка: {allowed}.",
    ),
    "bad-bool": (ERROR, "«{value}» — ожидается «да» или «нет». Выберите из списка."),
    "bad-class": (
        ERROR,
        "«{value}» — не класс. Укажите номер класса {low}–{high} и, при необходимости, букву: 9Б.",
    ),
    "bad-email": (ERROR, "«{value}» — не похоже на адрес электронной почты. Пример: ivanova@school.ru."),
    "bad-phone": (ERROR, "«{value}» — не похоже на номер телефона. Пример: +7 914 123-45-67."),
    "formula-error": (
        ERROR,
        "В ячейке ошибка формулы «{value}». Введите значение вместо формулы.",
    ),
    "text-too-long": (
        ERROR,
        "Текст длиной {length} символов, допускается не более {limit}. Сократите текст.",
    ),
    "unknown-participant": (
        ERROR,
        "Участник с кодом «{value}» не найден в реестре заявок ({where}). "
        "Скопируйте код из книги «Заявки».",
    ),
    "wrong-role": (
        ERROR,
        "Код «{value}» принадлежит участнику с ролью «{found}», а здесь нужен «{expected}».",
    ),
    "duplicate-person": (
        ERROR,
        "{name} уже записан(а) в строке {other}. Удалите повторную строку или уточните данные.",
    ),
    "duplicate-id": (
        ERROR,
        "Код «{value}» повторяется (ещё в строке {other}). Коды участников должны быть уникальны.",
    ),
    "duplicate-entry": (
        ERROR,
        "Запись для «{value}» уже есть в строке {other}. Объедините строки.",
    ),
    "name-mismatch": (
        WARNING,
        "ФИО «{value}» не совпадает с реестром для кода {id}: там «{expected}». Проверьте код.",
    ),
    "consent-by-whom": (
        WARNING,
        "Для несовершеннолетнего (класс {klass}) согласие на обработку персональных данных даёт "
        "родитель или законный представитель. Укажите это в поле «{field}».",
    ),
    "likert-out-of-range": (
        ERROR,
        "Ответ «{value}» вне шкалы {low}–{high}. Введите целое число от {low} до {high}.",
    ),
    "meeting-out-of-plan": (
        ERROR,
        "Встречи № {value} нет в плане обучения (встреч по плану: {count}). Укажите номер от 1 до {count}.",
    ),
    "settings-dates": (
        ERROR,
        "Дата окончания программы ({end}) раньше даты начала ({start}). Исправьте даты.",
    ),
    "threshold-too-high": (
        ERROR,
        "Порог посещаемости обучения ({value}) больше числа встреч по плану ({count}). Уменьшите порог.",
    ),
    # --- import of Yandex / Google Forms exports ---
    "import-unmapped": (
        WARNING,
        "Столбец «{header}» не сопоставлен ни с одним полем реестра и не загружен. "
        "Переименуйте вопрос в форме как в файле «Вопросы для анкеты.txt».",
    ),
    "import-missing": (
        WARNING,
        "В выгрузке нет вопроса «{header}» (лист «{sheet}»): это поле останется пустым, заполните его в реестре.",
    ),
    "import-no-name": (
        ERROR,
        "Строка {row}: нет фамилии и имени — строка не загружена. Проверьте ответ в форме.",
    ),
    "import-role-unknown": (
        ERROR,
        "Строка {row}: непонятная роль «{value}» — строка не загружена. Ожидается «наставник» или «наставляемый».",
    ),
    "import-duplicate": (
        WARNING,
        "Строка {row}: {name} уже есть в реестре ({where}) — строка пропущена, дубль не создан.",
    ),
    "import-bad-value": (
        WARNING,
        "Строка {row}, поле «{field}»: {detail} Значение перенесено как есть — исправьте его в реестре.",
    ),
    "import-encoding": (
        ERROR,
        "Не удалось определить кодировку файла. Сохраните выгрузку в UTF-8 или Windows-1251.",
    ),
    # --- pairing ---
    "pair-no-consent": (
        ERROR,
        "Пара {pair} считается действующей, но нет согласия {who} ({value}). Без согласия обеих сторон пара "
        "не формируется: получите согласие или выберите статус «Расформирована».",
    ),
    "pair-no-meeting": (
        ERROR,
        "Пара {pair}: не указана дата личной встречи. Пара педагогов закрепляется после личной встречи и "
        "обсуждения обоюдных запросов и возможностей — впишите её дату.",
    ),
    "pair-id-missing": (
        WARNING,
        "Не указан код пары или группы. Впишите код (например П-001) или запустите «nastavnik match»: "
        "программа проставит его сама.",
    ),
    "pair-person-twice": (
        ERROR,
        "{role} {id} ({name}) уже состоит в другой действующей паре или группе {other} (строка {row}). "
        "Участник может быть только в одной паре или группе (у наставника с несколькими наставляемыми — один "
        "код группы): исправьте код или у лишней строки выберите статус «Расформирована».",
    ),
    "pair-id-mixed": (
        ERROR,
        "Код «{pair}» уже занят парой или группой наставника {mentor} (строка {row}). "
        "У каждой пары или группы свой код: исправьте код.",
    ),
    "pair-capacity": (
        ERROR,
        "У наставника {id} ({name}) больше наставляемых, чем он готов взять: не более {capacity} (по заявке). "
        "Расформируйте лишнюю пару или увеличьте число в заявке.",
    ),
    "pair-mentor-untrained": (
        ERROR,
        "Наставник {id} ({name}) ещё не готов к формированию пар: посещено встреч обучения {count} из {meetings}, "
        "нужно не менее {threshold}{more}. Пару можно закрепить после обучения.",
    ),
    "pair-not-ready": (
        ERROR,
        "{role} {id} ({name}) не готов(а) к формированию пары: {missing}. Сначала дополните заявку "
        "(«nastavnik status» покажет, чего не хватает).",
    ),
    "pair-no-common-day": (
        ERROR,
        "Пара {mentor} – {mentee} невозможна: {reason}. По правилам формы общий свободный день обязателен: "
        "подберите другую пару или уточните свободные дни в заявках.",
    ),
    "pair-not-older": (
        ERROR,
        "Пара {mentor} – {mentee} невозможна: {reason}. Наставник-ученик должен учиться в более старшем классе, "
        "чем наставляемый.",
    ),
    "pair-declined": (
        ERROR,
        "Пара {mentor} – {mentee} невозможна: {reason}. Такую пару программа не предлагает.",
    ),
    "pair-dates": (
        ERROR,
        "Плановая дата окончания ({end}) раньше даты начала ({start}). Исправьте даты.",
    ),
    "pair-proposal-kind": (
        WARNING,
        "Вид запроса наставляемого {id} — «{kind}»: предложение куратора не рекомендуется, если цели выходят "
        "за пределы задач ({allowed}). Лучше групповая встреча или дистанционное анкетирование.",
    ),
    "pair-not-fixed": (
        WARNING,
        "Обе стороны согласны ({mentor} – {mentee}), но пара ещё не закреплена на листе «Пары»: "
        "запустите «nastavnik match ПАПКА --scheme {scheme}».",
    ),
    "pair-wish-rank-duplicate": (
        WARNING,
        "У {id} место {rank} поставлено дважды (ещё в строке {other}). Места должны различаться; "
        "пока выше считается строка, что выше в таблице.",
    ),
    "pair-wish-not-met": (
        WARNING,
        "{mentor} и {mentee} не встречались по расписанию. Пожелание учитывается, но проверьте коды.",
    ),
    "pair-classes-bad": (
        ERROR,
        "«{value}» — непонятно, какие это классы. Укажите номера от {low} до {high}, например «5–7» или «5, 6».",
    ),
    # --- documents ---
    "doc-template-unreadable": (
        ERROR,
        "Шаблон не открывается как документ Word ({detail}). Сохраните его в Word как «Документ Word (.docx)».",
    ),
    "doc-template-syntax": (
        ERROR,
        "Ошибка в поле шаблона: {detail}. Проверьте парные скобки у полей рядом с текстом «{near}».",
    ),
    "doc-template-unsafe": (
        ERROR,
        "Шаблон пытается выполнить программный код ({detail}). Такой шаблон не обрабатывается: "
        "оставьте в полях только имена столбцов и фильтры, например ФИО|дательный.",
    ),
    "doc-filter-unknown": (
        ERROR,
        "В шаблоне неизвестный фильтр «{name}». Доступные фильтры: {known}.",
    ),
    "doc-field-missing": (
        ERROR,
        "В шаблоне есть поле «{name}», но в данных «{data}» нет такого столбца. "
        "Добавьте столбец или исправьте имя поля в шаблоне.",
    ),
    "doc-no-rows": (ERROR, "В данных «{data}» нет ни одной строки: документы делать не для кого."),
    "doc-name-empty": (
        ERROR,
        "Строка {row}: не заполнен столбец «{column}», по нему называется документ. Заполните ячейку.",
    ),
    "doc-name-duplicate": (
        WARNING,
        "Строка {row}: имя файла «{name}» уже есть (строка {first}); документ будет назван «{new}».",
    ),
    "doc-value-empty": (
        WARNING,
        "Строка {row}: поле «{name}» пустое — в документе на его месте будет пропуск.",
    ),
    "doc-gender-unknown": (
        WARNING,
        "Строка {row}: не удалось определить пол для «{value}» — в обращении будет «Уважаемый(ая)» "
        "или «Дорогой(ая)», а фамилия может остаться несклонённой. Заполните столбец «Пол» (м или ж).",
    ),
    "doc-gender-bad": (
        WARNING,
        "Строка {row}: в столбце «Пол» значение «{value}» не распознано. Укажите «м» или «ж».",
    ),
    "doc-undefined": (
        ERROR,
        "В шаблоне есть поле «{name}», которого нет в данных. Добавьте столбец или исправьте имя поля в шаблоне.",
    ),
    "doc-render-failed": (ERROR, "Документ не удалось заполнить ({detail})."),
    "doc-broken-xml": (
        ERROR,
        "После заполнения шаблона документ получился повреждённым ({detail}). "
        "Проверьте, что каждое условие и цикл в шаблоне открываются и закрываются в одном абзаце "
        "или в одной строке таблицы.",
    ),
    "doc-pdf-no-soffice": (
        ERROR,
        "Для PDF нужен LibreOffice, но программа soffice не найдена. Установите LibreOffice "
        "(https://ru.libreoffice.org) и повторите; документы Word уже готовы.",
    ),
    "doc-pdf-failed": (
        ERROR,
        "LibreOffice не смог сделать PDF ({detail}). Закройте документы в Word/LibreOffice и повторите.",
    ),
    "doc-pdf-timeout": (
        ERROR,
        "LibreOffice не успел сделать PDF за {seconds} с. Повторите или делайте PDF меньшими частями.",
    ),
    "doc-pdf-name-clash": (
        ERROR,
        "Два документа с одинаковым именем «{name}» из разных папок дали бы один PDF. Переименуйте один из них.",
    ),
    # mail merge (nastavnik merge)
    "doc-merge-header-duplicate": (
        ERROR,
        "Столбец «{name}» встречается в заголовке дважды (ячейки {first} и {cell}). Переименуйте один из "
        "столбцов: поле шаблона должно указывать на один столбец.",
    ),
    "doc-merge-name-column-missing": (
        ERROR,
        "В данных «{data}» нет столбца «{column}», указанного в --name-column. Столбцы таблицы: {columns}.",
    ),
    "doc-merge-person-empty": (
        ERROR,
        "Строка {row}: не заполнен столбец «{column}» — документ получился бы без имени. Заполните ячейку "
        "или удалите строку.",
    ),
    "doc-merge-date-bad": (
        ERROR,
        "Строка {row}: в столбце «{column}» не дата: «{value}», а шаблон выводит его фильтром «дата». "
        "Впишите дату, например 22.11.2026.",
    ),
    "doc-merge-row-failed": (ERROR, "{detail}"),
}


# Problems that make a file unusable: `check` exits with code 2 when one of them is found.
FATAL_CODES = frozenset({
    "file-missing", "file-empty", "file-unreadable", "file-format", "file-too-large", "file-encrypted",
    "file-bomb", "file-ambiguous", "file-other-program", "file-other-workbook",
})


def severity_of(code: str) -> str:
    return MESSAGES[code][0]


def render(code: str, **params: object) -> str:
    """The Russian message of a problem code filled with its parameters."""
    return MESSAGES[code][1].format(**params)
