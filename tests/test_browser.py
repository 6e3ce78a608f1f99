"""A clerk and an analyst in a real browser (Debian's chromium, headless,
through Selenium) on a freshly loaded batch: sign in, settle names with the
keyboard, undo, search, add a unit, skip, open a document's source page, read
the 5G answer. Screenshots of every page go to tests/artifacts/."""

import shutil
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from chitieu import batch
from chitieu.ingest import ExtractSettings
from chitieu.store import connect, units
from chitieu.store.export import iter_records
from chitieu.store.queries import queue_size
from chitieu.web import create_app

from conftest import ROOT, SAMPLES

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "tests" / "artifacts"
TOP = "Các cán bộ công chức được phân công phụ trách"  # first in the queue of the samples


def serve(folder: Path):
    """The samples loaded into a new SQLite store, served on a free local port."""
    engine = connect(f"sqlite:///{folder / 'province.db'}")
    files, _ = batch.collect([SAMPLES])
    assert {r.status for r in batch.run(files, engine, ExtractSettings())} == {"loaded"}
    server = make_server("127.0.0.1", 0, create_app(engine), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", engine
    server.shutdown()
    engine.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from serve(tmp_path_factory.mktemp("web"))


@pytest.fixture
def fresh_site(tmp_path):
    yield from serve(tmp_path)


@pytest.fixture(scope="module")
def driver():
    if not (Path(CHROMIUM).exists() and shutil.which(DRIVER)):
        pytest.skip("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=vi"):
        options.add_argument(arg)
    d = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    d.implicitly_wait(0)
    ARTIFACTS.mkdir(exist_ok=True)
    yield d
    d.quit()


def wait(d, condition, timeout=15):
    return WebDriverWait(d, timeout).until(lambda _: condition())


def text_of(d, css):
    """The element's text, read in one step (htmx may swap it at any moment)."""
    return d.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : ''", css)


def press(d, key):
    ActionChains(d).send_keys(key).perform()


def shot(d, name):
    d.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def ready(d):
    wait(d, lambda: d.execute_script("return document.readyState === 'complete' && !!window.htmx"))


def decisions(engine):
    return [(h["mention"], h["unit"], h["decided_by"], h["action"]) for h in units.history(engine)]


def states(engine, mention):
    return {(a["unit"], a["status"]) for r in iter_records(engine) for a in r["assignments"] if a["raw"] == mention}


def test_clerk_settles_the_queue_with_the_keyboard(site, driver):
    url, engine = site
    d = driver
    d.get(url + "/queue")
    ready(d)
    assert "Sign in with your name" in d.page_source and not d.find_elements(By.ID, "accept-1")
    d.find_element(By.ID, "sign-in").click()
    d.find_element(By.ID, "login-name").send_keys("Nguyễn Thị Lan")
    d.find_element(By.ID, "login-submit").click()
    wait(d, lambda: d.current_url.endswith("/queue"))
    ready(d)
    assert text_of(d, "#clerk-name") == "Nguyễn Thị Lan"
    top = units.unresolved(engine)[0]
    assert top["mention"] == TOP and text_of(d, "#mention") == TOP
    before = text_of(d, "#queue-size")
    assert before == "{} names left, leaving {} rows unsettled.".format(*queue_size(engine))
    shot(d, "queue")

    press(d, "1")  # accept the first candidate
    wait(d, lambda: "rows updated" in text_of(d, "#message"))
    assert text_of(d, "#message") == f"“{TOP}” → {top['candidates'][0]['unit']}: {top['rows']} rows updated."
    assert text_of(d, "#queue-size") == "{} names left, leaving {} rows unsettled.".format(*queue_size(engine))
    assert text_of(d, "#mention") != TOP
    assert decisions(engine) == [(TOP, top["candidates"][0]["unit"], "Nguyễn Thị Lan", "alias")]
    assert states(engine, TOP) == {(top["candidates"][0]["unit"], "confirmed")}

    press(d, "u")  # undo it
    wait(d, lambda: text_of(d, "#message").startswith("Undone"))
    assert text_of(d, "#mention") == TOP and text_of(d, "#queue-size") == before
    assert decisions(engine) == [] and states(engine, TOP) == {(None, "unresolved")}

    press(d, "/")  # search the registry as you type
    assert d.switch_to.active_element.get_attribute("id") == "search"
    d.switch_to.active_element.send_keys("VAN PHONG thong ke")
    wait(d, lambda: d.find_elements(By.CSS_SELECTOR, "#hit-list .hit"))
    assert [h.text for h in d.find_elements(By.CSS_SELECTOR, "#hit-list .hit")] == ["Công chức Văn phòng - Thống kê"]
    shot(d, "queue-search")
    d.find_element(By.CSS_SELECTOR, "#hit-list button").click()
    wait(d, lambda: "→ Công chức Văn phòng - Thống kê:" in text_of(d, "#message"))
    assert decisions(engine)[-1][:3] == (TOP, "Công chức Văn phòng - Thống kê", "Nguyễn Thị Lan")

    mention = text_of(d, "#mention")  # add a new unit, with confirmation
    press(d, "n")
    assert d.switch_to.active_element.get_attribute("id") == "new-name"
    name = d.switch_to.active_element
    name.clear()
    name.send_keys("Tổ công tác đặc biệt xã")
    assert name.get_attribute("value") == "Tổ công tác đặc biệt xã"
    Select(d.find_element(By.ID, "new-kind")).select_by_visible_text("group")
    d.find_element(By.ID, "new-submit").click()
    wait(d, lambda: d.find_elements(By.ID, "confirm-new"))
    assert "Add Tổ công tác đặc biệt xã (group, commune) as a new unit" in text_of(d, "#confirm-card")
    assert decisions(engine)[-1][0] == TOP  # nothing saved before confirming
    shot(d, "queue-new-unit")
    d.find_element(By.ID, "confirm-new").click()
    wait(d, lambda: "→ Tổ công tác đặc biệt xã:" in text_of(d, "#message"))
    assert decisions(engine)[-1] == (mention, "Tổ công tác đặc biệt xã", "Nguyễn Thị Lan", "new")
    assert states(engine, mention) == {("Tổ công tác đặc biệt xã", "confirmed")}

    skipped = text_of(d, "#mention")  # skip
    press(d, "s")
    wait(d, lambda: text_of(d, "#mention") not in ("", skipped))
    assert "1 skipped" in text_of(d, "#queue-size")

    d.get(url + "/history")
    rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "#history tr")][1:]
    assert len(rows) == 2 and "Nguyễn Thị Lan" in rows[0] and "Tổ công tác đặc biệt xã" in rows[0]
    shot(d, "history")
    assert [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"] == []  # no script or CSP error


def test_clerk_checks_a_row_on_its_source_page(site, driver):
    url, _ = site
    d = driver
    d.get(url + "/documents")
    shot(d, "documents")
    d.find_element(By.LINK_TEXT, "xuan-hung-2026.pdf").click()
    assert d.find_element(By.TAG_NAME, "h1").text == "xuan-hung-2026.pdf"
    d.find_element(By.XPATH, "//a[@class='row-link' and text()='2.1']").click()
    image = d.find_element(By.ID, "page-image")
    wait(d, lambda: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    assert d.execute_script("return arguments[0].naturalWidth", image) > 1000  # a landscape A4 page at 110 dpi
    assert "Tỷ lệ phủ sóng 5G trên dân số đạt 95%" in text_of(d, "#row-read")
    shot(d, "row-source-pdf")
    d.get(url + "/documents")
    d.find_element(By.LINK_TEXT, "xuan-loc-ke-hoach-cds-2026.tsv").click()
    d.find_element(By.XPATH, "//a[@class='row-link' and text()='1']").click()
    assert "The row's cells in the TSV file" in text_of(d, "#cells")


def test_analyst_finds_5g_below_70_and_the_busiest_agency(site, driver):
    url, _ = site
    d = driver
    d.get(url + "/indicators")
    ready(d)
    d.find_element(By.ID, "indicator-q").send_keys("phu song 5G")
    wait(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#indicator-list tr")) == 2)
    d.find_element(By.LINK_TEXT, "Tỷ lệ phủ sóng 5G trên dân số").click()
    d.find_element(By.ID, "below").send_keys("70")
    d.find_element(By.ID, "apply").click()
    wait(d, lambda: "below=70" in d.current_url)
    low = [r.text for r in d.find_elements(By.CSS_SELECTOR, "tr.below")]
    assert len(low) == 1 and low[0].startswith("Xuân Lộc ≥ 50% 50 %")
    assert d.find_element(By.CSS_SELECTOR, "#chart svg").size["height"] > 50
    shot(d, "indicator-5g")
    d.get(url + "/agencies")
    first, second = [r.text for r in d.find_elements(By.CSS_SELECTOR, "#agency-table tr")[1:3]]
    # each plan counted once: two agencies lead 35 targets, the one with more rows in all first
    assert first.startswith("Phòng Văn hóa - Xã hội 35 ") and second.startswith(
        "Trung tâm Phục vụ hành chính công xã 35 "
    )
    shot(d, "agencies")
    d.get(url + "/coverage")
    assert len(d.find_elements(By.CSS_SELECTOR, "#coverage td.yes")) > 0
    shot(d, "coverage")


def test_clerk_settles_the_whole_queue_and_later_ingests_follow(fresh_site, driver, tmp_path):
    """Every name in the queue settled from the keyboard — the first candidate,
    or a new unit (n, then confirm) where there is none — until it is empty."""
    url, engine = fresh_site
    d = driver
    d.delete_all_cookies()
    d.get(url + "/login")
    d.find_element(By.ID, "login-name").send_keys("Trần Văn Minh")
    d.find_element(By.ID, "login-submit").click()
    wait(d, lambda: d.current_url.endswith("/queue"))
    ready(d)
    names, _ = queue_size(engine)
    settled = []
    while mention := text_of(d, "#mention"):
        settled.append(mention)
        assert len(settled) <= names, "the queue does not shrink"
        if d.find_elements(By.ID, "accept-1"):
            press(d, "1")
        else:
            press(d, "n")
            d.find_element(By.ID, "new-submit").click()
            wait(d, lambda: d.find_elements(By.ID, "confirm-new"))
            d.find_element(By.ID, "confirm-new").click()
        wait(d, lambda m=mention: f"“{m}” →" in text_of(d, "#message"))
    assert text_of(d, "#empty") == "Nothing to settle: every agency name is resolved."
    assert len(settled) == names and queue_size(engine) == (0, 0)
    assert {h["decided_by"] for h in units.history(engine)} == {"Trần Văn Minh"}
    assert len(units.history(engine)) == names
    later = tmp_path / "later.tsv"  # the same plan again, one row more: no name left to settle
    later.write_text((SAMPLES / "tsv" / "xuan-son-dti-2023.tsv").read_text("utf-8") + "\n", encoding="utf-8")
    files, _ = batch.collect([later])
    assert [r.status for r in batch.run(files, engine, ExtractSettings())] == ["loaded"]
    assert queue_size(engine) == (0, 0)
    shot(d, "queue-empty")
