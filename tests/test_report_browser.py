"""The report in a real browser: headless Debian Chromium opens the file offline and draws it.

Every objective's section is found, each has at least one chart with a rendered size, and the
browser console holds no error (a script error, a blocked load, a Content-Security-Policy
violation would all be SEVERE entries).
"""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from flows.report import write_report
from tests.conftest import demo_database
from tests.test_report import OBJECTIVES

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless browser test needs Debian's chromium and chromedriver on PATH "
    "(apt-get install chromium chromium-driver)",
)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
)
SIZES = """
return Array.from(arguments[0].querySelectorAll('svg.chart')).map(function (svg) {
  var box = svg.getBoundingClientRect();
  return [box.width, box.height];
});
"""


def console(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """The browser console entries since the last call (reading them empties the log)."""
    return list(driver.get_log("browser"))  # type: ignore[no-untyped-call]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.mark.parametrize(("period", "lang"), [("month", "en"), ("week", "id")])
def test_every_section_draws_its_charts_without_errors(
    browser: webdriver.Chrome, tmp_path: Path, period: str, lang: str
) -> None:
    report = write_report(demo_database(), tmp_path / "report.html", period=period, lang=lang)
    console(browser)  # start from an empty console
    browser.get(report.as_uri())
    assert browser.execute_script("return document.documentElement.lang") == lang
    for objective in OBJECTIVES:
        section = browser.find_element(By.ID, f"objective-{objective}")
        assert section.is_displayed()
        sizes = browser.execute_script(SIZES, section)
        assert sizes, f"no chart in {objective}"
        assert all(width > 0 and height > 0 for width, height in sizes), (objective, sizes)
    severe = [entry for entry in console(browser) if entry["level"] == "SEVERE"]
    assert severe == []
