"""Property-based fuzzing (hypothesis) of the readers and the parsers.

The readers get sample files with bytes flipped, cut, spliced or inserted and
TSV text built from hostile characters; the target, deadline and agency
parsers get arbitrary text. Whatever they get, a reader returns a Document
or raises ExtractError (a one-line reason), and a parser returns a value;
anything else is a bug. A failing example becomes a regression file under
tests/data/fuzz/ (read back by the last test). Bounded for CI; a longer
run: HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SAMPLES
from chitieu.ingest import ExtractError, ExtractSettings
from chitieu.ingest.__init__ import _reader
from chitieu.ingest.assemble import assemble
from chitieu.ingest.sniff import sniff

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REGRESSIONS = Path(__file__).resolve().parent / "data" / "fuzz"
SOURCES = {suffix: sorted(SAMPLES.glob(f"*/*{suffix}")) for suffix in (".tsv", ".docx", ".pdf")}


def read_bytes(data: bytes, name: str) -> None:
    """What ingest.extract does after reading the file: a Document or ExtractError."""
    try:
        fmt = sniff(data, name)
        assemble(_reader(fmt)(data, ExtractSettings()).blocks)
    except ExtractError as e:
        assert "\n" not in str(e)
    except Exception:
        REGRESSIONS.mkdir(parents=True, exist_ok=True)
        (REGRESSIONS / f"crash-{abs(hash(data)) % 10**10}{os.path.splitext(name)[1]}").write_bytes(data)
        raise


@st.composite
def mutated(draw, suffix: str) -> bytes:
    source = draw(st.sampled_from(SOURCES[suffix]))
    data = bytearray(source.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "cut", "insert", "zero", "repeat"]))
        if how == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 4096))]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif how == "zero":
            data[at : at + 512] = bytes(len(data[at : at + 512]))
        else:
            data[at:at] = data[at : at + 64] * draw(st.integers(2, 50))
    return bytes(data)


@pytest.mark.parametrize("suffix", [".tsv", ".docx", ".pdf"])
def test_mutated_files_load_or_fail_with_one_line(suffix):
    @given(mutated(suffix))
    def check(data):
        read_bytes(data, "plan" + suffix)

    check()


HOSTILE = st.sampled_from(
    [
        "\t",
        "\n",
        "\r",
        '"',
        "\v",
        "\f",
        "\u2028",
        "\x85",
        "\x00",
        "\ud800",
        "≥",
        "%",
        "-",
        "STT",
        "Nội dung",
        "Chỉ tiêu",
        "Đơn vị chủ trì",
        "Phối hợp",
        "I",
        "1.",
        "•",
        "=",
        "5G",
    ]
)


@given(st.lists(st.one_of(HOSTILE, st.text(max_size=8)), max_size=200))
def test_hostile_tsv_text_loads_or_fails_with_one_line(parts):
    read_bytes("".join(parts).encode("utf-8", "surrogatepass"), "plan.tsv")


TEXT = st.text(st.characters(codec="utf-8"), max_size=300) | st.lists(HOSTILE, max_size=60).map(" ".join)


@given(TEXT, TEXT, TEXT)
def test_target_and_deadline_parsers_take_any_text(target, unit, indicator):
    from chitieu.normalize.deadlines import parse_deadline
    from chitieu.normalize.targets import parse_target

    first, more = parse_target(target, unit, indicator)
    assert first is None or first.kind in ("numeric", "boolean", "text")
    assert isinstance(more, list)
    parse_deadline(target)


_MATCHER = None


@given(TEXT)
def test_agency_splitting_and_matching_take_any_text(cell):
    global _MATCHER
    from chitieu.normalize.agencies import split_mentions
    from chitieu.normalize.matching import Matcher
    from chitieu.normalize.registry import load_registry

    _MATCHER = _MATCHER or Matcher(load_registry())
    for mention in split_mentions(cell, _MATCHER):
        assert _MATCHER.match(mention).status in ("matched", "unresolved")


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*")) if REGRESSIONS.exists() else [], ids=lambda p: p.name)
def test_every_crash_found_stays_fixed(path):
    read_bytes(path.read_bytes(), path.name)
