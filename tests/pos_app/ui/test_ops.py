import threading

from pos_app.ui.ops import Op, wait_for_service_thread


def test_a_service_call_runs_off_the_ui_thread_and_reports_back_on_it(qtbot):
    ui_thread = threading.current_thread()
    ran_on, results, reported_on = [], [], []

    def call():
        ran_on.append(threading.current_thread())
        return 42

    def show(result):
        results.append(result)
        reported_on.append(threading.current_thread())

    Op(call).on_success(show).run()
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    assert ran_on[0] is not ui_thread
    assert reported_on[0] is ui_thread


def test_calls_run_in_the_order_they_were_made(qtbot):
    order = []
    for n in range(20):
        Op(lambda n=n: n).on_success(order.append).run()
    qtbot.waitUntil(lambda: len(order) == 20, timeout=5000)
    assert order == list(range(20))


def test_a_failure_reaches_the_failure_callback(qtbot):
    errors = []

    def boom():
        raise ValueError("unknown code 123")

    Op(boom).on_failure(errors.append).run()
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=5000)
    assert str(errors[0]) == "unknown code 123"
    assert wait_for_service_thread()
