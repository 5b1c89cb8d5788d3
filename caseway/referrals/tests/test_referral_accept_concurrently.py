"""Two people of the receiving organization accept the same referral at the same moment.

Real concurrent connections (one per thread) on both databases: exactly one wins, the other gets
"already accepted", and there is one receiving case, one acceptance event, one audit event.

PostgreSQL: the referral row lock (``select_for_update``) decides. SQLite: IMMEDIATE transactions
take the write lock at BEGIN and the busy timeout queues the second writer, as in production. The
test database lives in memory with a shared cache, where SQLite reports "table is locked" at
once instead of waiting, so on SQLite the threads work on a file copy of it, like production.
"""

import contextlib
import sqlite3
import threading

import pytest
from django.db import connection, connections

from caseway.audit.models import AuditEvent
from caseway.clients.models import Case
from caseway.referrals import services
from caseway.referrals.models import Referral, ReferralEvent, Status
from caseway.referrals.services import AlreadyAccepted
from caseway.referrals.tests.helpers import a_referral, member
from caseway.tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def production_like_database(tmp_path):
    """On SQLite: new connections go to a file copy of the test database while inside."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    copy = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    settings = connection.settings_dict  # shared by the connections threads open
    original = settings["NAME"]
    settings["NAME"] = str(copy)
    try:
        yield
    finally:
        settings["NAME"] = original


def in_a_thread(function):
    """``function()`` on a connection of its own (what the threads see), closed afterwards."""
    result = {}

    def run():
        try:
            result["value"] = function()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def accept_at_once(referral, users):
    start = threading.Barrier(len(users))
    results = {}

    def accept(user):
        try:
            membership = member(user)
            start.wait()
            services.referral_accept(actor=user, membership=membership, referral=referral)
            results[user.email] = "won"
        except AlreadyAccepted as error:
            results[user.email] = str(error)
        except Exception as error:  # reported by the assertions
            results[user.email] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _outcome(referral, organization):
    stored = Referral.objects.get(pk=referral.pk)
    accepted = ReferralEvent.objects.filter(referral=referral, to_status=Status.ACCEPTED).select_related("actor")
    return {
        "status": stored.status,
        "cases": Case.objects.filter(organization=organization, client_id=referral.client_id).count(),
        "accepted_by": [event.actor.email for event in accepted],
        "audited": AuditEvent.objects.filter(action="referrals.referral_accepted").count(),
    }


def test_it_lets_exactly_one_of_two_simultaneous_acceptances_win(tmp_path):
    personas = build_personas()
    referral = a_referral(personas, Status.VIEWED)
    users = [personas.caseworker_b, personas.supervisor_b]

    with production_like_database(tmp_path):
        results = accept_at_once(referral, users)
        outcome = in_a_thread(lambda: _outcome(referral, personas.org_b))

    winners = [email for email, result in results.items() if result == "won"]
    losers = [result for result in results.values() if result != "won"]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert "already accepted" in losers[0], results
    assert outcome == {"status": Status.ACCEPTED, "cases": 1, "accepted_by": winners, "audited": 1}


def test_it_refuses_a_second_acceptance_with_who_accepted(personas):
    referral = a_referral(personas, Status.ACCEPTED)

    with pytest.raises(AlreadyAccepted, match=r"already accepted by caseworker\.b@example\.org"):
        services.referral_accept(
            actor=personas.supervisor_b, membership=member(personas.supervisor_b), referral=referral
        )
