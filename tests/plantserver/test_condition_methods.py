"""The Part 9 method handlers without a server: which status each call gets, and which service
call (the panel's, with its permission check and audit) it makes — against a service double
that records calls and refuses as the real one does (audit, then PermissionDenied)."""

from __future__ import annotations

import pytest

from hmi.alarms.definitions import load_definitions
from hmi.alarms.model import AlarmState, AlarmStatus
from hmi.core.roles import Role
from hmi.plantserver import conditions as c
from hmi.plantserver.alarms import event_fields, normal_status
from hmi.security.permissions import Action
from hmi.security.session import PermissionDenied, Session

NAME = "gap_os_deviation"


class ServiceDouble:
    def __init__(self, role: Role) -> None:
        self.session = Session("someone", role)
        self.calls: list[tuple] = []  # (method, args) carried out
        self.refused: list[str] = []  # audited refusals

    def may(self, action: str) -> bool:
        return self.session.may(action)

    def _act(self, action: str, *call) -> None:
        if not self.may(action):
            self.refused.append(action)
            raise PermissionDenied(self.session, action)
        self.calls.append(call)

    def acknowledge_alarms(self, names, reason=""):
        self._act(Action.ALARM_ACKNOWLEDGE, "acknowledge", tuple(names), reason)

    def shelve_alarm(self, name, duration_s, reason):
        self._act(Action.ALARM_SHELVE, "shelve", name, duration_s, reason)

    def unshelve_alarm(self, name, reason=""):
        self._act(Action.ALARM_SHELVE, "unshelve", name)


def _status(state: AlarmState) -> AlarmStatus:
    return AlarmStatus(NAME, "gap_os_um", 2, state, "OS gap deviates", 1.0, 0.5, "µm", 0.0, 1)


@pytest.fixture
def book():
    return c.ConditionBook([NAME])


def _methods(book, role: Role | None):
    services = {}

    def service_for(user):
        return services.setdefault(user, ServiceDouble(Role.VIEWER if user is None else role))

    return c.ConditionMethods(book, service_for), services


def test_acknowledge_checks_the_event_id_and_goes_through_the_service(book):
    methods, services = _methods(book, Role.OPERATOR)
    book.issued(NAME, b"raise-1", event_fields(_status(AlarmState.UNACK)))
    assert methods.call(NAME, "Acknowledge", (b"raise-1", "seen"), None) == (
        c.BAD_USER_ACCESS_DENIED
    )
    assert services[None].refused == [Action.ALARM_ACKNOWLEDGE] and not services[None].calls
    assert methods.call(NAME, "Acknowledge", (b"other", "seen"), "mes") == c.BAD_EVENT_ID_UNKNOWN
    assert methods.call(NAME, "Acknowledge", (b"raise-1", "seen"), "mes") == c.GOOD
    assert services["mes"].calls == [("acknowledge", (NAME,), "seen")]
    # before the engine's next event: acknowledged already
    assert methods.call(NAME, "Acknowledge", (b"raise-1", ""), "mes") == (
        c.BAD_CONDITION_BRANCH_ALREADY_ACKED
    )
    book.issued(NAME, b"acked-1", event_fields(_status(AlarmState.ACKED)))
    assert methods.call(NAME, "Acknowledge", (b"acked-1", ""), "mes") == (
        c.BAD_CONDITION_BRANCH_ALREADY_ACKED
    )
    # a new occurrence: the old EventIds belong to a stretch that was acknowledged
    book.issued(NAME, b"raise-2", event_fields(_status(AlarmState.UNACK)))
    assert methods.call(NAME, "Acknowledge", (b"raise-1", ""), "mes") == (
        c.BAD_CONDITION_BRANCH_ALREADY_ACKED
    )
    assert methods.call(NAME, "Acknowledge", (b"raise-2", ""), "mes") == c.GOOD
    assert len(services["mes"].calls) == 2


def test_a_user_without_the_permission_is_refused_by_the_service_whatever_the_arguments(book):
    methods, services = _methods(book, Role.OPERATOR)  # operators acknowledge, never shelve
    assert methods.call(NAME, "TimedShelve", (60000.0,), "mes") == c.BAD_USER_ACCESS_DENIED
    assert methods.call(NAME, "TimedShelve", (-1.0,), "mes") == c.BAD_USER_ACCESS_DENIED
    assert methods.call(NAME, "Unshelve", (), "mes") == c.BAD_USER_ACCESS_DENIED
    assert services["mes"].refused == [Action.ALARM_SHELVE] * 3 and not services["mes"].calls
    viewer, seen = _methods(book, Role.VIEWER)
    assert viewer.call(NAME, "Acknowledge", (b"x", ""), "guest") == c.BAD_USER_ACCESS_DENIED
    assert seen["guest"].refused == [Action.ALARM_ACKNOWLEDGE]


def test_shelving_maps_onto_our_timed_shelves(book):
    methods, services = _methods(book, Role.SUPERVISOR)
    assert methods.call(NAME, "TimedShelve", (0.0,), "lead") == c.BAD_SHELVING_TIME_OUT_OF_RANGE
    assert methods.call(NAME, "TimedShelve", (8 * 3600e3 + 1,), "lead") == (
        c.BAD_SHELVING_TIME_OUT_OF_RANGE
    )
    assert methods.call(NAME, "TimedShelve", ("long",), "lead") == c.BAD_INVALID_ARGUMENT
    assert methods.call(NAME, "Unshelve", (), "lead") == c.BAD_CONDITION_NOT_SHELVED
    assert methods.call(NAME, "TimedShelve", (90000.0,), "lead") == c.GOOD
    book.issued(NAME, b"shelved", event_fields(_status(AlarmState.SHELVED)))
    assert methods.call(NAME, "OneShotShelve", (), "lead") == c.BAD_CONDITION_ALREADY_SHELVED
    assert methods.call(NAME, "Unshelve", (), "lead") == c.GOOD
    book.issued(NAME, b"back", event_fields(_status(AlarmState.UNACK)))
    assert methods.call(NAME, "OneShotShelve", (), "lead") == c.GOOD
    calls = services["lead"].calls
    assert calls[0] == ("shelve", NAME, 90.0, "OPC UA TimedShelve")
    assert calls[1] == ("unshelve", NAME)
    assert calls[2][:3] == ("shelve", NAME, 8 * 3600.0)  # a one-shot shelf: a shift at most
    assert methods.call("no_such_alarm", "Acknowledge", (b"", ""), "lead") == (
        c.BAD_NODE_ID_UNKNOWN
    )


def test_every_definition_starts_as_a_normal_enabled_condition():
    for definition in load_definitions():
        fields = event_fields(normal_status(definition))
        assert fields["Retain"] is False and fields["ActiveState/Id"] is False
        assert fields["AckedState/Id"] is True and fields["EnabledState/Id"] is True
        assert fields["ShelvingState/CurrentState"] == "Unshelved"
        assert fields["Message"] == definition.message
