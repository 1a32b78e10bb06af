"""A corpus of hostile spreadsheet uploads, built as bytes, and a way to measure a reader on them.

Each builder returns the bytes of one file a hostile (or careless) user could upload as .xlsx.
`measure` runs a reader on one file in a fresh interpreter and reports the wall time and how far
the process's peak resident memory rose above its resident memory before the call (the peak,
VmHWM, is reset through /proc/self/clear_refs first; ru_maxrss would carry the parent's peak
over the exec). That counts what Rust (calamine), C (expat, zlib) and Python allocate alike,
which tracemalloc would not.

Run `python -m tests.core.hostile_files [reader.py]` to print the table for a reader module
(by default core/spreadsheets.py); the child is capped at 4 GiB of address space and 120 s.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{extra}</Types>"
)
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>'
)
SHARED_STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
STYLES_REL = (
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
# A lying <dimension>: the reader must not trust it.
SHEET_OPEN = SHEET_HEAD + '<dimension ref="A1"/><sheetData>'
SHEET_CLOSE = "</sheetData></worksheet>"
SST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(rows: str) -> bytes:
    return (SHEET_OPEN + rows + SHEET_CLOSE).encode()


def workbook(
    sheet_xml: bytes,
    *,
    shared_strings: bytes | Iterable[bytes] | None = None,
    styles: bytes | None = None,
    main: str = XLSX_MAIN,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal .xlsx (what calamine needs) around one sheet's XML."""
    rels, types = "", ""
    members = {"xl/worksheets/sheet1.xml": sheet_xml}
    if shared_strings is not None:
        rels += SHARED_STRINGS_REL
        members["xl/sharedStrings.xml"] = shared_strings
    if styles is not None:
        rels += STYLES_REL
        members["xl/styles.xml"] = styles
    out = io.BytesIO()
    with zipfile_writer(out) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main, extra=types))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=rels))
        for name, data in {**members, **(extra or {})}.items():
            if isinstance(data, bytes):
                archive.writestr(name, data)
            else:  # chunks, written as they come
                with archive.open(name, "w") as member:
                    for chunk in data:
                        member.write(chunk)
    return out.getvalue()


def zipfile_writer(out):
    import zipfile

    return zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)


def legit(rows: int = 3) -> bytes:
    """A small honest workbook, to show the reader still accepts one."""
    body = "".join(
        f'<row r="{n}">{cell(f"A{n}", f"名称{n}")}{cell(f"B{n}", f"地址{n}")}</row>'
        for n in range(1, rows + 1)
    )
    return workbook(sheet(body))


# ------------------------------------------------------------------ raw zip writing


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already-deflated members: (name, deflated bytes, crc32, declared size)."""
    out = io.BytesIO()
    central = []
    for name, deflated, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(deflated),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded)
        out.write(deflated)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(deflated),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    count = len(central)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, end - start, start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _stored_members(**parts: bytes) -> list[tuple[str, bytes, int, int]]:
    return [(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in parts.items()]


def _frame(sheet_member: tuple[str, bytes, int, int]) -> list[tuple[str, bytes, int, int]]:
    return [
        *_stored_members(
            **{
                "[Content_Types].xml": CONTENT_TYPES.format(main=XLSX_MAIN, extra="").encode(),
                "_rels/.rels": ROOT_RELS.encode(),
                "xl/workbook.xml": WORKBOOK.encode(),
                "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.format(extra="").encode(),
            }
        ),
        sheet_member,
    ]


def _repeated_member(name: str, head: bytes, unit: bytes, times: int, tail: bytes):
    """A deflated member of head + unit * times + tail, built without holding it uncompressed:
    each unit is compressed once after a full flush, so its deflated bytes can be repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(unit) * times + len(tail)
    return name, first + block * times + last, crc, size


# ------------------------------------------------------------------ OLE compound files


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """A small but well-formed OLE compound file (version 3, 512-byte sectors) holding streams;
    each stream is padded to 4096 bytes so it lives in regular sectors."""
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    data = [streams[n].ljust(4096, b"\0") for n in names]
    dir_sectors = (len(names) + 1 + 3) // 4
    fat = [fat_mark] + [end if i == dir_sectors - 1 else 1 + i + 1 for i in range(dir_sectors)]
    starts = []
    for blob in data:
        count = len(blob) // sector
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 if i < count - 1 else end for i in range(count)]
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
            + b"\0" * 16  # CLSID
            + b"\0" * 4  # state bits
            + b"\0" * 16  # times
            + struct.pack("<IQ", start, size)
        )

    entries = entry("Root Entry", 5, 1 if names else free, free, end, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries += entry(name, 2, free, right, starts[i], len(streams[name]))
    entries = entries.ljust(dir_sectors * sector, b"\0")
    difat = [0] + [free] * 108
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("d0cf11e0a1b11ae1"),
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,
        end,
        0,
        end,
        0,
    ) + struct.pack("<109I", *difat)
    return header + struct.pack(f"<{sector // 4}I", *fat) + entries + b"".join(data)


# ------------------------------------------------------------------ the corpus


def far_corner_sheet() -> bytes:
    return sheet(f'<row r="1">{cell("A1", "a")}</row><row r="1000">{cell("XFD1000", "z")}</row>')


def far_corner() -> bytes:
    """Two cells, A1 and XFD1000, in 2 KB: a dense grid of 1000 x 16384 cells."""
    return workbook(far_corner_sheet())


def far_corner_20000() -> bytes:
    """A1 and XFD20000: within the row cap, but a grid of 20000 x 16384 cells."""
    return workbook(
        sheet(f'<row r="1">{cell("A1", "a")}</row><row r="20000">{cell("XFD20000", "z")}</row>')
    )


def far_row() -> bytes:
    """A1 and A1048576: two cells, a million rows."""
    return workbook(
        sheet(f'<row r="1">{cell("A1", "a")}</row><row r="1048576">{cell("A1048576", "z")}</row>')
    )


def implied_columns() -> bytes:
    """Cells without r attributes take the next column, rows without r the next row: 16384
    such cells reach column XFD, 1000 rows down, and no reference in the file names them."""
    wide = '<c t="inlineStr"><is><t>x</t></is></c>' * 16384
    return workbook(
        sheet(
            '<row><c t="inlineStr"><is><t>a</t></is></c></row>'
            + "<row/>" * 998
            + f"<row>{wide}</row>"
        )
    )


@functools.cache
def many_shared_strings() -> bytes:
    """Two million distinct shared strings (a 60 MB table) behind a one-cell sheet."""

    def chunks():
        yield SST_HEAD.encode()
        for start in range(0, 2_000_000, 10_000):
            yield "".join(f"<si><t>{n:x}</t></si>" for n in range(start, start + 10_000)).encode()
        yield b"</sst>"

    return workbook(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=chunks())


def huge_styles() -> bytes:
    """A styles part of half a million cell formats."""
    xfs = "".join(
        f'<xf numFmtId="{n % 200}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        for n in range(500_000)
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<cellXfs count="500000">{xfs}</cellXfs></styleSheet>'
    ).encode()
    return workbook(sheet(f'<row r="1">{cell("A1", "a")}</row>'), styles=styles)


@functools.cache
def zip_bomb() -> bytes:
    """A 4 MB file whose sheet inflates to 390 MB: eight million rows of one cell each, just
    under the old 400 MB limit on the sheet."""
    unit = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000  # ~1 MB
    member = _repeated_member(
        "xl/worksheets/sheet1.xml", SHEET_OPEN.encode(), unit, 390, SHEET_CLOSE.encode()
    )
    return _raw_zip(_frame(member))


def zip_bomb_lying_size() -> bytes:
    """The same kind of sheet, its header declaring 2 KB for 100 MB of XML."""
    unit = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    name, deflated, crc, _ = _repeated_member(
        "xl/worksheets/sheet1.xml", SHEET_OPEN.encode(), unit, 100, SHEET_CLOSE.encode()
    )
    return _raw_zip(_frame((name, deflated, crc, 2048)))


def many_members() -> bytes:
    """65 000 empty members: a central directory that costs memory to list."""
    members = [(f"xl/media/{n}.bin", _deflate(b""), 0, 0) for n in range(65_000)]
    return _raw_zip(
        _frame(_stored_members(**{"xl/worksheets/sheet1.xml": legit_sheet()})[0]) + members
    )


def legit_sheet() -> bytes:
    return sheet(f'<row r="1">{cell("A1", "名称")}</row><row r="2">{cell("A2", "某公司")}</row>')


def encrypted() -> bytes:
    """What Excel writes for a workbook with an opening password: an OLE compound file holding
    EncryptionInfo and EncryptedPackage streams."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    return _compound_file(
        {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 4096) + b"\x17" * 4000}
    )


def legacy_xls() -> bytes:
    """An Excel 97-2003 .xls: an OLE compound file with a BIFF8 Workbook stream."""
    bof = struct.pack("<HHHHHHI I", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    return _compound_file({"Workbook": bof + struct.pack("<HH", 0x000A, 0)})


def xlsm_macros() -> bytes:
    """A macro-enabled workbook (.xlsm) renamed .xlsx: vbaProject.bin and the macro content type."""
    return workbook(
        legit_sheet(),
        main=XLSM_MAIN,
        extra={"xl/vbaProject.bin": _compound_file({"VBA": b"Attribute VB_Name"})},
    )


def csv_renamed() -> bytes:
    """A CSV export renamed .xlsx."""
    return (
        "统一社会信用代码,企业名称,所属地区\n91150623MA0N000001,某化工有限公司,上海庙镇\n".encode()
    )


def entity_expansion() -> bytes:
    """A billion-laughs DTD in the shared strings: ten levels of ten references."""
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE sst [{entities}]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&l9;</t></si></sst>"
    ).encode()
    return workbook(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=sst)


CORPUS = {
    "far_corner": far_corner,
    "far_corner_20000": far_corner_20000,
    "far_row": far_row,
    "implied_columns": implied_columns,
    "many_shared_strings": many_shared_strings,
    "huge_styles": huge_styles,
    "zip_bomb": zip_bomb,
    "zip_bomb_lying_size": zip_bomb_lying_size,
    "many_members": many_members,
    "encrypted": encrypted,
    "legacy_xls": legacy_xls,
    "xlsm_macros": xlsm_macros,
    "csv_renamed": csv_renamed,
    "entity_expansion": entity_expansion,
}

# ------------------------------------------------------------------ measuring

_CHILD = r"""
import importlib.util, json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
from django.conf import settings
settings.INSTALLED_APPS  # load the settings now, not inside the measured call
spec = importlib.util.spec_from_file_location("reader", sys.argv[1])
reader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reader)
data = open(sys.argv[2], "rb").read()
max_rows = int(sys.argv[3])
calls = []
if sys.argv[4] == "guard":
    original = reader.CalamineWorkbook
    class Watched:
        @staticmethod
        def from_filelike(*args, **kwargs):
            calls.append(1)
            return original.from_filelike(*args, **kwargs)
    reader.CalamineWorkbook = Watched

def status(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])

with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # reset the peak (VmHWM) to the current resident size
before = status("VmRSS")
start = time.perf_counter()
try:
    header, rows = reader.read_rows(data, max_rows=max_rows)
    outcome, message = "accepted", f"{sum(1 for _ in rows)} rows"
except Exception as exc:
    outcome, message = type(exc).__name__, str(exc)
seconds = time.perf_counter() - start
peak = status("VmHWM")
print(json.dumps({"outcome": outcome, "message": message, "seconds": seconds,
                  "extra_mb": (peak - before) / 1024, "calamine": bool(calls)}))
"""


def measure(
    data: bytes,
    *,
    reader: Path | str = ROOT / "core" / "spreadsheets.py",
    max_rows: int = 20_000,
    memory_cap: int = 4 << 30,
    timeout: float = 120,
    watch_calamine: bool = True,
) -> dict:
    """Run reader.read_rows(data) in a fresh interpreter; time, extra peak memory, outcome.

    The peak resident memory is reset just before the call (interpreter, reader and file loaded)
    and read after it; its rise over the resident memory before is the most the call added.
    """
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        limit = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({memory_cap}, {memory_cap}))\n"
        args = [str(reader), handle.name, str(max_rows), "guard" if watch_calamine else "-"]
        try:
            done = subprocess.run(
                [sys.executable, "-c", limit + _CHILD, *args],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=ROOT,
            )
        except subprocess.TimeoutExpired:
            return {
                "outcome": "timeout",
                "message": f"still running after {timeout:.0f} s",
                "seconds": timeout,
                "extra_mb": None,
                "calamine": None,
            }
    if done.returncode != 0 or not done.stdout.strip():
        lines = done.stderr.strip().splitlines()
        telling = [ln for ln in lines if "memory allocation" in ln or "Error" in ln]
        tail = (telling or lines or [f"exit {done.returncode}"])[0]
        return {
            "outcome": f"crashed (exit {done.returncode})",
            "message": tail[:160],
            "seconds": None,
            "extra_mb": None,
            "calamine": None,
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    reader = Path(argv[0]) if argv else ROOT / "core" / "spreadsheets.py"
    names = argv[1:] or list(CORPUS)
    for name in names:
        data = CORPUS[name]()
        result = measure(data, reader=reader)
        seconds = "-" if result["seconds"] is None else f"{result['seconds']:.2f} s"
        memory = "-" if result["extra_mb"] is None else f"{result['extra_mb']:.1f} MB"
        print(
            f"| {name} | {len(data) / 1024:,.0f} KB | {seconds} | {memory} | "
            f"{result['outcome']}: {result['message']} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
