"""The web pages through Flask's test client, on SQLite and PostgreSQL: every
route, decisions through the same store calls as the CLI, and the security
rules (CSRF, escaping, names, passwords)."""

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from chitieu import batch
from chitieu.cli import main
from chitieu.ingest import ExtractSettings
from chitieu.store import connect, queries, review, units
from chitieu.store.export import iter_records
from chitieu.web import PasswordRequired, check_exposure, create_app

from conftest import ROOT, SAMPLES
from PIL import Image
from scans import smudged_scan

MENTION = "Các cán bộ công chức được phân công phụ trách"  # 5 rows in one TSV, the top of the queue
UNIT = "Cán bộ, công chức xã"
PDF = SAMPLES / "pdf" / "xuan-hung-2026.pdf"
HOSTILE = "<script>alert('x')</script> Ban <b>Tuyên giáo</b>"


def ingest(engine, *paths):
    files, _ = batch.collect(paths)
    return batch.run(files, engine, ExtractSettings())


@pytest.fixture
def loaded(engine):
    """The TSV samples and the ruled Xuân Hưng PDF, loaded."""
    ingest(engine, SAMPLES / "tsv", PDF)
    return engine


class Browser:
    """A test client that carries the session's CSRF token like the pages do."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def get(self, url, **kw):
        r = self.client.get(url, **kw)
        found = r.mimetype == "text/html" and re.search(r'name="csrf" value="([^"]+)"', r.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return r

    def post(self, url, data=None, htmx=False, csrf=True):
        if csrf and self.token is None:
            self.get("/login")
        data = dict(data or {}, **({"csrf": self.token} if csrf else {}))
        return self.client.post(url, data=data, headers={"HX-Request": "true"} if htmx else {})

    def sign_in(self, name="Lan", password=""):
        self.get("/login")
        return self.post("/login", {"name": name, "password": password})


@pytest.fixture
def browser(loaded):
    b = Browser(create_app(loaded))
    b.sign_in()
    return b


def text(r) -> str:
    return r.get_data(as_text=True)


def states(engine, mention):
    return {(a["unit"], a["status"]) for r in iter_records(engine) for a in r["assignments"] if a["raw"] == mention}


def size(r) -> tuple[int, int]:
    """(names, rows) the queue panel says are left."""
    found = re.search(r"<strong>(\d+)</strong> names left, leaving <strong>(\d+)</strong> rows unsettled", text(r))
    return int(found.group(1)), int(found.group(2))


def test_queue_shows_top_name_with_use_and_candidates(browser, loaded):
    top = units.unresolved(loaded)[0]  # the matcher's figures: the page must show them
    page = browser.get("/queue")
    assert size(page) == queries.queue_size(loaded) and size(page)[0] == len(units.unresolved(loaded))
    page = text(page)
    assert top["mention"] == MENTION and f'id="mention">{MENTION}<' in page
    assert "used in 5 rows of 1 documents" in page
    assert "xuan-son-dti-2023.tsv" in page and "DVCTT mức độ 3, 4" in page  # a typical use
    assert re.findall(r'class="candidate">([^<]+)<', page) == [c["unit"] for c in top["candidates"]]
    assert re.findall(r'class="score">score (\d+)<', page) == [f"{c['score']:.0f}" for c in top["candidates"]]
    assert top["candidates"][0]["unit"] == UNIT
    assert 'id="accept-1"' in page and 'id="skip"' in page and 'id="undo"' in page
    assert text(browser.get("/queue/panel")).startswith('\n<section id="queue">')


def test_accept_is_the_cli_decision_and_applies_to_later_ingests(browser, loaded, tmp_path):
    names, _ = queries.queue_size(loaded)
    r = browser.post("/decide", {"mention": MENTION, "to": UNIT}, htmx=True)
    assert r.status_code == 200
    assert f"“{MENTION}” → {UNIT}: 5 rows updated." in text(r)
    assert size(r) == queries.queue_size(loaded) and size(r)[0] == names - 1
    assert [(h["mention"], h["unit"], h["decided_by"], h["action"]) for h in units.history(loaded)] == [
        (MENTION, UNIT, "Lan", "alias")
    ]
    assert states(loaded, MENTION) == {(UNIT, "confirmed")}
    later = tmp_path / "later.tsv"
    later.write_text(
        f"STT\tNội dung chỉ tiêu\tChỉ tiêu\tCơ quan chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t100%\t{MENTION.upper()}\n",
        encoding="utf-8",
    )
    assert [r.status for r in ingest(loaded, later)] == ["loaded"]
    assert states(loaded, MENTION.upper()) == {(UNIT, "confirmed")}


def test_undo_takes_back_only_my_last_decision(browser, loaded):
    units.resolve(loaded, "Phòng Văn", "Phòng Văn hóa - Xã hội", by="Minh")
    browser.post("/decide", {"mention": MENTION, "to": UNIT}, htmx=True)
    r = browser.post("/queue/undo", htmx=True)
    assert f"Undone: your decision on “{MENTION}”." in text(r)
    assert f'id="mention">{MENTION}<' in text(r)
    assert states(loaded, MENTION) == {(None, "unresolved")}
    assert [h["decided_by"] for h in units.history(loaded)] == ["Minh"]
    assert "Lan has no decision to undo." in text(browser.post("/queue/undo", htmx=True))


def test_undo_of_a_change_brings_back_the_earlier_decision(browser, loaded):
    browser.post("/decide", {"mention": MENTION, "to": UNIT})
    browser.post("/decide", {"mention": MENTION, "to": "Công chức Văn hóa - Xã hội"})
    assert states(loaded, MENTION) == {("Công chức Văn hóa - Xã hội", "confirmed")}
    browser.post("/queue/undo")
    assert states(loaded, MENTION) == {(UNIT, "confirmed")}
    assert [h["unit"] for h in units.history(loaded)] == [UNIT]
    assert f'id="mention">{units.unresolved(loaded)[0]["mention"]}<' in text(browser.get("/queue"))


def test_new_unit_is_confirmed_first_then_saved_and_undone(browser, loaded):
    data = {"mention": "Phòng Văn", "new": "1", "name": "Phòng Văn thư", "kind": "office", "level": "commune"}
    ask = text(browser.post("/decide", data, htmx=True))
    assert "Add <strong>Phòng Văn thư</strong> (office, commune) as a new unit" in ask
    assert "Phòng Văn thư" not in units.unit_names(loaded)
    done = text(browser.post("/decide", dict(data, confirm="1"), htmx=True))
    assert "“Phòng Văn” → Phòng Văn thư: 2 rows updated." in done
    assert states(loaded, "Phòng Văn") == {("Phòng Văn thư", "confirmed")}
    assert units.history(loaded)[-1]["action"] == "new"
    browser.post("/queue/undo", htmx=True)
    assert "Phòng Văn thư" not in units.unit_names(loaded)
    assert states(loaded, "Phòng Văn") == {(None, "unresolved")}
    lookalike = text(browser.post("/decide", dict(data, name="Phòng  Kinh tế", confirm="1"), htmx=True))
    assert "reads the same as &#39;Phòng Kinh tế&#39;" in lookalike


def test_skip_moves_on_and_unskip_brings_back(browser, loaded):
    r = text(browser.post("/queue/skip", {"mention": MENTION}, htmx=True))
    assert f'id="mention">{MENTION}<' not in r and "1 skipped" in r
    assert f'id="mention">{units.unresolved(loaded)[1]["mention"]}<' in r
    assert f'id="mention">{MENTION}<' in text(browser.post("/queue/unskip", htmx=True))


@pytest.mark.parametrize("typed", ["VAN HOA", "văn hoá", "Văn Hóa"])
def test_search_is_accent_and_case_blind(browser, typed):
    page = text(browser.get(f"/units/search?q={typed}&mention=Phòng Văn", headers={"HX-Request": "true"}))
    assert re.findall(r'class="hit">([^<]+)<', page) == [
        "Công chức Văn hóa - Xã hội",
        "Phòng Văn hóa và Thông tin huyện",
        "Phòng Văn hóa - Xã hội",
        "Trung tâm Văn hóa - Thông tin - Thể thao xã",
        "Trung tâm Văn hóa - Thông tin và Thể thao huyện",
    ]
    assert 'name="mention" value="Phòng Văn"' in page
    assert "<html" in text(browser.get(f"/units/search?q={typed}&mention=x"))  # a whole page without htmx


def test_history_filters_and_changes_a_decision(browser, loaded):
    units.resolve(loaded, "Phòng Văn", "Phòng Văn hóa - Xã hội", by="Minh")
    browser.post("/decide", {"mention": MENTION, "to": UNIT})
    page = text(browser.get("/history"))
    assert page.index(MENTION) < page.index("Phòng Văn<")  # newest first
    only = text(browser.get("/history?by=minh"))
    assert "Phòng Văn<" in only and MENTION not in only
    assert MENTION in text(browser.get("/history?q=can bo cong chuc xa"))
    change = re.search(r'href="(/history/\d+)" class="change">', only).group(1)
    assert "Now settled as <strong>Phòng Văn hóa - Xã hội</strong> by Minh" in text(browser.get(change))
    r = browser.post("/decide", {"mention": "Phòng Văn", "to": "Văn phòng Đảng ủy xã", "back": "history"})
    assert (r.status_code, r.location) == (302, "/history")
    assert states(loaded, "Phòng Văn") == {("Văn phòng Đảng ủy xã", "confirmed")}
    page = text(browser.get("/history"))
    assert "“Phòng Văn” → Văn phòng Đảng ủy xã: 2 rows updated." in page and "(replaced)" in page
    assert browser.get("/history/999").status_code == 404


def test_documents_rows_and_source_pages(browser):
    page = text(browser.get("/documents"))
    assert re.findall(r'href="/documents/\d+">([^<]+)<', page) == [
        "nghia-son-muc-tieu-2026.tsv",
        "xuan-hung-2026.pdf",
        "xuan-hung-phan-cong-chi-tieu-2026.tsv",
        "xuan-loc-ke-hoach-cds-2026.tsv",
        "xuan-son-dti-2023.tsv",
        "dang-uy-nq57-muc-tieu-2026.tsv",
    ]
    assert "<td>Xuân Hưng</td><td>112/KH-UBND</td><td>2026-04-15</td>" in page
    pdf_id = re.search(r'href="/documents/(\d+)">xuan-hung-2026.pdf', page).group(1)
    doc = text(browser.get(f"/documents/{pdf_id}"))
    assert doc.count('class="row-link"') == 57
    assert "Tỷ lệ phủ sóng 5G trên dân số đạt 95%" in doc and "p. 1 row 8" in doc
    row = re.search(r'href="(/rows/\d+)" class="row-link">2.1<', doc).group(1)
    r = text(browser.get(row))
    assert 'id="page-image"' in r and "page 1" in r
    png = browser.get(row + "/page.png")
    assert (png.status_code, png.mimetype, png.data[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    tsv_id = re.search(r'href="/documents/(\d+)">xuan-loc', page).group(1)
    tsv_row = re.search(r'href="(/rows/\d+)" class="row-link">1<', text(browser.get(f"/documents/{tsv_id}"))).group(1)
    cells = text(browser.get(tsv_row))
    assert 'id="cells"' in cells and "page.png" not in cells
    assert browser.get(tsv_row + "/page.png").status_code == 404
    assert browser.get("/documents/999").status_code == 404 and browser.get("/rows/99999").status_code == 404


def test_indicator_answers_who_sets_5g_below_70(browser):
    listing = text(browser.get("/indicators?q=phu song 5g"))
    assert re.findall(r'class="muted">([a-z_.0-9]+)</td><td class="num">(\d+)</td>', listing) == [
        ("infra.5g_coverage", "3")
    ]
    page = text(browser.get("/indicators/infra.5g_coverage?below=70"))
    assert "<strong>1</strong> of 5 targets below 70 (highlighted)." in page
    assert re.findall(r'<tr class="below">\s*<td>([^<]+)</td><td>([^<]+)</td>', page) == [("Xuân Lộc", "≥ 50%")]
    assert "<svg" in page and "#d9480f" in page  # the chart, the low bar highlighted
    only = text(browser.get("/indicators/infra.5g_coverage?below=70&only=1"))
    assert only.count('<tr class="below">') == 1 and only.count("<tr class=") == 1
    csv_text = browser.get("/indicators/infra.5g_coverage/table.csv?below=70&only=1").data.decode("utf-8-sig")
    assert csv_text.splitlines() == [
        "Commune,Target,Value,Unit,Lead agency,Deadline,Document,Row",
        "Xuân Lộc,≥ 50%,50,%,,,xuan-loc-ke-hoach-cds-2026.tsv,1",
    ]
    book = load_workbook(io.BytesIO(browser.get("/indicators/infra.5g_coverage/table.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 6 and rows[1][:5] == ("Nghĩa Sơn", "≥ 70%", 70, "%", "Các doanh nghiệp viễn thông")
    assert browser.get("/indicators/infra.5g_coverage?below=abc").status_code == 400
    assert browser.get("/indicators/no.such").status_code == 404


def test_agencies_and_coverage(browser):
    page = text(browser.get("/agencies"))
    first = re.search(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', page)
    assert first.groups() == ("Phòng Văn hóa - Xã hội", "57", "73")  # leads the most targets
    assert "<svg" in page
    grid = text(browser.get("/coverage"))
    assert re.findall(r"<tr><th>([^<]+)</th>", grid) == [
        "Commune",
        "?",
        "Nghĩa Sơn",
        "Xuân Hưng",
        "Xuân Lộc",
        "Xuân Sơn",
    ]
    assert 'title="Xuân Hưng: Tỷ lệ phủ sóng 5G trên dân số"' in grid


def test_every_post_needs_the_csrf_token(browser, loaded):
    for url in ["/decide", "/queue/skip", "/queue/unskip", "/queue/undo", "/login", "/logout"]:
        r = browser.post(url, {"mention": MENTION, "to": UNIT, "name": "x"}, csrf=False)
        assert r.status_code == 400, url
        assert "did not come from this site" in text(r)
    r = browser.client.post("/decide", data={"mention": MENTION, "to": UNIT, "csrf": "forged"})
    assert r.status_code == 400
    assert units.history(loaded) == []


def test_decisions_are_refused_without_a_name(loaded):
    b = Browser(create_app(loaded))
    page = text(b.get("/queue"))
    assert "Sign in with your name" in page and 'id="accept-1"' not in page
    for url in ["/decide", "/queue/undo"]:
        r = b.post(url, {"mention": MENTION, "to": UNIT})
        assert r.status_code == 403 and "sign in with your name first" in text(r)
    assert "Type your name" in text(
        b.client.post("/login", data={"csrf": b.token, "name": "  "}, follow_redirects=True)
    )
    assert units.history(loaded) == []


def test_hostile_text_is_shown_as_text(loaded, tmp_path):
    """Ingest strips tags from cells, but a registry shared by another province
    is taken as written, and '<' without '>' survives cleaning."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "units.csv").write_text(
        f'canonical_name,kind,level,aliases_seen\n"{HOSTILE}",party,commune,Ban Tuyên giáo xã\n', encoding="utf-8"
    )
    units.import_csv(loaded, share, by="import")
    plan = tmp_path / "hostile.tsv"
    plan.write_text(
        "STT\tNội dung chỉ tiêu\tChỉ tiêu\tCơ quan chủ trì\n"
        "1\tTỷ lệ phủ sóng 5G trên dân số <img src=x onerror=alert(1)//\t40%\tBan Tuyên giáo xã\n",
        encoding="utf-8",
    )
    ingest(loaded, plan)
    units.resolve(loaded, "Phòng Văn", HOSTILE, by="<i>clerk</i>")
    b = Browser(create_app(loaded))
    b.sign_in()
    doc_id = re.search(r'href="/documents/(\d+)">hostile.tsv', text(b.get("/documents"))).group(1)
    row_id = re.search(r'href="/rows/(\d+)" class="row-link"', text(b.get(f"/documents/{doc_id}"))).group(1)
    pages = [
        "/queue",
        "/history",
        f"/documents/{doc_id}",
        f"/rows/{row_id}",
        "/indicators/infra.5g_coverage?below=70",
        "/agencies",
        "/coverage",
        "/units/search?q=alert&mention=x",
        "/indicators?q=5g",
    ]
    for url in pages:
        page = text(b.get(url))
        assert "<script>alert" not in page and "<img src=x" not in page and "<i>clerk" not in page, url
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Ban &lt;b&gt;Tuyên giáo&lt;/b&gt;"
    for url in [
        "/agencies",
        f"/documents/{doc_id}",
        "/history",
        "/units/search?q=alert&mention=x",
        "/indicators/infra.5g_coverage",
    ]:
        assert escaped in text(b.get(url)), url
    assert "&lt;img src=x onerror=alert(1)//" in text(b.get(f"/rows/{row_id}"))
    assert "&lt;i&gt;clerk&lt;/i&gt;" in text(b.get("/history"))
    report = tmp_path / "r.html"
    url = loaded.url.render_as_string(hide_password=False)
    assert CliRunner().invoke(main, ["report", "-o", str(report), "--db", url]).exit_code == 0
    html = report.read_text("utf-8")
    assert "<script" not in html and "<img src=x" not in html and escaped in html


def test_password_beyond_localhost(loaded, tmp_path):
    with pytest.raises(PasswordRequired):
        check_exposure("0.0.0.0", None)
    check_exposure("127.0.0.1", None)
    check_exposure("0.0.0.0", "s3cret")
    r = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "x.db")], env={"CHITIEU_WEB_PASSWORD": ""}
    )
    assert r.exit_code == 2 and "a password is required" in r.stderr
    b = Browser(create_app(loaded, password="s3cret"))
    b.get("/login")
    for url in ["/queue", "/documents", "/indicators", "/rows/1/page.png"]:
        r = b.get(url)
        assert (r.status_code, r.location.split("?")[0]) == (302, "/login"), url
    assert "Wrong password." in text(
        b.client.post("/login", data={"csrf": b.token, "name": "Lan", "password": "x"}, follow_redirects=True)
    )
    r = b.post("/login", {"name": "Lan", "password": "s3cret", "next": "//evil.example/"})
    assert (r.status_code, r.location) == (302, "/queue")  # no redirect off the site
    assert 'Signed in as <strong id="clerk-name">Lan</strong>' in text(b.get("/queue"))


def test_report_answers_both_questions(loaded, tmp_path):
    out = tmp_path / "tinh.html"
    url = loaded.url.render_as_string(hide_password=False)
    r = CliRunner().invoke(main, ["report", "-o", str(out), "--db", url, "--below", "70"])
    assert r.exit_code == 0 and r.stderr == f"wrote {out}\n"
    html = out.read_text("utf-8")
    section = html[html.index('id="ind-infra.5g_coverage"') :]
    section = section[: section.index("</section>")]
    assert re.findall(r'<tr class="below">\s*<td>([^<]+)</td><td>([^<]+)</td>', section) == [("Xuân Lộc", "≥ 50%")]
    assert "<svg" in section
    agencies = html[html.index('id="agencies"') :]
    assert re.search(r'<tr><td>([^<]+)</td><td class="num">57</td>', agencies).group(1) == "Phòng Văn hóa - Xã hội"
    assert "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html)  # one file, nothing fetched
    assert 'href="#ind-infra.5g_coverage"' in html


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, proc: subprocess.Popen, wait: float = 90):
    """The page once the server answers: polled while the process lives (a
    loaded machine may take long to import and bind), up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError:
            raise
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url} (exit code {proc.poll()})")


@pytest.mark.parametrize("password", [None, "s3cret"])
def test_chitieu_serve_answers_on_its_port(db_url, tmp_path, password):
    """The real command in its own process: localhost without a password, a
    loopback address other than localhost only with --password-file."""
    connect(db_url).dispose()  # an empty database: serve refuses a SQLite path that holds none
    port, host = _free_port(), "127.0.0.1" if password is None else "127.0.0.2"
    args = [sys.executable, "-m", "chitieu", "serve", "--db", db_url, "--host", host, "--port", str(port)]
    if password:
        (tmp_path / "pw").write_text(password + "\n", encoding="utf-8")
        args += ["--password-file", str(tmp_path / "pw")]
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CHITIEU_WEB_PASSWORD": ""},
    )
    try:
        page = _get(f"http://{host}:{port}/queue", proc)
        if password is None:
            assert page.url.endswith("/queue") and "Nothing to settle" in page.read().decode()
        else:
            assert page.url.startswith(f"http://{host}:{port}/login?next=/queue")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"chitieu: http://{host}:{port}/ over " in err


def test_chitieu_serve_over_a_missing_sqlite_file_says_so(tmp_path):
    r = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert r.exit_code == 1 and not (tmp_path / "none.db").exists()
    assert r.stderr == (
        f"error: no database at {tmp_path / 'none.db'} (load plans into it first with 'chitieu ingest', or check --db)\n"
    )


def test_pages_forbid_inline_scripts_and_framing(browser):
    r = browser.get("/queue")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert (r.headers["X-Frame-Options"], r.headers["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert "<script>" not in text(r) and text(r).count("<script src=") == 2


def test_a_moved_pdf_is_said_so_beside_its_row(engine, tmp_path):
    moved = tmp_path / "moved.pdf"
    moved.write_bytes(PDF.read_bytes())
    ingest(engine, moved)
    moved.unlink()
    b = Browser(create_app(engine))
    doc = text(b.get(re.search(r'href="(/documents/\d+)"', text(b.get("/documents"))).group(1)))
    row = re.search(r'href="(/rows/\d+)" class="row-link"', doc).group(1)
    page = text(b.get(row))
    assert f"The PDF is not at {moved} any more" in page and 'id="page-image"' not in page
    r = b.get(row + "/page.png")
    assert r.status_code == 404 and f"the file {moved} is not there any more" in text(r)


@pytest.fixture(scope="module")
def smudged_pdf(tmp_path_factory):
    """Nghia Son's page 1 scanned with an ink blot over its "≥ 3,5" target."""
    path = tmp_path_factory.mktemp("smudged") / "smudged.pdf"
    smudged_scan(SAMPLES / "pdf" / "nghia-son-2026.pdf", "3,5", path)
    return path


def test_ocr_review_shows_the_scanned_cell_and_settles_it(engine, smudged_pdf):
    """The doubtful target cell of a scan: listed with its crop, corrected by
    a signed-in clerk (the target parsed again), then gone from the list."""
    files, _ = batch.collect([smudged_pdf])
    batch.run(files, engine, ExtractSettings(ocr=True))
    b = Browser(create_app(engine))
    (entry,) = [e for e in review.pending(engine) if e.item["field"] == "target"]
    page = text(b.get("/review"))
    assert f'src="/review/{entry.key}/crop.png"' in page and f"<code>{entry.item['text']}</code>" in page
    crop = b.get(f"/review/{entry.key}/crop.png")
    image = Image.open(io.BytesIO(crop.data))
    x0, top, x1, bottom = entry.item["box"]
    assert crop.mimetype == "image/png" and image.size == (
        pytest.approx((x1 - x0 + 12) * 220 / 72, abs=3),
        pytest.approx((bottom - top + 12) * 220 / 72, abs=3),
    )
    assert b.post(f"/review/{entry.key}", {"action": "correct", "text": "≥ 3,5"}).status_code == 403  # no name
    b.sign_in()
    r = b.post(f"/review/{entry.key}", {"action": "correct", "text": "≥ 3,5"})
    assert r.status_code == 302 and entry.key not in [e.key for e in review.pending(engine)]
    _, row = queries.row(engine, entry.row_id)
    assert (row.target_cell, row.target) == ("≥ 3,5", "≥ 3.5%")  # % from its unit cell
    assert f"{entry.key}: {entry.item['text']} → ≥ 3,5" in text(b.get("/review"))
    assert b.get(f"/review/{entry.key}/crop.png").status_code == 404  # settled: no longer offered
