"""A spelling generator over the registry: how offices write a unit's name,
and near names that are other agencies (traps).

`variants(registry, seed)` rewrites every canonical name by the rules of
office writing, one to three rules at a time: the initials of a syllable run
("VH-XH", "BCHQS", "P.KT"), dots/dashes/spaces between abbreviations, a real
commune or district name after the level word, a scope tail or role hint,
old tone placement ("hoà"), case, one typo in a long syllable, "và"/"-"/"&"
swapped, regional village words. `traps(registry, seed)` changes what makes
a name another agency: the head noun (Trung tâm / Trạm / Phòng / Sở / Ban),
the level (xã / huyện / tỉnh), or an added member ("Phòng Kinh tế, Hạ tầng
và Đô thị"). Both are deterministic for a seed.
"""

from __future__ import annotations

import random
import re
import unicodedata

from chitieu.normalize.names import key
from chitieu.normalize.registry import Registry, Unit

COMMUNES = [
    "Hòa Phú",
    "An Bình",
    "Tân Thành",
    "Xuân Lộc",
    "Phước Thiện",
    "Đắk Mil",
    "Ea Kar",
    "Vĩnh Thạnh",
    "Bình Minh",
    "Long Hưng",
    "Mỹ Hòa",
    "Quảng Điền",
    "Thạch Hà",
    "Nghĩa Đàn",
    "Cẩm Xuyên",
    "Lộc Ninh",
    "Hướng Hóa",
    "Krông Pắc",
    "Đông Hà",
    "Phú Lộc",
    "Yên Thế",
    "Lục Yên",
    "Mường Tè",
    "Tuy Phước",
    "Cái Bè",
    "Châu Thành",
    "Hải Lăng",
    "Ngọc Lặc",
    "Thanh Thủy",
    "Kim Sơn",
]
DISTRICTS = ["Vạn Ninh", "Krông Pắc", "Châu Thành", "Lộc Ninh", "Hướng Hóa", "Phú Lộc", "Nghĩa Đàn"]
PROVINCES = ["Đồng Nai", "Đắk Lắk", "Quảng Trị", "Thanh Hóa", "Hà Tĩnh", "Khánh Hòa"]
TAILS = [" trên địa bàn xã", " liên quan", " có liên quan", " thuộc UBND xã", " (chủ trì)", " (phối hợp)"]
PREFIXES = ["Chủ trì: ", "Phối hợp: ", "- ", ""]
HEADS = ["Trung tâm", "Trạm", "Phòng", "Sở", "Ban", "Văn phòng", "Chi cục", "Đội"]
EXTRA = ["Hạ tầng và Đô thị", "Môi trường", "Du lịch", "Nông nghiệp", "Dân tộc", "Tôn giáo", "Khoa học"]
LEVEL_WORD = {"commune": "xã", "district": "huyện", "province": "tỉnh"}
PLACES = {"xã": COMMUNES, "huyện": DISTRICTS, "tỉnh": PROVINCES}
VILLAGES = ["ấp", "bản", "buôn", "làng", "tổ dân phố", "khu phố"]
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_NEW_TONE = re.compile(r"(?<![qQ])([oOuU])([" + _TONES + r"])([aAeEyY])(?![^\W\d_]|[\u0300-\u036f])")
_LEVELS = re.compile(r"\b(xã|huyện|tỉnh)$")


def old_tone(text: str) -> str:
    """'hóa' -> 'hoá', 'thủy' -> 'thuỷ' (tone on the second vowel)."""
    return unicodedata.normalize("NFC", _NEW_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", text)))


def _syllables(name: str) -> list[str]:
    return name.replace(" - ", " ").replace(" và ", " ").replace(",", "").split()


_FILLER = {"các", "trên", "địa", "bàn", "của", "xã", "huyện", "tỉnh"}


def _initials(words: list[str]) -> str:
    """'Ủy ban' -> 'UB', 'Đảng ủy' -> 'ĐU' (tone off, Đ kept)."""
    return "".join("Đ" if w[0] in "Đđ" else unicodedata.normalize("NFD", w[0])[0].upper() for w in words)


def _abbreviable(words: list[str]) -> bool:
    """Words offices abbreviate: no registered abbreviation, filler or level word."""
    lower = [w.lower() for w in words]
    return len(words) >= 2 and all(
        not (len(w) > 1 and w.isupper()) and (lower[i] not in _FILLER or lower[i + 1 : i + 2] == ["hội"])
        for i, w in enumerate(words)
    )


def _abbreviate(name: str, rng: random.Random) -> str:
    """Initials of one run of two or more syllables inside one member of the
    name ("Phòng Văn hóa - Xã hội" -> "Phòng VH - Xã hội"), or of each member
    ("Phòng VH-XH"), or of the head too ("P.KT")."""
    members = [m.split() for m in re.split(r"\s+-\s+|\s+và\s+|,\s*", name)]
    seps = re.findall(r"\s+-\s+|\s+và\s+|,\s*", name)
    level = members[-1][-1] if members[-1][-1] in PLACES else None
    if level:
        members[-1] = members[-1][:-1]
    choice = rng.random()
    if choice < 0.4 and len(members[0]) >= 3 and all(_abbreviable(m) for m in members[1:] if len(m) >= 2):
        head = 2 if members[0][0] in ("Trung", "Văn", "Ủy", "Công") and len(members[0]) >= 4 else 1
        if not _abbreviable(members[0][head:]):
            return name
        out = [" ".join(members[0][:head]) + " " + _initials(members[0][head:])]
        out += [_initials(m) if len(m) >= 2 else " ".join(m) for m in members[1:]]
        glue = rng.choice(["-", " - ", "-"])
        text = out[0] + "".join((glue if s.strip() in ("-", "và") else ", ") + o for s, o in zip(seps, out[1:]))
    elif (
        choice < 0.6
        and members[0][0] == "Phòng"
        and len(members[0]) >= 3
        and all(_abbreviable(m) for m in [members[0][1:], *members[1:]])
    ):
        rest = [_initials(members[0][1:])] + [_initials(m) for m in members[1:]]
        text = rng.choice(["P.", "P. ", "Ph. "]) + "-".join(rest)
    else:  # one run of two syllables or more somewhere
        words = _syllables(" ".join(" ".join(m) for m in members))
        runs = [
            (i, j)
            for i in range(len(words))
            for j in range(i + 2, min(len(words), i + 6) + 1)
            if _abbreviable(words[i:j]) and (j - i > 2 or len(words) > 2 or level)
        ]  # "TT" alone is no name
        if not runs:
            return name
        i, j = rng.choice(runs)
        sep = rng.choice([" ", " ", ".", "-"])
        text = (
            " ".join(words[:i])
            + (sep if i else "")
            + _initials(words[i:j])
            + (sep if j < len(words) else "")
            + " ".join(words[j:])
        )
    return f"{text} {level}" if level else text


def _typo(name: str, rng: random.Random, vocab: set[str]) -> str:
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha() and not w.isupper()]
    if not long:
        return name
    i = rng.choice(long)
    w = words[i]
    k = rng.randrange(2, len(w) - 1)  # the first letter is rarely mistyped
    typo = rng.choice([w[:k] + w[k + 1 :], w[:k] + w[k] + w[k:], w[: k - 1] + w[k] + w[k - 1] + w[k + 1 :]])
    if typo.lower() in vocab or typo == w:
        return name
    return " ".join(words[:i] + [typo] + words[i + 1 :])


def _place(name: str, unit: Unit, rng: random.Random, commune: str) -> str:
    """The document's commune (or a district, province) after the level word."""
    if m := _LEVELS.search(name):
        return f"{name} {commune if m.group(1) == 'xã' else rng.choice(PLACES[m.group(1)])}"
    if unit.level == "commune" and rng.random() < 0.5:
        return f"{name} xã {commune}"
    return name


def _connectors(name: str, rng: random.Random) -> str:
    return re.sub(r"\s+(?:-|và|&)\s+", lambda m: rng.choice([" - ", " và ", " & ", "-", " – "]), name)


def _case(name: str, rng: random.Random) -> str:
    return rng.choice([name.upper(), name.lower(), " ".join(w[:1].upper() + w[1:] for w in name.split())])


def _village(name: str, rng: random.Random) -> str:
    return re.sub(r"\bthôn\b", lambda m: rng.choice(VILLAGES), name) if "thôn" in name else name


def _vocabulary(registry: Registry) -> set[str]:
    return {w.lower() for u in registry.units for n in (u.name, *u.aliases) for w in re.findall(r"\w+", n)}


def variants(registry: Registry, seed: int, per_unit: int = 12) -> list[tuple[str, str, str]]:
    """(mention, unit, the document's commune) triples, each a canonical name
    rewritten by 1-3 rules (abbreviation first, tails and hints last)."""
    rng = random.Random(seed)
    vocab = _vocabulary(registry)
    commune = ""
    rules = [
        lambda n, u: _abbreviate(n, rng),
        lambda n, u: _place(n, u, rng, commune),
        lambda n, u: n + rng.choice(TAILS),
        lambda n, u: rng.choice(PREFIXES) + n,
        lambda n, u: old_tone(n),
        lambda n, u: _typo(n, rng, vocab),
        lambda n, u: _connectors(n, rng),
        lambda n, u: _village(n, rng),
    ]
    out: dict[str, tuple[str, str]] = {}
    for unit in registry.units:
        for _ in range(per_unit):
            name, commune = unit.name, rng.choice(COMMUNES)
            rules[1] = lambda n, u, c=commune: _place(n, u, rng, c)
            picked = rng.sample(range(len(rules)), rng.randint(1, 3))
            for r in sorted(picked, key=lambda r: (r != 0, r in (2, 3))):
                name = rules[r](name, unit)
            if rng.random() < 0.15:
                name = _case(name, rng)
            out.setdefault(name, (unit.name, commune))
    return [(m, u, c) for m, (u, c) in out.items()]


def traps(registry: Registry, seed: int) -> list[str]:
    """Names of agencies the registry does not hold, each one change away
    from a registered name."""
    rng = random.Random(seed)
    spellings = [n for u in registry.units for n in (u.name, *u.aliases)]
    keys = {key(n) for n in spellings}
    levelless = {_levelless(k) for k in keys}
    other, level = set(), set()
    for unit in registry.units:
        name = unit.name
        for old in HEADS:  # another head noun
            if name.startswith(old + " "):
                other.update(head + name[len(old) :] for head in HEADS if head != old)
        if unit.level != "any":  # another level
            for word in ("xã", "huyện", "tỉnh"):
                if word != LEVEL_WORD[unit.level]:
                    level.add(_LEVELS.sub(word, name) if _LEVELS.search(name) else f"{name} {word}")
        extra = rng.choice(EXTRA)  # another member
        other.add(rng.choice([f"{name}, {extra}", f"{name} và {extra}", f"{name} - {extra}"]))
    return sorted({t for t in other if _levelless(key(t)) not in levelless} | {t for t in level if key(t) not in keys})


def _levelless(k: str) -> str:
    return " ".join(w for w in k.split() if w not in ("xã", "huyện", "tỉnh"))
