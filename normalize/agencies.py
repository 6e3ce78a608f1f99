"""Split an agency cell ("Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC")
into the mentions it names.

Commas, semicolons and line breaks separate mentions, except inside a name the
registry knows with its commas ("Các cơ quan, đơn vị"): the longest run of
comma pieces that reads exactly as a known name stays whole. "và"/"&" separates
only where both sides resolve on their own and the whole does not ("MTTQ và các
đoàn thể" -> two, "Văn phòng HĐND và UBND xã" -> one), or where one side
resolves and the other starts with a word that begins an agency ("UBND xã và
thôn trưởng các thôn") — unless the "và" joins the words beside it into
another known name ("… Văn phòng HĐND và UBND xã" gives no "UBND xã"). "UBND xã (Công chức VP-TK và Công chức TC-KT)" names
the positions in the brackets. A comma piece that resolves to nothing and
starts no agency name ("ngành", "địa phương") belongs to the piece before it;
one that starts with an abbreviation ("VNPT"), a brand or a word a registered
spelling starts with is a mention of its own.

Cells keep their line breaks: a line begins a mention unless it is a name
wrapped onto the next line (`_lines`). Work is linear in the cell's length: a run of pieces read as one name is no longer than the
longest registered spelling, and a cell yields at most MAX_MENTIONS mentions
(the rest is dropped with a warning).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from .matching import Matcher
from .text import clean, fold

RUN_SCORE = 95.0  # least match score for comma/"và" pieces to be read as one name
MAX_MENTIONS = 40  # mentions read from one cell

_SEGMENT = re.compile(r";+")
_PIECE = re.compile(r"[,;\n\r&]|\svà\s", re.IGNORECASE)  # what may separate two mentions
_LINE = re.compile(r"[\n\r]+")
_MARKER = re.compile(r"^\s*(?:[-–•+*]|\d+[.)])\s*")  # a list item begins
_OPEN_END = re.compile(r"(?:\s(?:và|&|của|thuộc|trên|các)|[-–&(,])\s*$", re.IGNORECASE)  # a name goes on
_ATOM = re.compile(r"(,|\s+và\s+|\s+&\s+)", re.IGNORECASE)
_BRACKET = re.compile(r"^(?P<head>[^()]*?)\s*\((?P<inner>[^()]*)\)?\s*$")
_HEAD_CONNECTOR = re.compile(r"(?:\s*-\s*|\s+và\s*)+$", re.IGNORECASE)

# Words that begin an agency's or a position's name, folded.
_STARTS_AGENCY = re.compile(
    r"^(?:các|những|cán bộ|công chức|bộ phận|phòng|ban|văn phòng|vp|trung tâm|tt|"
    r"trạm|công an|đảng ủy|ủy ban|ubnd|hđnd|mttq|mặt trận|hội|đoàn|trường|tổ|"
    r"thôn trưởng|trưởng|đài|bưu điện|ngân hàng|doanh nghiệp|sở|chi bộ|đơn vị|"
    r"lãnh đạo|chủ tịch|phó chủ tịch|bí thư|người|cơ quan|hội đồng|"
    r"viettel|vnpt|mobifone|vinaphone|fpt|evn|điện lực|bưu chính)(?!\w)"
)


def _tidy(text: str) -> str:
    """Strip list markers and trailing punctuation: '- Phòng Kinh tế.' -> 'Phòng Kinh tế'."""
    return clean(text).lstrip("-–•+* ").rstrip(";.,: ").strip()


def _starts_agency(text: str, reader: "_Reader") -> bool:
    folded, first = fold(text), clean(text).split(" ", 1)[0]
    acronym = len(first) >= 2 and first.isalpha() and first.isupper()  # "VNPT", "MTTQ"
    return bool(_STARTS_AGENCY.match(folded) or acronym or folded.split(" ", 1)[0] in _first_words(reader.matcher))


@dataclass
class _Spellings:
    """What splitting needs to know of a matcher's registry, worked out once."""

    first_words: set[str]  # first words of registered spellings that begin no common agency word (brands)
    longest_run: int  # most comma/"và" pieces in one registered spelling

    @classmethod
    def of(cls, matcher: Matcher) -> "_Spellings":
        known = _KNOWN.get(matcher)
        if known is None:
            names = [n for u in matcher.registry.units for n in (u.name, *u.aliases)]
            known = _KNOWN[matcher] = cls(
                {fold(n).split(" ", 1)[0] for n in names if n[:1].isupper() and not _STARTS_AGENCY.match(fold(n))},
                max((len(_ATOM.split(n)) // 2 + 1 for n in names), default=1),
            )
        return known


_KNOWN: "weakref.WeakKeyDictionary[Matcher, _Spellings]" = weakref.WeakKeyDictionary()


def _first_words(matcher: Matcher) -> set[str]:
    return _Spellings.of(matcher).first_words


def _longest_run(matcher: Matcher) -> int:
    return _Spellings.of(matcher).longest_run


@dataclass
class _Reader:
    """A matcher read for one document: its commune and issuing level."""

    matcher: Matcher
    commune: str | None
    level: str | None

    def match(self, text: str):
        return self.matcher.match(text, self.commune, self.level)

    def exact(self, text: str) -> str | None:
        return self.matcher.exact(text, self.commune)


def pieces(cell: str) -> int:
    """How many mentions a cell may name at most (its separators plus one),
    counted before splitting, which reads each piece through the matcher."""
    return len(_PIECE.findall(cell or "")) + 1


def split_mentions(
    cell: str,
    matcher: Matcher,
    warnings: list[str] | None = None,
    *,
    commune: str | None = None,
    level: str | None = None,
) -> list[str]:
    """The mentions named in one agency cell of a document of `commune`
    issued at `level`, in order, as written (tidied); a cell naming more than
    MAX_MENTIONS keeps the first ones and says so in `warnings`."""
    reader = _Reader(matcher, commune, level)
    mentions: list[str] = []
    for segment in (line for part in _SEGMENT.split(cell or "") for line in _lines(part, reader)):
        mentions += _split_segment(_tidy(segment), reader)
        if len(mentions) > MAX_MENTIONS:
            break
    mentions = [m for m in mentions if m]
    if len(mentions) > MAX_MENTIONS:
        if warnings is not None:
            warnings.append(
                f"agency cell names more than {MAX_MENTIONS} agencies; kept the first {MAX_MENTIONS} "
                f"(starting {clean(cell)[:60]!r}): check the cell is an agency column"
            )
        mentions = mentions[:MAX_MENTIONS]
    return mentions


def _lines(text: str, reader: _Reader) -> list[str]:
    """The cell's lines, a line wrapped inside a name joined back. A line
    continues the one before when that one ends open ("… và", "… -", "… ,"),
    when the two read as one known name ("Văn phòng HĐND và" / "UBND xã"), or
    when it starts in lower case and names no agency of its own ("công xã");
    a list item ("- …") or a line starting in capitals begins a mention.
    Only a line that might begin a mention reads the joined text again, so
    lines wrapped one after another cost their own length, not the sum."""
    out: list[str] = []
    end = ""  # the end of out[-1]: its last line and the space before it
    for line in (part.strip() for part in _LINE.split(text)):
        if not line:
            continue
        if (
            out
            and not _MARKER.match(line)
            and (
                _OPEN_END.search(end)
                or line[0].islower()
                and not reader.match(line).unit
                or reader.exact(f"{out[-1]} {line}")  # last: the only test that reads all of out[-1]
            )
        ):
            out[-1], end = f"{out[-1]} {line}", f" {line}"
        else:
            out.append(line)
            end = line
    return out


def _split_segment(segment: str, reader: _Reader) -> list[str]:
    if not segment:
        return []
    if "(" in segment and not reader.exact(segment):
        bracket = _BRACKET.match(segment)
        if bracket:
            head = _HEAD_CONNECTOR.sub("", bracket["head"])
            unit = reader.exact(head)
            if unit and reader.matcher.registry.unit(unit).kind == "government" and bracket["inner"].strip():
                return _split_segment(_tidy(bracket["inner"]), reader)  # UBND xã (the positions)
    parts = _ATOM.split(_protect_brackets(segment))
    atoms = [_restore(p).strip() for p in parts[0::2]]
    seps = [p.strip().lower() for p in parts[1::2]]  # seps[i] sits between atoms i and i+1
    return _split_atoms(atoms, seps, reader)


def _protect_brackets(text: str) -> str:
    """Hide separators inside brackets, which comment on the name before them."""
    return re.sub(
        r"\([^()]*\)?",
        lambda m: m.group(0).replace(",", "\0c").replace("&", "\0a").replace(" và ", "\0v").replace(" Và ", "\0V"),
        text,
    )


def _restore(text: str) -> str:
    return text.replace("\0c", ",").replace("\0a", "&").replace("\0v", " và ").replace("\0V", " Và ")


def _join(atoms: list[str], seps: list[str]) -> str:
    out = atoms[0]
    for sep, atom in zip(seps, atoms[1:]):
        out += (", " if sep == "," else f" {sep} ") + atom
    return out


def _split_atoms(atoms: list[str], seps: list[str], reader: _Reader) -> list[str]:
    def known_run(i: int) -> int | None:
        """End of the longest run of two or more atoms from i that reads as one
        known name: exactly, or matched with a near-perfect score."""
        for j in range(min(len(atoms), i + _longest_run(reader.matcher)), i + 1, -1):
            text = _join(atoms[i:j], seps[i : j - 1])
            if reader.exact(text) or reader.match(text).score >= RUN_SCORE and reader.match(text).unit:
                return j
        return None

    out: list[str] = []
    i, n = 0, len(atoms)
    while i < n and len(out) <= MAX_MENTIONS:  # the rest is dropped (split_mentions warns)
        j = known_run(i)
        if j:
            out.append(_join(atoms[i:j], seps[i : j - 1]))
            i = j
            continue
        j = i + 1  # else the chain "A và B" up to the next comma or known run
        while j < n and seps[j - 1] != "," and not known_run(j):
            j += 1
        pieces = _split_and(atoms[i:j], seps[i : j - 1], reader)
        if (
            out
            and seps[i - 1] == ","
            and len(pieces) == 1
            and not _starts_agency(pieces[0], reader)
            and not reader.match(pieces[0]).unit
        ):
            out[-1] = f"{out[-1]}, {pieces[0]}"  # "Các ban, ngành, địa phương"
        else:
            out += pieces
        i = j
    return out


def _split_and(atoms: list[str], seps: list[str], reader: _Reader) -> list[str]:
    """Split a chain "A và B và C" where the parts are agencies of their own."""
    whole = _join(atoms, seps)
    if len(atoms) == 1 or reader.match(whole).unit:
        return [whole]
    if len(atoms) > 2 * _longest_run(reader.matcher):  # no name is this long: every "và" separates
        return atoms
    for p in range(1, len(atoms)):
        left, right = _join(atoms[:p], seps[: p - 1]), _join(atoms[p:], seps[p:])
        left_ok, right_ok = bool(reader.match(left).unit), bool(reader.match(right).unit)
        if (
            (left_ok and right_ok)
            or (left_ok and _starts_agency(right, reader) and not _inside_name(left, right, reader))
            or (right_ok and _starts_agency(left, reader) and not _inside_name(left, right, reader))
        ):
            return _split_and(atoms[:p], seps[: p - 1], reader) + _split_and(atoms[p:], seps[p:], reader)
    return [whole]


def _inside_name(left: str, right: str, reader: _Reader) -> bool:
    """The connector between `left` and `right` joins the words next to it
    into one known name: "… Văn phòng HĐND" và "UBND xã" is no "UBND xã"."""
    lw, rw = left.split(), right.split()
    mine = {reader.match(left).unit, reader.match(right).unit}
    joined = [" ".join(lw[-k:]) + " và " + right for k in range(1, min(len(lw), 5) + 1)] + [
        left + " và " + " ".join(rw[:k]) for k in range(1, min(len(rw), 5) + 1)
    ]
    return any(reader.match(j).unit not in mine for j in joined)
