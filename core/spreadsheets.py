"""Reading uploaded .xlsx files safely: clear Chinese errors, bounded size, no surprises.

One module though past 500 lines: the checks below read one archive in one pass and only
protect the server together; kept side by side, none of them is forgotten by a new import.

`read_rows` is the one entry point for every import. Before any parser builds a grid, the file
is inspected as a zip and its XML parts are streamed once through expat:

- not an .xlsx at all: CSV or web page renamed, encrypted workbook, Excel 97-2003 .xls;
- the archive: number of members and size of the central directory (read from the end record,
  before zipfile lists it), each member's uncompressed size and their sum, the compression
  ratio (zip bombs), encrypted members, unusual compression methods;
- macros (.xlsm): vbaProject.bin or a macro-enabled content type;
- every XML part: no DTD at all (entity expansion), bounded nesting and token length;
- the shared strings and styles parts: size and number of entries;
- the first worksheet: the highest row and column of any cell holding a value, following
  calamine's rules for cells and rows without an `r` attribute; the <dimension> is ignored,
  as it can lie. A sparse file with cells at A1 and XFD1000 would otherwise make calamine
  allocate a dense 1000 x 16384 grid (0.5 GB) from 2 KB.

Only then does python-calamine read the cells.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import NamedTuple
from xml.parsers import expat

from django.conf import settings
from python_calamine import CalamineWorkbook

from core.errors import ServiceError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls

MAX_COLUMNS = 100  # highest column of the first sheet holding a value (CV)
MAX_MEMBERS = 1000  # parts in the archive
MAX_CENTRAL_DIRECTORY_BYTES = 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # any one part, uncompressed
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 100  # uncompressed / compressed size of a part ...
RATIO_FLOOR_BYTES = 1024 * 1024  # ... once it is larger than this
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_SHARED_STRINGS = 500_000
MAX_STYLES_BYTES = 8 * 1024 * 1024
MAX_CELL_FORMATS = 64_000  # Excel's own limit on cell formats
MAX_XML_DEPTH = 64
MAX_TOKEN_BYTES = 1024 * 1024  # one tag with its attributes
CHUNK_BYTES = 64 * 1024
MAX_FORMULAS_LISTED = 10_000  # formula cells without a stored result, reported by position

DEFAULT_UPLOAD_BYTES = 20 * 1024 * 1024
XML_SUFFIXES = (".xml", ".rels")
MACRO_TYPES = ("macroenabled", "vbaproject", "ms-office.vba")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class SpreadsheetError(ServiceError):
    """A problem with the uploaded file as a whole; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message, field="file")


def upload_limit() -> int:
    """The most bytes an uploaded import file may have (settings.IMPORT_MAX_UPLOAD_BYTES)."""
    return getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", DEFAULT_UPLOAD_BYTES)


def check_upload_size(size: int | None, *, limit: int | None = None) -> None:
    """Refuse an import file larger than the limit; `size` None (not known yet) passes."""
    limit = limit or upload_limit()
    if size is not None and size > limit:
        raise SpreadsheetError(
            f"文件大小为 {file_size(size)}，超过 {file_size(limit)} 的上限。"
            "请删除无关的工作表和图片，或拆分后分批导入。"
        )


def file_size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, round(n / 1024))} KB"


def read_rows(
    data: bytes, *, max_rows: int, max_columns: int = MAX_COLUMNS
) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Return the header row and an iterator of (Excel row number, cells) for the first sheet.

    `max_rows` counts data rows below the header; a file using rows or columns beyond the caps
    is refused before its cells are read.
    """
    if not data:
        raise SpreadsheetError("文件是空的，请选择填写好的 .xlsx 文件。")
    check_upload_size(len(data))
    inspect_workbook(data, max_rows=max_rows, max_columns=max_columns)
    rows = read_grid(data, max_rows=max_rows, max_columns=max_columns).rows
    header = [normalize_header(cell) for cell in rows[0][1]]
    return header, iter(rows[1:])


class Grid(NamedTuple):
    """The non-blank rows of the first sheet as (Excel row number, cells), and the cells that
    hold a formula whose result the file does not store, as (row number, zero-based column)."""

    rows: list[tuple[int, list]]
    formulas_without_value: list[tuple[int, int]]


def read_grid(data: bytes, *, max_rows: int, max_columns: int = MAX_COLUMNS) -> Grid:
    """Every non-blank row of the first sheet, for imports that find their header themselves.

    A formula cell is read as the result Excel stored with it (as openpyxl's data_only does);
    files written by programs such as openpyxl store none, and those cells are listed.
    `max_rows` counts the rows after the first non-blank one.
    """
    if not data:
        raise SpreadsheetError("文件是空的，请选择填写好的 .xlsx 文件。")
    check_upload_size(len(data))
    extent = inspect_workbook(data, max_rows=max_rows, max_columns=max_columns)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows: list[tuple[int, list]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if all(_blank(cell) for cell in row):
                continue
            rows.append((number, row))
            if len(rows) - 1 > max_rows:
                raise SpreadsheetError(f"数据行数超过上限 {max_rows} 行，请拆分后分批导入。")
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine raises several private error types
        raise SpreadsheetError(f"无法读取该 Excel 文件：{exc.__class__.__name__}。") from exc
    if not rows:
        raise SpreadsheetError("工作表是空的，没有表头和数据。")
    return Grid(rows, extent.formulas_without_value if extent else [])


# ---------------------------------------------------------------- inspection before parsing


def inspect_workbook(data: bytes, *, max_rows: int, max_columns: int = MAX_COLUMNS):
    """Refuse a file that is not a plain .xlsx within the caps, reading it only as a stream.
    Returns the first sheet's watcher (its formula cells without a stored result)."""
    if not data.startswith(b"PK"):
        raise SpreadsheetError(_not_a_zip(data))
    _check_end_record(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members)
            names = {info.filename: info for info in members}
            sheet = _first_sheet(archive, names)
            _check_content_types(archive, names)
            extent = None
            for info in members:
                if info.filename.lower().endswith(XML_SUFFIXES) or info is sheet:
                    watcher = _watcher(archive, info, info is sheet, max_rows, max_columns)
                    _scan_part(archive, info, watcher)
                    if info is sheet:
                        extent = watcher
            return extent
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise SpreadsheetError("文件已损坏，无法作为 Excel 文件打开。") from exc
    except NotImplementedError as exc:
        raise SpreadsheetError(
            "文件的压缩方式不受支持，请在 Excel 中另存为 .xlsx 后再上传。"
        ) from exc


def _not_a_zip(data: bytes) -> str:
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "文件设置了打开密码（已加密），系统无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。"
        if any(name.encode("utf-16-le") + b"\0\0" in data for name in ("Workbook", "Book")):
            return (
                "文件是旧版 Excel 97-2003（.xls）格式。请在 Excel 中“另存为” .xlsx 格式后再上传。"
            )
        return "文件是旧版 Office 格式，不是 .xlsx 文件。请在 Excel 中另存为 .xlsx 后再上传。"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"mime-version")):
        return "文件是网页或 XML 格式（常见于其他系统导出的“xls”），不是真正的 .xlsx 文件。请用 Excel 打开后另存为 .xlsx 再上传。"
    if _looks_like_text(data[:4096]) and any(sep in data[:4096] for sep in (b",", b"\t", b"\n")):
        return (
            "文件是 CSV 或文本文件，不是 Excel（.xlsx）文件。请用 Excel 打开后另存为 .xlsx 再上传。"
        )
    return "文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写。"


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030", "utf-16"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text[:-1])
    return False


def _check_end_record(data: bytes) -> None:
    """Bound the central directory from the end record, before zipfile reads it all into
    ZipInfo objects (65 000 empty members cost zipfile a few dozen MB)."""
    start = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if start < 0 or len(data) < start + 22:
        raise SpreadsheetError("文件已损坏，无法作为 Excel 文件打开。")
    count, directory_size = struct.unpack("<HI", data[start + 10 : start + 16])
    if count == 0xFFFF or directory_size == 0xFFFFFFFF:
        locator = data[start - 20 : start]
        if len(locator) == 20 and locator.startswith(b"PK\x06\x07"):
            (offset,) = struct.unpack("<Q", locator[8:16])
            record = data[offset : offset + 56]
            if record.startswith(b"PK\x06\x06") and len(record) == 56:
                count, directory_size = struct.unpack("<QQ", record[32:48])
    if count > MAX_MEMBERS or directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise SpreadsheetError(
            f"文件中的组成部分过多（超过 {MAX_MEMBERS} 个），不是正常的 Excel 文件。"
        )


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise SpreadsheetError(
            f"文件中的组成部分过多（超过 {MAX_MEMBERS} 个），不是正常的 Excel 文件。"
        )
    total, seen = 0, set()
    for info in members:
        name = info.filename.lower()
        if name in seen:  # readers disagree on which copy of a name they take
            raise SpreadsheetError("文件的结构异常（有重名的组成部分），不是正常的 Excel 文件。")
        seen.add(name)
        if name.endswith("vbaproject.bin") or name.endswith("vbadata.xml"):
            raise _macro_error()
        if info.flag_bits & 0x1:
            raise SpreadsheetError("文件内容已加密，系统无法读取。请在 Excel 中取消密码后再上传。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SpreadsheetError("文件的压缩方式不受支持，请在 Excel 中另存为 .xlsx 后再上传。")
        if name.endswith("sharedstrings.xml") and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _shared_strings_error()
        if name.endswith("styles.xml") and info.file_size > MAX_STYLES_BYTES:
            raise _styles_error()
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise SpreadsheetError(
                "文件的压缩比异常（解压后体积是压缩后的上百倍），疑似恶意构造的文件，已拒绝。"
                "请在 Excel 中另存为 .xlsx 后再上传。"
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise SpreadsheetError(
                f"文件解压后过大（其中一部分超过 {MAX_MEMBER_BYTES // 1048576} MB），请拆分后分批导入。"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise SpreadsheetError(
                f"文件解压后超过 {MAX_TOTAL_BYTES // 1048576} MB，请拆分后分批导入。"
            )


def _macro_error() -> SpreadsheetError:
    return SpreadsheetError(
        "文件包含宏（.xlsm 启用宏的工作簿），出于安全原因不能导入。"
        "请在 Excel 中“另存为” .xlsx（Excel 工作簿）后再上传。"
    )


def _shared_strings_error() -> SpreadsheetError:
    return SpreadsheetError(
        f"文件中的文字内容过多（共享字符串超过 {MAX_SHARED_STRINGS} 条或 "
        f"{MAX_SHARED_STRINGS_BYTES // 1048576} MB），请删除无关的工作表，或拆分后分批导入。"
    )


def _styles_error() -> SpreadsheetError:
    return SpreadsheetError(
        "文件中的单元格格式（样式）过多，请将数据复制到新的工作簿（只粘贴数值）后再上传。"
    )


def _check_content_types(archive: zipfile.ZipFile, names: dict) -> None:
    info = names.get("[Content_Types].xml")
    if info is None:
        raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写。")
    if info.file_size > MAX_STYLES_BYTES:
        raise SpreadsheetError("文件的结构异常，不是正常的 Excel 文件。")
    text = _read_small(archive, info).lower()
    if any(kind.encode() in text for kind in MACRO_TYPES):
        raise _macro_error()


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part known to be small (its declared size is checked), read whole."""
    with archive.open(info) as stream:
        return stream.read(info.file_size + 1)


def _first_sheet(archive: zipfile.ZipFile, names: dict) -> zipfile.ZipInfo:
    """The part of the workbook's first sheet, as calamine finds it: xl/workbook.xml's first
    <sheet>, through its relationship in xl/_rels/workbook.xml.rels."""
    workbook, rels = names.get("xl/workbook.xml"), names.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        raise SpreadsheetError(
            "文件中没有工作表：它不是 Excel 工作簿（可能是压缩包、Word 或其他格式的文件），"
            "请上传 .xlsx 文件。"
        )
    sheet_ids: list[str] = []
    _scan_part(
        archive,
        workbook,
        _Collect(
            "sheet",
            lambda a: sheet_ids.append(next((v for k, v in a.items() if _local(k) == "id"), "")),
        ),
    )
    targets: dict[str, str] = {}
    _scan_part(
        archive,
        rels,
        _Collect(
            "Relationship", lambda a: targets.setdefault(a.get("Id", ""), a.get("Target", ""))
        ),
    )
    target = targets.get(sheet_ids[0], "") if sheet_ids else ""
    if not target:
        raise SpreadsheetError("文件中没有工作表，不是有效的 Excel 文件。")
    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    sheet = names.get(posixpath.normpath(path))
    if sheet is None:
        raise SpreadsheetError("文件中没有工作表，不是有效的 Excel 文件。")
    return sheet


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Refused(Exception):
    """Raised inside expat handlers to stop a scan; carries the user's message."""

    def __init__(self, error: SpreadsheetError):
        self.error = error


def _too_deep() -> _Refused:
    return _Refused(SpreadsheetError("文件的 XML 结构异常（嵌套过深），不是正常的 Excel 文件。"))


def _dtd(*_args) -> None:
    raise _Refused(
        SpreadsheetError(
            "文件中含有不允许的 XML 声明（DTD/实体定义），可能是恶意构造的文件，已拒绝。"
            "请在 Excel 中另存为 .xlsx 后再上传。"
        )
    )


class _Plain:
    """Any XML part: well-formed, no DTD, nesting at most MAX_XML_DEPTH deep (expat keeps every
    open element: 25 MB of nested tags would cost it 370 MB)."""

    def __init__(self):
        self.depth = 0

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _too_deep()

    def end(self, tag: str) -> None:
        self.depth -= 1


class _Collect(_Plain):
    """Hands the attributes of every element of one local name to a callback."""

    def __init__(self, local: str, found: Callable[[dict], None]):
        super().__init__()
        self.local, self.suffix, self.found = local, ":" + local, found

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _too_deep()
        if tag == self.local or tag.endswith(self.suffix):
            self.found(attrs)


class _Count(_Plain):
    """Counts the elements of one local name, refusing past a limit; a count the part declares
    on its root (count / uniqueCount) past the limit is refused at once."""

    def __init__(self, local: str, limit: int, error: Callable[[], SpreadsheetError]):
        super().__init__()
        self.local, self.suffix, self.limit, self.error = local, ":" + local, limit, error
        self.count = 0

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _too_deep()
        if tag == self.local or tag.endswith(self.suffix):
            self.count += 1
            if self.count > self.limit:
                raise _Refused(self.error())
        elif self.depth <= 2:
            for key in ("uniqueCount", "count"):
                declared = attrs.get(key, "")
                if declared.isdigit() and len(declared) < 12 and int(declared) > self.limit:
                    raise _Refused(self.error())


class _CellExtent(_Plain):
    """The highest row and column of a cell holding a value, counted as calamine counts them:
    a cell's own `r`, else the row's `r` (or the row after the last) and the column after the
    last cell. A cell holding no <v> or <is> is left out of the grid by calamine, and here."""

    def __init__(self, max_rows: int, max_columns: int):
        super().__init__()
        self.max_rows, self.max_columns = max_rows, max_columns
        self.in_data = False
        self.row = self.col = 0  # zero-based, as calamine's row_index / col_index
        self.cell: tuple[int, int] | None = None
        self.valued = False
        self.formula = self.in_value = self.value_text = False
        self.formulas_without_value: list[tuple[int, int]] = []

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _too_deep()
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if not self.in_data:
            self.in_data = tag == "sheetData"
        elif tag == "c":
            ref = attrs.get("r")
            if ref:
                match = _CELL_REF.fullmatch(ref)
                if match is None:
                    raise _Refused(SpreadsheetError(f"单元格位置“{ref[:20]}”无效，文件已损坏。"))
                self.col = _column_number(match.group(1)) - 1
                self.cell = (int(match.group(2)) - 1, self.col)
            else:
                self.cell = (self.row, self.col)
            self.valued = self.formula = self.value_text = False
        elif tag == "v" or tag == "is":
            self.valued = self.in_value = True
        elif tag == "f":
            self.formula = True
        elif tag == "row":
            ref = attrs.get("r")
            if ref:
                if not ref.isdigit() or len(ref) > 7:
                    raise _Refused(SpreadsheetError(f"行号“{ref[:20]}”无效，文件已损坏。"))
                self.row = int(ref) - 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        if not self.in_data:
            return
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            if self.valued and self.cell is not None:
                self._check(*self.cell)
            if self.formula and not self.value_text and self.cell is not None:
                if len(self.formulas_without_value) < MAX_FORMULAS_LISTED:
                    self.formulas_without_value.append((self.cell[0] + 1, self.cell[1]))
            self.cell = None
            self.col += 1
        elif tag == "v" or tag == "is":
            self.in_value = False
        elif tag == "row":
            self.row += 1
            self.col = 0
        elif tag == "sheetData":
            self.in_data = False

    def chars(self, text: str) -> None:
        if self.in_value and not self.value_text and text.strip():
            self.value_text = True

    def _check(self, row: int, col: int) -> None:
        if row + 1 > self.max_rows + 1:
            raise _Refused(
                SpreadsheetError(
                    f"数据行数超过上限 {self.max_rows} 行（工作表第 {row + 1} 行有内容）。"
                    "请删除表格下方多余的内容，或拆分后分批导入。"
                )
            )
        if col + 1 > self.max_columns:
            raise _Refused(
                SpreadsheetError(
                    f"工作表的列数超过上限 {self.max_columns} 列"
                    f"（第 {_column_letters(col + 1)} 列有内容）。请删除表格右侧多余的内容后再上传。"
                )
            )


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _watcher(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: bool, rows: int, cols: int):
    name = info.filename.lower()
    if sheet:
        return _CellExtent(rows, cols)
    if name.endswith("sharedstrings.xml"):
        _precount(archive, info, b"si", MAX_SHARED_STRINGS, _shared_strings_error)
        return _Count("si", MAX_SHARED_STRINGS, _shared_strings_error)
    if name.endswith("styles.xml"):
        _precount(archive, info, b"xf", 2 * MAX_CELL_FORMATS, _styles_error)
        return _Count("xf", 2 * MAX_CELL_FORMATS, _styles_error)
    return _Plain()


def _precount(archive, info, local: bytes, limit: int, error: Callable[[], SpreadsheetError]):
    """Count start tags of one local name in the raw bytes, at C speed, before expat's slower
    pass: a count that can only err upwards (a tag inside a comment), so a part far past the
    limit is refused at once."""
    pattern = re.compile(rb"<(?:[\w.-]+:)?" + local + rb"[\s/>]")
    count, carry = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            block = carry + chunk
            cut = block.rfind(b"<")
            if cut < 0:
                cut = len(block)
            count += len(pattern.findall(block, 0, cut))
            carry = block[cut:][-MAX_TOKEN_BYTES:]
            if count > limit:
                raise error()


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, watcher: _Plain) -> None:
    """Stream one XML part through expat with the watcher's handlers; a single tag longer than
    MAX_TOKEN_BYTES (which expat would hold whole) is refused as it streams."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _dtd
    parser.EntityDeclHandler = _dtd
    parser.StartElementHandler = watcher.start
    parser.EndElementHandler = watcher.end
    if hasattr(watcher, "chars"):
        parser.buffer_text = True
        parser.CharacterDataHandler = watcher.chars
    fed = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                    raise SpreadsheetError(
                        "文件的 XML 结构异常（单个标记过长），不是正常的 Excel 文件。"
                    )
            parser.Parse(b"", True)
    except _Refused as refused:
        raise refused.error from None
    except expat.ExpatError as exc:
        raise SpreadsheetError(
            f"文件已损坏（{info.filename} 不是有效的 XML），无法作为 Excel 文件打开。"
        ) from exc


# ---------------------------------------------------------------- cells


def normalize_header(cell) -> str:
    text = "" if cell is None else str(cell)
    return re.sub(r"[\s*＊()（）:：]", "", text)


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell) -> str:
    """A cell as trimmed text; whole floats lose their '.0' (phone numbers, codes)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()
