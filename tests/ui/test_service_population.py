"""Issue 15 point 3: selecting a facility shows its service population and capacity in the attribute
panel, and the figures follow an edit of its classes (one undoable edit, the results re-run)."""
from lifecircle_desktop.model.edits import ChangeAttributes
from lifecircle_desktop.model.settings import DEFAULTS

RESULTS_TIMEOUT_MS = 30000


def test_selecting_a_kindergarten_shows_whom_it_serves_and_its_capacity(qtbot, window):
    w, ids = window, window.ids
    plan = w.document.plan
    w.document.select([("facilities", ids["kg"])])
    served = w.attributes.served
    assert served is not None and served.isVisibleTo(w.attributes)
    texts = served.texts()
    # 一号院 (300 households, gate at (0, 0)) is 100 m from the kindergarten's entrance at (100, 0);
    # 二号院 (gate at (400, 400)) walks 700 m, beyond every kindergarten walking limit (≤ 667 m).
    assert texts["served"].startswith("300 households (homes: 1) reaching it first within ")
    assert texts["capacity"] == "not entered (classes or beds)"
    need = 300 * DEFAULTS["persons_per_household"] * DEFAULTS["kindergarten_age_share"]  # 20.7 children
    assert texts["demand"] == f"{need:.1f} places"
    assert "state" not in texts  # no capacity entered: no verdict

    # One class: 30 places for 20.7 children — room to spare.
    with qtbot.waitSignal(w.document.resultsReady, timeout=RESULTS_TIMEOUT_MS):
        w.document.push(ChangeAttributes.of(plan, "facilities", ids["kg"], classes=1))
    texts = w.attributes.served.texts()
    places = 1 * DEFAULTS["kindergarten_places_per_class"]
    assert texts["capacity"] == f"{places:.0f} places"
    assert texts["state"] == f"has room (capacity ÷ need {places / need:.2f})"

    # More households at 一号院: 1000 × 2.3 × 0.03 = 69 children for 30 places — over capacity.
    with qtbot.waitSignal(w.document.resultsReady, timeout=RESULTS_TIMEOUT_MS):
        w.document.push(ChangeAttributes.of(plan, "residential", ids["h1"], households=1000))
    texts = w.attributes.served.texts()
    need = 1000 * DEFAULTS["persons_per_household"] * DEFAULTS["kindergarten_age_share"]
    assert texts["served"].startswith("1,000 households (homes: 1)")
    assert texts["state"] == f"over capacity (capacity ÷ need {places / need:.2f})"


def test_a_home_shows_no_service_population(qtbot, window):
    window.document.select([("residential", window.ids["h1"])])
    assert window.attributes.served is None
