"""Browser tests: Debian's headless Chromium driven by Playwright, against the real stack.

`make test-browser` installs Chromium first (scripts/install-browser). Playwright uses
it as its executable, so no browser is downloaded.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from support import servers

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    executable = servers.chromium_path()  # skipped (and counted as not tested) without Chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
