"""Properties of agency resolution on generated spellings (tests/spellings.py):
every variant of a unit's name resolves to it, no trap resolves, two agencies
glued together resolve to neither, cells split on their line breaks."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chitieu.normalize.agencies import MAX_MENTIONS, split_mentions
from chitieu.normalize.matching import Matcher
from chitieu.normalize.registry import load_registry
from spellings import COMMUNES, old_tone, traps, variants

SEEDS = [1, 2, 3, 4, 5]


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def matcher(registry) -> Matcher:
    return Matcher(registry)


def test_generator_covers_the_rules(registry):
    generated = [m for seed in SEEDS for m, _, _ in variants(registry, seed)]
    assert len(generated) > 1500
    assert any("VH-XH" in m or "VHXH" in m for m in generated)  # initials of runs
    assert any(m.startswith(("P.", "Ph.")) for m in generated)  # dotted head
    assert any(c in m for m in generated for c in COMMUNES)  # commune names
    assert any("trên địa bàn xã" in m for m in generated) and any("(chủ trì)" in m for m in generated)
    assert any("hoá" in m for m in generated) and any(m.isupper() for m in generated)
    assert any(" & " in m for m in generated)
    assert old_tone("Văn hóa, Đảng ủy") == "Văn hoá, Đảng uỷ"
    assert len(traps(registry, 1)) > 150


@pytest.mark.parametrize("seed", SEEDS)
def test_every_variant_resolves_to_its_unit(matcher, registry, seed):
    wrong = [
        (m, unit, got.unit)
        for m, unit, commune in variants(registry, seed)
        if (got := matcher.match(m, commune)).unit != unit or got.status != "matched"
    ]
    assert wrong == []


@pytest.mark.parametrize("seed", SEEDS)
def test_no_trap_resolves(matcher, registry, seed):
    resolved = [(t, matcher.match(t).unit) for t in traps(registry, seed) if matcher.match(t).unit]
    assert resolved == []


def test_two_agencies_glued_resolve_to_neither(matcher, registry):
    rng = random.Random(7)
    pairs = rng.sample(list(itertools.permutations(registry.units, 2)), 200)
    glued = [(f"{a.name} {b.name}", matcher.match(f"{a.name} {b.name}").unit) for a, b in pairs]
    assert [g for g in glued if g[1] is not None] == []


@pytest.mark.parametrize("glue", [" ", "\n"])
def test_two_spellings_glued_never_read_as_one(matcher, registry, glue):
    """Two agencies written together are read as two, or left (partly) to a
    clerk; never as one of them, never as a third."""
    rng = random.Random(9)
    spelled = variants(registry, 9)
    glued = []
    for _ in range(300):
        (a, ua, commune), (b, ub, _) = rng.sample(spelled, 2)
        if ua != ub:
            cell = f"{a}{glue}{b}"
            got = [matcher.match(m, commune).unit for m in split_mentions(cell, matcher, commune=commune)]
            one_for_two = len(got) == 1 and got[0] is not None
            glued.append((cell, got, not one_for_two and set(got) <= {ua, ub, None}))
    assert [g for g in glued if not g[2]] == []


def test_national_plan_keeps_commune_units_off(matcher):
    assert matcher.match("Các cơ quan Đảng", level="national").unit is None
    assert matcher.match("Các doanh nghiệp", level="national").unit is None
    assert matcher.match("Các cơ quan Đảng").unit == "Các cơ quan Đảng"
    assert matcher.match("UBND tỉnh", level="province").unit == "Ủy ban nhân dân tỉnh"
    assert matcher.match("Công an xã", level="province").unit == "Công an xã"  # named by its level word
    assert matcher.match("Phòng Nội vụ", level="district").unit == "Phòng Nội vụ huyện"
    assert matcher.match("Phòng Nội vụ", level="province").unit is None


def test_cells_split_on_line_breaks(matcher, registry):
    rng = random.Random(3)
    for _ in range(50):
        picked = rng.sample(variants(registry, 2), rng.randint(2, 5))
        cell = "\n".join(m for m, _, _ in picked)
        mentions = split_mentions(cell, matcher)
        assert [matcher.match(m, c).unit for m, (_, _, c) in zip(mentions, picked)] == [u for _, u, _ in picked]


def test_comma_piece_starting_with_an_abbreviation_or_brand_stands_alone(matcher):
    assert split_mentions("Phòng Văn hóa - Xã hội, VNPT, Viettel", matcher) == [
        "Phòng Văn hóa - Xã hội",
        "VNPT",
        "Viettel",
    ]
    assert split_mentions("CA xã, Phòng VHXH", matcher) == ["CA xã", "Phòng VHXH"]


def test_a_cell_is_capped_with_a_warning(matcher):
    warnings: list[str] = []
    mentions = split_mentions(", ".join(["Công an xã", "Trạm Y tế xã", "Phòng Kinh tế"] * 100), matcher, warnings)
    assert len(mentions) == MAX_MENTIONS
    assert len(warnings) == 1 and f"more than {MAX_MENTIONS} agencies" in warnings[0]


class _Reading(Matcher):
    """A real matcher that counts the characters it is asked to read."""

    read = 0

    def match(self, mention, *args, **kwargs):
        self.read += len(mention)
        return super().match(mention, *args, **kwargs)

    def exact(self, mention, *args, **kwargs):
        self.read += len(mention)
        return super().exact(mention, *args, **kwargs)


_WRAPPED = ["các thôn", "ngành", "đơn vị số", "địa phương", "công xã", "và các hội"]


@pytest.mark.parametrize(
    "seps, words",
    [
        (["\n"], "wrapped"),  # lines wrapped inside one long name
        (["\n", "\n- "], "mixed"),
        ([" và ", " & "], "mixed"),
        ([", "], "wrapped"),  # comma pieces that start no agency join the one before
        ([", ", "; ", " và "], "mixed"),
        ([", "], "bracketed"),
    ],
)
def test_splitting_reads_a_cell_in_linear_work(registry, seps, words):
    """Splitting a cell four times as long reads at most about four times as
    many characters through the matcher, whatever its separators."""
    spellings = [m for m, _, _ in variants(registry, 1)]
    pieces = _WRAPPED if words == "wrapped" else spellings + _WRAPPED

    def cell(n: int) -> str:
        pick = random.Random(7)  # the short cell is the long one's start
        text = pick.choice(pieces)
        for i in range(n - 1):
            text += pick.choice(seps) + pick.choice(pieces) + f" {i}" * pick.randint(0, 1)
        return f"UBND xã ({text})" if words == "bracketed" else text

    reads = []
    for n in (100, 400):
        m = _Reading(registry)
        split_mentions(cell(n), m, [])
        reads.append(m.read / len(cell(n)))
    assert reads[1] <= 1.3 * reads[0] + 1, reads


ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĐHQTUV àáảãạèéẻẽẹ.,;-–&()/:\n"


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_any_cell_splits_and_resolves_without_error(matcher, cell):
    for mention in split_mentions(cell, matcher, []):
        got = matcher.match(mention, "Hòa Phú", "commune")
        assert got.status in ("matched", "unresolved") and len(got.candidates) <= 3


def test_a_long_glued_mention_is_refused_at_once(matcher):
    mention = " ".join(["Phòng Kinh tế Công an xã Trạm Y tế"] * 60)
    assert matcher.match(mention).unit is None
