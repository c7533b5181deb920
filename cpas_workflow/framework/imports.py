"""Reading a framework from an XLSX or CSV sheet: every row checked, every problem named by row
and column, and nothing returned to import unless the whole sheet is right.

Numbers in the sheet: a numeric cell of an XLSX sheet is a number and is taken as it is; a number
written as text (every CSV cell, a text cell of an XLSX sheet) is read in the importer's language,
as the web form reads it (French `21,5` and `1 500`, English `21.5` and `1,500`), and refused, never
guessed at, when it cannot be read or could be read two ways."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cpas_workflow.core.errors import Joined, ValidationFailed
from cpas_workflow.core.text import bad_characters
from cpas_workflow.framework import values
from cpas_workflow.framework.models import DIRECTIONS, FREQUENCIES, KINDS

# One row per priority, outcome, output or indicator; a child names its parent's code.
COLUMNS = (
    "type",
    "code",
    "parent",
    "title",
    "components",
    "responsible",
    "kind",
    "unit",
    "levels",
    "direction",
    "baseline",
    "baseline_date",
    "target",
    "target_date",
    "minimum",
    "maximum",
    "definition",
    "data_source",
    "frequency",
    "headline",
)
REQUIRED_COLUMNS = ("type", "code", "title")
TYPES = ("priority", "outcome", "output", "indicator")
PARENT_TYPES = {"priority": (), "outcome": ("priority",), "output": ("outcome",), "indicator": ("outcome", "output")}
MAX_ROWS = 2000
MULTI_LINE_COLUMNS = ("definition",)
EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2100, 12, 31)  # the window a baseline or target date lies in


@dataclass
class Problem:
    row: int
    column: str
    message: str
    letter: str = ""

    def key(self) -> str:
        return f"row {self.row}, {self.column}"

    def __str__(self) -> str:  # in the reader's language when shown (a page, an API answer)
        if self.letter:
            return gettext(
                "row %(row)s, column %(column)s (%(letter)s): %(message)s",
                row=self.row,
                column=self.column,
                letter=self.letter,
                message=self.message,
            )
        return gettext(
            "row %(row)s, column %(column)s: %(message)s", row=self.row, column=self.column, message=self.message
        )


@dataclass
class Row:
    number: int
    cells: dict[str, str | float]  # text, or the number of an XLSX numeric cell
    parsed: dict = field(default_factory=dict)

    def get(self, name: str) -> str:
        return _text(self.cells.get(name, ""))

    def number_or_text(self, name: str, locale: str):
        """A numeric cell as its number; text as `values.Typed`, read in the importer's language."""
        cell = self.cells.get(name, "")
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return cell
        return values.Typed(_text(cell), locale)


def _cell(cell):
    """An XLSX cell as the checker takes it: numbers stay numbers, everything else becomes text."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return cell
    return _text(cell)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


MAX_CELL = 20_000  # characters in one cell (a definition is the longest text a sheet carries)
MAX_COLUMNS = 64  # cells read per row: the layout has 18 columns; anything further is not read
_XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _refuse(filename: str, problem, field: str) -> ValidationFailed:
    return ValidationFailed(_l("%(file)s: %(problem)s", file=filename, problem=problem), fields={"file": field})


def _one_of(allowed, given):
    return _l("must be one of %(allowed)s, not %(given)s", allowed=", ".join(allowed), given=repr(given))


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["CPAS_MAX_IMPORT_MB"] * 1024 * 1024, config["CPAS_MAX_IMPORT_UNPACKED_MB"] * 1024 * 1024


def check_size(filename: str, size: int) -> None:
    """Before anything is parsed: the file itself is not larger than CPAS_MAX_IMPORT_MB."""
    limit, _ = _limits()
    if size > limit:
        size_shown, limit_shown = f"{size:,}", f"{limit:,}"
        message = _l("the file is %(size)s bytes; at most %(limit)s are read", size=size_shown, limit=limit_shown)
        raise _refuse(filename, message, "too large")


def _check_zip(filename: str, data: bytes) -> None:
    """An XLSX is a zip of XML files: refuse a zip bomb (by the sizes it declares and by what actually
    comes out, read in chunks) and any XML with a DOCTYPE or entity declaration (entity expansion)."""
    _, unpacked_limit = _limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if sum(m.file_size for m in members) > unpacked_limit:
            raise _refuse(filename, _unpacks_to_more(unpacked_limit), "too large unpacked")
        total = 0
        for member in members:
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(65536):
                    total += len(chunk)
                    if total > unpacked_limit:
                        raise _refuse(filename, _unpacks_to_more(unpacked_limit), "too large unpacked")
                    window = tail + chunk
                    if any(mark in window for mark in _XML_DECLARATIONS):
                        raise _refuse(
                            filename,
                            _l(
                                "%(member)s declares a DOCTYPE or XML entities, which are not read",
                                member=member.filename,
                            ),
                            "XML entities",
                        )
                    tail = chunk[-16:]
    except ValidationFailed:
        raise
    except Exception:  # a corrupt zip raises many kinds (BadZipFile, zlib.error, EOFError, RuntimeError…)
        raise _refuse(filename, _l("is not a readable XLSX workbook"), "not an XLSX file") from None


def _unpacks_to_more(limit: int):
    shown = f"{limit:,}"
    return _l("the workbook unpacks to more than %(limit)s bytes", limit=shown)


def _xlsx_rows(filename: str, data: bytes) -> list[list[str]]:
    _check_zip(filename, data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a malformed file; each means "not readable"
        raise _refuse(filename, _l("is not a readable XLSX workbook"), "not an XLSX file") from None
    try:
        if not book.worksheets:
            raise _refuse(filename, _l("the workbook has no sheet"), "no sheet")
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append([_cell(c) for c in row])
            if len(rows) > MAX_ROWS + 1:
                break  # enough to say there are too many: the rest is never read
        return rows
    except ValidationFailed:
        raise
    except Exception:
        raise _refuse(filename, _l("is not a readable XLSX workbook"), "not an XLSX file") from None
    finally:
        book.close()


def _csv_rows(filename: str, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_l("%(file)s is not UTF-8 text", file=filename), fields={"file": "not UTF-8"}) from None
    rows = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            rows.append([c.strip() for c in row[:MAX_COLUMNS]])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise ValidationFailed(
            _l(
                "%(file)s: row %(row)s cannot be read as CSV (%(problem)s)",
                file=filename,
                row=reader.line_num,
                problem=exc,
            ),
            fields={f"row {reader.line_num}, file": "not CSV"},
        ) from None
    return rows


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The sheet's cells as text, header row first, at most MAX_ROWS + 2 rows (enough to tell that
    there are too many); an unreadable or oversized file is one clear error."""
    name = (filename or "").lower()
    check_size(filename, len(data))
    if name.endswith(".xlsx"):
        return _xlsx_rows(filename, data)
    if name.endswith(".csv"):
        return _csv_rows(filename, data)
    raise ValidationFailed(_l("send the framework as a .xlsx or .csv file"), fields={"file": "must be .xlsx or .csv"})


def to_rows(table: list[list[str]]) -> tuple[list[Row], list[Problem]]:
    """Rows keyed by column name (row numbers as the spreadsheet shows them), or the header's problems."""
    if not table or not any(table[0]):
        return [], [
            Problem(1, "header", _l("the first row must name the columns: %(columns)s", columns=", ".join(COLUMNS)))
        ]
    header = [_text(h).lower() for h in table[0]]
    problems = [
        Problem(
            1,
            name or "(empty)",
            _l("unknown column %(name)s; the columns are %(columns)s", name=repr(name), columns=", ".join(COLUMNS)),
            get_column_letter(i + 1),
        )
        for i, name in enumerate(header)
        if name not in COLUMNS and name
    ]
    problems += [Problem(1, name, _l("this column is required")) for name in REQUIRED_COLUMNS if name not in header]
    if len(table) - 1 > MAX_ROWS:
        problems.append(Problem(MAX_ROWS + 2, "type", _l("at most %(count)s rows can be imported", count=MAX_ROWS)))
    if problems:
        return [], problems
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        rows.append(Row(number, {header[i]: c for i, c in enumerate(cells) if i < len(header) and header[i]}))
    if not rows:
        problems.append(Problem(2, "type", "the sheet has no rows below its header"))
    return rows, problems


class Checker:
    """Checks every row against the mission's components and the other rows."""

    def __init__(self, rows: list[Row], component_codes: list[str], header: list[str], locale: str = "en") -> None:
        self.rows, self.components, self.locale = rows, component_codes, locale
        self.letters = {name: get_column_letter(i + 1) for i, name in enumerate(header)}
        self.problems: list[Problem] = []

    def fail(self, row: Row, column: str, message) -> None:
        self.problems.append(Problem(row.number, column, message, self.letters.get(column, "")))

    def check(self) -> list[Problem]:
        types: dict[str, str] = {}
        for row in self.rows:
            self._characters(row)
            kind, code = row.get("type").lower(), row.get("code")
            if kind not in TYPES:
                self.fail(row, "type", _one_of(TYPES, row.get("type")))
            if not code:
                self.fail(row, "code", _l("a code is required"))
            elif len(code) > 40:
                self.fail(row, "code", _l("a code has at most 40 characters"))
            elif code in types:
                self.fail(row, "code", _l("the code %(code)s is used twice", code=code))
            else:
                types[code] = kind
            if not row.get("title"):
                self.fail(row, "title", _l("a title is required"))
            elif len(row.get("title")) > 300:
                self.fail(row, "title", _l("a title has at most 300 characters"))
        for row in self.rows:
            kind = row.get("type").lower()
            if kind in TYPES:
                self._parent(row, kind, types)
                if kind == "indicator":
                    self._indicator(row)
                else:
                    self._components(row)
        return self.problems

    def _characters(self, row: Row) -> None:
        """Every cell fits and can be stored; only the definition may run over several lines."""
        for column, value in row.cells.items():
            if not isinstance(value, str):
                continue  # a number from a numeric XLSX cell
            if len(value) > MAX_CELL:
                self.fail(row, column, _l("a cell has at most %(count)s characters", count=MAX_CELL))
                continue
            problem = bad_characters(value, one_line=column not in MULTI_LINE_COLUMNS)
            if problem:
                self.fail(row, column, problem)
                row.cells[column] = ""  # checked no further: one problem per cell is enough

    def _parent(self, row: Row, kind: str, types: dict[str, str]) -> None:
        parent, allowed = row.get("parent"), PARENT_TYPES[kind]
        if not allowed:
            if parent:
                self.fail(row, "parent", _l("a priority has no parent"))
        elif not parent:
            self.fail(
                row,
                "parent",
                _l("name the %(allowed)s this %(kind)s belongs to", allowed=" or ".join(allowed), kind=kind),
            )
        elif parent not in types:
            self.fail(row, "parent", _l("no row has the code %(code)s", code=parent))
        elif types[parent] not in allowed:
            self.fail(
                row,
                "parent",
                _l(
                    "a %(kind)s belongs to a %(allowed)s, and %(parent)s is a %(parent_kind)s",
                    kind=kind,
                    allowed=" or ".join(allowed),
                    parent=parent,
                    parent_kind=types[parent],
                ),
            )

    def _components(self, row: Row) -> None:
        codes = [c.strip() for c in row.get("components").replace(";", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in self.components]
        if unknown:
            self.fail(
                row,
                "components",
                _l(
                    "unknown component %(unknown)s (the mission has %(known)s)",
                    unknown=", ".join(unknown),
                    known=", ".join(self.components),
                ),
            )
        row.parsed["components"] = codes

    def _indicator(self, row: Row) -> None:
        responsible = row.get("responsible")
        if responsible not in self.components:
            self.fail(
                row,
                "responsible",
                _l(
                    "name the responsible component, one of %(known)s, not %(given)s",
                    known=", ".join(self.components),
                    given=repr(responsible),
                )
                if responsible
                else _l("name the responsible component, one of %(known)s", known=", ".join(self.components)),
            )
        kind = row.get("kind").lower()
        if kind not in KINDS:
            self.fail(row, "kind", _one_of(KINDS, row.get("kind")))
            return
        levels = [level.strip() for level in row.get("levels").split("|") if level.strip()]
        if kind == "level" and len(levels) < 2:
            self.fail(
                row,
                "levels",
                _l("a level indicator lists its levels, lowest first, separated by | (e.g. Low|Medium|High)"),
            )
        direction = (row.get("direction") or "higher").lower()
        if direction not in DIRECTIONS:
            self.fail(
                row,
                "direction",
                _l("must be higher or lower (which is better), not %(given)s", given=repr(row.get("direction"))),
            )
        frequency = (row.get("frequency") or "quarterly").lower()
        if frequency not in FREQUENCIES:
            self.fail(row, "frequency", _one_of(FREQUENCIES, row.get("frequency")))
        headline = row.get("headline").lower()
        if headline not in ("", "yes", "no", "true", "false", "1", "0"):
            self.fail(row, "headline", _l("must be yes or no, not %(given)s", given=repr(row.get("headline"))))
        row.parsed.update(
            kind=kind,
            levels=levels,
            direction=direction,
            frequency=frequency,
            headline=headline in ("yes", "true", "1"),
        )
        self._range(row, kind)
        for name in ("baseline", "target"):
            self._value_and_date(row, name, kind, levels)

    def _range(self, row: Row, kind: str) -> None:
        """The framework's own bounds of a number or count, within what its kind allows."""
        found: dict[str, float | None] = {"minimum": None, "maximum": None}
        for name in found:
            if row.get(name) == "":
                continue
            if kind not in ("number", "count"):
                self.fail(
                    row,
                    name,
                    _l(
                        "only a number or count indicator has a %(name)s (this one is a %(kind)s)", name=name, kind=kind
                    ),
                )
                continue
            try:
                found[name] = values.parse(kind, [], row.number_or_text(name, self.locale))[0]
            except values.BadValue as exc:
                self.fail(row, name, f"{row.get(name)!r} {exc}")
        if None not in found.values() and found["minimum"] >= found["maximum"]:
            self.fail(row, "maximum", _l("the maximum must be larger than the minimum"))
        row.parsed.update(found)

    def _value_and_date(self, row: Row, name: str, kind: str, levels: list[str]) -> None:
        raw, date = row.get(name), row.get(f"{name}_date")
        row.parsed[name] = None
        if raw:
            try:
                row.parsed[name] = values.canonical(
                    kind,
                    levels,
                    row.number_or_text(name, self.locale),
                    row.parsed.get("minimum"),
                    row.parsed.get("maximum"),
                )
            except values.BadValue as exc:
                self.fail(row, name, f"{raw!r} {exc}")
        row.parsed[f"{name}_date"] = None
        if date:
            try:
                parsed = dt.date.fromisoformat(date)
            except ValueError:
                self.fail(
                    row, f"{name}_date", _l("must be a date written YYYY-MM-DD, not %(given)s", given=repr(date[:40]))
                )
                return
            if not EARLIEST <= parsed <= LATEST:
                self.fail(
                    row,
                    f"{name}_date",
                    _l(
                        "must lie between %(earliest)s and %(latest)s, not %(given)s",
                        earliest=EARLIEST,
                        latest=LATEST,
                        given=date,
                    ),
                )
            row.parsed[f"{name}_date"] = parsed


def check_sheet(filename: str, data: bytes, component_codes: list[str], locale: str = "en") -> list[Row]:
    """The checked rows of the sheet; any problem anywhere raises one ValidationFailed naming them all.
    Numbers written as text are read in `locale` (the importer's language)."""
    table = read_table(filename, data)
    rows, problems = to_rows(table)
    if not problems:
        header = [_text(h).lower() for h in table[0]]
        problems = Checker(rows, component_codes, header, locale).check()
    if problems:
        shown = Joined("; ", problems[:20])
        more = _l(" (and %(count)s more)", count=len(problems) - 20) if len(problems) > 20 else ""
        raise ValidationFailed(
            _l(
                "the framework was not imported: %(count)s problem(s): %(problems)s%(more)s",
                count=len(problems),
                problems=shown,
                more=more,
            ),
            fields={p.key(): p for p in problems},
        )
    return rows
