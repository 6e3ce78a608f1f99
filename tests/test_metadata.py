"""Plan metadata from title lines however a producer wraps them: a PDF or a
narrow text export breaks the title paragraphs wherever its width falls."""

from __future__ import annotations

import textwrap

import pytest
from conftest import SAMPLES

from chitieu.ingest import extract
from chitieu.ingest.metadata import plan_meta

PLANS = sorted((SAMPLES / "tsv").glob("*.tsv"))


def split(path):
    """A TSV sample's title lines and the rest (its table)."""
    lines = path.read_text("utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if l.count("\t") >= 2)
    return lines[:start], lines[start:]


def meta(m):
    return m.commune, m.plan_number, m.issued_on, m.year, m.level


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
@pytest.mark.parametrize("width", [40, 47, 55, 62, 70, 85, 100])
def test_wrapped_title_lines_give_the_same_metadata(plan, width, tmp_path):
    title, table = split(plan)
    wrapped = [piece for line in title for piece in textwrap.wrap(line, width) or [""]]
    copy = tmp_path / plan.name
    copy.write_text("\n".join(wrapped + table) + "\n", "utf-8")
    assert meta(extract(copy).meta) == meta(extract(plan).meta)


GROUND = "Thực hiện Kế hoạch số 119/KH-UBND ngày 09/3/2026 của UBND tỉnh về chuyển đổi số năm 2026;"


@pytest.mark.parametrize("cut", range(8, len(GROUND.split())))
def test_a_body_cited_in_a_wrapped_ground_is_not_the_issuer(cut):
    """Wherever the ground breaks ("… của" / "UBND tỉnh …"), the commune issues the plan."""
    words = GROUND.split()
    lines = ["KẾ HOẠCH", "Chuyển đổi số xã Hòa Phú năm 2026", " ".join(words[:cut]), " ".join(words[cut:])]
    lines += ["UBND xã Hòa Phú ban hành Kế hoạch chuyển đổi số năm 2026 như sau:"]
    assert (plan_meta(lines).commune, plan_meta(lines).level) == ("Hòa Phú", "commune")


@pytest.mark.parametrize(
    "lines, commune",
    [
        (["UBND xã Hòa Phú", "Kế hoạch chuyển đổi số năm 2026"], "Hòa Phú"),  # a short line ends the name
        (["Kế hoạch chuyển đổi số trong các cơ quan nhà nước xã Xuân", "Hưng năm 2026"], "Xuân Hưng"),
        (["Kế hoạch chuyển đổi số trong các cơ quan nhà nước xã Xuân Lộc năm", "2026"], "Xuân Lộc"),
        (["Kế hoạch chuyển đổi số trong các cơ quan nhà nước xã Xuân Lộc", "năm 2026"], "Xuân Lộc"),
        (["của UBND xã Hòa phú)", "Kế hoạch"], "Hòa Phú"),  # lower case, closed by punctuation
    ],
)
def test_a_commune_name_runs_on_only_over_a_wrapped_line(lines, commune):
    assert plan_meta(lines).commune == commune
