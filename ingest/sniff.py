"""Which reader a file needs, from its bytes rather than its name."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from io import BytesIO
from xml.etree import ElementTree

from .exceptions import EncryptedFile, UnsupportedFormat

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
# Office Open XML main parts by content type: (kind, what the file is).
_OFFICE = [
    ("wordprocessingml.", "docx"),
    ("ms-word.", "docx"),
    ("spreadsheetml.", "xlsx"),
    ("ms-excel.", "xlsx"),
    ("presentationml.", "pptx"),
    ("ms-powerpoint.", "pptx"),
]


def office_main_part(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    """(kind, main part name) of an Office Open XML file, read from its
    [Content_Types].xml (the part may have any name), or None."""
    try:
        with archive.open("[Content_Types].xml") as listing:
            types = ElementTree.fromstring(listing.read(1 << 20))  # never more than 1 MB unzipped
    except (
        KeyError,
        ValueError,
        ElementTree.ParseError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
        RuntimeError,
        zlib.error,
        NotImplementedError,
    ):
        return None
    for override in types:
        content_type, part = override.get("ContentType") or "", (override.get("PartName") or "").lstrip("/")
        if content_type.endswith(".main+xml"):
            for marker, kind in _OFFICE:
                if marker in content_type:
                    return kind, posixpath.normpath(part)
    return None


def sniff(data: bytes, name: str) -> str:
    """'pdf', 'docx', 'xlsx', 'tsv', or a kind LibreOffice converts first ('doc',
    'rtf', 'odt', 'xls', 'ods', see ingest.convert); raises UnsupportedFormat
    with a fix when none fits."""
    head = data[:1024]
    pdf = _PDF_HEADER.search(head)
    if pdf and (pdf.start() == 0 or b"endobj" in data or b"xref" in data):  # not a text that names "%PDF-1.7"
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        try:
            archive = zipfile.ZipFile(BytesIO(data))
            names = archive.namelist()
        except zipfile.BadZipFile:
            raise UnsupportedFormat("truncated or damaged ZIP/DOCX file", "re-save or re-download it") from None
        kind = (office_main_part(archive) or ("", ""))[0]
        if kind == "docx" or (not kind and "word/document.xml" in names):
            return "docx"
        if kind == "pptx":
            raise UnsupportedFormat(
                "a PowerPoint presentation, not a plan document", "ingest the plan itself as PDF, DOCX or TSV"
            )
        if "content.xml" in names and "mimetype" in names:
            mimetype = archive.read("mimetype")[:100]
            if b"opendocument.text" in mimetype:
                return "odt"
            if b"opendocument.spreadsheet" in mimetype:
                return "ods"
            raise UnsupportedFormat(
                "an OpenDocument file that is neither a text nor a spreadsheet",
                "ingest the plan itself as PDF, DOCX, XLSX or TSV",
            )
        if kind == "xlsx" or "xl/workbook.xml" in names:
            return "xlsx"
        raise UnsupportedFormat("a ZIP archive that is not a Word document", "unpack it and ingest the files inside")
    if data.startswith(_OLE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data:
            raise EncryptedFile("password-protected Word document", "remove the password in Word and save again")
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
            return "doc"
        if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k" in data:
            return "xls"
        raise UnsupportedFormat("an old Office file that is neither Word nor Excel", "save it as .docx or .xlsx")
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:200]:
        raise UnsupportedFormat("an HTML/XML page, not a plan document", "download the real file: PDF, DOCX or TSV")
    if b"endobj" in data[:262144] and b"endstream" in data:
        raise UnsupportedFormat("damaged PDF: its %PDF header is missing", "download or export the file again")
    if name.lower().endswith(".pdf"):
        raise UnsupportedFormat("named .pdf but not a PDF file", "check the file; it may be an error page or truncated")
    if name.lower().endswith(".docx"):
        raise UnsupportedFormat("named .docx but not a Word document", "open it in Word and save as .docx")
    return "tsv"
