import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_loads_without_console_errors(live_server, page, results_dir):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    page.screenshot(path=results_dir / "home.png", full_page=True)
    assert page.console_errors == []
    assert "digit" in page.title().lower()
