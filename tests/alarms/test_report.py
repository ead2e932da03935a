"""The run's alarm report: occurrences with raise and clear times, peak per 10 minutes."""

from hmi.alarms.report import AlarmReport
from tests.alarms.helpers import Driver, high


def test_occurrences_and_peak() -> None:
    report = AlarmReport()
    d = Driver(high())
    d.engine.add_sink(report.offer)
    for _ in range(3):
        d.run(1.0, bank_mass_kg=9.0)
        d.run(1.0, bank_mass_kg=5.0)
    d.run(700.0)
    d.run(1.0, bank_mass_kg=9.0)
    summary = report.summary()
    raised = summary["alarms_raised"]
    assert len(raised) == 4
    assert raised[0] == {
        "alarm": "bank_high",
        "tag": "bank_mass_kg",
        "priority": "high",
        "raised_s": 0.01,
        "cleared_s": 1.01,
    }
    assert raised[-1]["cleared_s"] is None  # still active at the end
    assert summary["alarms_peak_10min"] == 3
