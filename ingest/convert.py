"""Office formats the readers do not parse (.doc, .rtf, .odt, .xls, .ods),
converted with LibreOffice headless into .docx or .xlsx first.

The conversion works on a temporary copy in a folder of its own (never beside
the user's file), with a LibreOffice profile of its own so that parallel
workers do not share one, under a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .exceptions import DamagedFile, UnsupportedFormat

TIMEOUT_S = 120
# What each kind becomes, and the Debian package whose LibreOffice converts it.
TARGETS = {
    "doc": ("docx", "libreoffice-writer"),
    "rtf": ("docx", "libreoffice-writer"),
    "odt": ("docx", "libreoffice-writer"),
    "xls": ("xlsx", "libreoffice-calc"),
    "ods": ("xlsx", "libreoffice-calc"),
}


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def convert(data: bytes, kind: str) -> bytes:
    """The file's bytes as .docx or .xlsx; UnsupportedFormat with the package
    to install when LibreOffice is missing."""
    target, package = TARGETS[kind]
    program = libreoffice()
    if program is None:
        raise UnsupportedFormat(
            f"a .{kind} file needs LibreOffice to be read",
            f"install {package}, or save it as .{target} and ingest that",
        )
    with tempfile.TemporaryDirectory(prefix="chitieu-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"plan.{kind}"
        source.write_bytes(data)
        try:
            subprocess.run(
                [
                    program,
                    f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(folder / "out"),
                    str(source),
                ],
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DamagedFile(
                f"LibreOffice took longer than {TIMEOUT_S} s to convert this .{kind} file",
                f"open it and save it as .{target}",
            ) from None
        out = folder / "out" / f"plan.{target}"
        if not out.exists():
            raise DamagedFile(f"LibreOffice could not convert this .{kind} file", f"open it and save it as .{target}")
        return out.read_bytes()
