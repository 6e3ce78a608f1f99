"""Unicode Vietnamese written the way legacy fonts held it, for the tests.

The encoders are written from the encodings' descriptions, not from the
reader's tables: TCVN3 from glibc's TCVN5712-1 (iconv), VNI from its
keyboard rule (base letter, then the vowel mark and tone as one byte).
"""

from __future__ import annotations

import codecs
import shutil
import subprocess
import unicodedata

ACUTE, GRAVE, HOOK, TILDE, DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"


def _iconv_tcvn3() -> dict[str, int]:
    """Unicode letter -> TCVN3 byte, for bytes A1-FF, as glibc decodes them."""
    if not shutil.which("iconv"):
        raise RuntimeError("iconv is needed to make TCVN3 text")
    out = {}
    for b in range(0xA1, 0x100):
        done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([b]), capture_output=True)
        out[done.stdout.decode()] = b
    return out


_TCVN3: dict[str, int] = {}
LEGACY, CAPITALS, OTHER = "legacy", "capitals", "other"  # the font a piece is in


def _piece(pieces: list[tuple[str, str]], code: str, font: str) -> None:
    if pieces and pieces[-1][1] == font:
        pieces[-1] = (pieces[-1][0] + code, font)
    else:
        pieces.append((code, font))


def _sign(ch: str) -> bool:
    """A sign a legacy font draws as itself: ASCII, or outside Latin-1 and in Windows-1252 (– “ ” •)."""
    if ch.isascii():
        return True
    try:
        return ord(ch) > 0xFF and bool(ch.encode("cp1252"))
    except UnicodeEncodeError:
        return False


def tcvn3_segments(text: str) -> list[tuple[str, str]]:
    """The text as (characters of the TCVN3 bytes, font) pieces: a capital
    the base font lacks is its small letter in the capitals font (.VnTimeH);
    a sign no legacy font has ("≥", "°") stays Unicode in another font."""
    if not _TCVN3:
        _TCVN3.update(_iconv_tcvn3())
    pieces: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFC", text):
        if _sign(ch):
            _piece(pieces, ch, LEGACY)
        elif ch in _TCVN3 and (ch.islower() or ch in "ĂÂÊÔƠƯĐ"):
            _piece(pieces, chr(_TCVN3[ch]), LEGACY)
        elif ch.lower() in _TCVN3:
            _piece(pieces, chr(_TCVN3[ch.lower()]), CAPITALS)
        else:
            _piece(pieces, ch, OTHER)
    return pieces


def tcvn3_plain(text: str) -> str:
    """The TCVN3 characters of a text file: capitals the base font lacks come
    out as small letters (a text file has no font of capitals)."""
    return "".join(code for code, _ in tcvn3_segments(text))


def tcvn3_readback(text: str) -> str:
    """What a TCVN3 text file of `text` says: its capitals outside Ă Â Ê Ô Ơ Ư Đ in small letters."""
    return "".join(ch.lower() if not ch.isascii() and ch not in "ĂÂÊÔƠƯĐ" else ch for ch in text)


_TONE_BYTE = {ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT: "ï", "": ""}
_CIRCUMFLEX_BYTE = {"": "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT: "ä"}
_BREVE_BYTE = {"": "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT: "ë"}
_I_BYTE = {ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT: "ò"}


def vni_segments(text: str) -> list[tuple[str, str]]:
    """The text as (characters of the VNI-Windows bytes, font) pieces; a sign
    no legacy font has stays Unicode in another font."""
    pieces: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFC", text):
        code = _vni_letter(ch)
        _piece(pieces, ch if code is None else code, LEGACY if code is not None else OTHER)
    return pieces


def vni(text: str) -> str:
    """The VNI characters of a text file (signs no legacy font has kept as they are)."""
    return "".join(code for code, _ in vni_segments(text))


def _vni_letter(ch: str) -> str | None:
    if _sign(ch):
        return ch
    if ch in "đĐ":
        return "ñ" if ch == "đ" else "Ñ"
    nfd = unicodedata.normalize("NFD", ch)
    base, marks = nfd[0], nfd[1:]
    if not marks or not base.isascii() or base.lower() not in "aeiouy":
        return None
    upper = base.isupper()
    tone = next((m for m in marks if m in _TONE_BYTE), "")
    if HORN in marks:
        letter, mark = {"o": "ô", "u": "ö"}[base.lower()], _TONE_BYTE[tone]
    elif CIRCUMFLEX in marks:
        letter, mark = base, _CIRCUMFLEX_BYTE[tone]
    elif BREVE in marks:
        letter, mark = base, _BREVE_BYTE[tone]
    elif base.lower() == "i" and tone:
        letter, mark = _I_BYTE[tone], ""
    elif base.lower() == "y" and tone == DOT:
        letter, mark = "î", ""
    else:
        letter, mark = base, _TONE_BYTE[tone]
    return letter.upper() + mark.upper() if upper else letter + mark


def file_bytes(text: str) -> bytes:
    """Legacy characters as the bytes of a text file: Latin-1, and Windows-1252 for – “ ” •."""
    return b"".join(codecs.encode(ch, "latin-1" if ord(ch) < 0x100 else "cp1252") for ch in text)
