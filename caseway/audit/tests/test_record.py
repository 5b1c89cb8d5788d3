import base64
import hashlib
import hmac
import json
import threading
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, connections, transaction
from django.test import RequestFactory

from caseway import audit
from caseway.audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent
from caseway.audit.services import AuditChainError, verify_chain
from caseway.audit.tests.helpers import record_many

pytestmark = pytest.mark.django_db

CONTENT_KEYS = {
    "v",
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "organization_id",
    "action",
    "target_type",
    "target_id",
    "fields",
    "reason",
    "ip",
    "prev_hash",
}


def _key():
    return base64.b64decode(settings.AUDIT_KEY)


def test_it_starts_the_chain_at_seq_1_from_the_genesis_hash():
    event = audit.record(None, "system.started")

    assert event.seq == 1
    assert event.prev_hash == GENESIS_HASH == "0" * 64


def test_it_links_each_event_to_the_previous_ones_hash_with_consecutive_seq():
    events = record_many(3)

    assert [event.seq for event in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (3, events[2].hash)


def test_it_hashes_the_stored_content_with_sha256():
    event = audit.record(None, "system.started", fields=["name"], reason="yearly check")
    stored = AuditEvent.objects.get(pk=event.pk)

    assert stored.hash == hashlib.sha256(stored.canonical_content()).hexdigest()
    assert b'"fields":["name"]' in stored.canonical_content()
    assert b'"reason":"yearly check"' in stored.canonical_content()


def test_it_signs_each_event_hash_with_the_audit_key():
    event = audit.record(None, "system.started")

    assert event.signature == hmac.new(_key(), event.hash.encode(), hashlib.sha256).hexdigest()


def test_it_stores_the_actor_id_and_their_email_at_the_time(personas):
    user = personas.caseworker_a
    event = audit.record(user, "orgs.member_viewed", user)
    user.email = "renamed@example.org"
    user.save(update_fields=["email"])

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id == user.pk
    assert event.actor_label == "caseworker.a@example.org"


def test_it_stores_a_label_for_anonymous_actors():
    event = audit.record(None, "accounts.login_failed", actor_label="someone@example.org")

    assert event.actor_id is None
    assert event.actor_label == "someone@example.org"


def test_it_stores_the_target_type_and_primary_key(personas):
    event = audit.record(None, "orgs.organization_viewed", personas.org_b)

    assert (event.target_type, event.target_id) == ("orgs.organization", str(personas.org_b.pk))


def test_it_refuses_an_unsaved_target():
    with pytest.raises(ValueError, match="saved"):
        audit.record(None, "orgs.member_viewed", AuditEvent())
    assert not AuditEvent.objects.exists()


def test_it_takes_the_organization_from_the_requests_active_membership():
    request = RequestFactory().get("/")
    request.membership = SimpleNamespace(organization_id=41)

    assert audit.record(None, "orgs.member_viewed", request=request).organization_id == 41


def test_it_prefers_the_organization_given_over_the_requests(personas):
    request = RequestFactory().get("/")
    request.membership = SimpleNamespace(organization_id=41)

    assert audit.record(None, "orgs.x_viewed", organization=personas.org_b, request=request).organization_id == (
        personas.org_b.pk
    )
    assert audit.record(None, "orgs.x_viewed", organization=7).organization_id == 7


def test_it_leaves_the_organization_empty_without_one():
    request = RequestFactory().get("/")
    request.membership = None

    assert audit.record(None, "accounts.login", request=request).organization_id is None


def test_it_records_the_ip_address_and_nothing_else_from_the_request():
    request = RequestFactory().get("/?email=secret@example.org", REMOTE_ADDR="2001:DB8:0:0::1", HTTP_USER_AGENT="X")

    event = AuditEvent.objects.get(pk=audit.record(None, "accounts.login", request=request).pk)

    content = json.loads(event.canonical_content())
    assert event.ip == content["ip"] == "2001:db8::1"
    assert set(content) == CONTENT_KEYS
    assert "secret@example.org" not in json.dumps(content)


@pytest.mark.parametrize(
    "fields",
    [
        ["Amina Yusuf"],  # a value with a space
        ["amina@example.org"],  # an email address
        ["x" * 81],
        [f"field_{n}" for n in range(51)],
        [42],
        "email",  # a string is not a list of names
    ],
)
def test_it_refuses_anything_but_a_short_list_of_field_names(fields):
    with pytest.raises((ValueError, TypeError)):
        audit.record(None, "clients.identity_viewed", fields=fields)
    assert not AuditEvent.objects.exists()


def test_it_accepts_the_longest_allowed_list_of_field_names():
    names = [f"f{n}".ljust(80, "x") for n in range(50)]

    assert audit.record(None, "clients.identity_viewed", fields=names).fields == names


@pytest.mark.parametrize("action", ["", "login", "Accounts.Login", "accounts.log in", "a." + "b" * 100])
def test_it_refuses_malformed_action_names(action):
    with pytest.raises(ValueError):
        audit.record(None, action)


def test_it_refuses_orm_updates_and_deletes_of_recorded_events():
    event = audit.record(None, "system.started")

    event.action = "system.stopped"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="system.stopped")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(seq=2)])
    assert AuditEvent.objects.get().action == "system.started"


def test_it_rolls_back_with_the_callers_transaction_without_leaving_a_gap():
    audit.record(None, "system.started")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(None, "orgs.member_added")
        raise RuntimeError("the caller's work failed")

    assert audit.record(None, "system.stopped").seq == 2
    assert verify_chain().ok


def test_it_refuses_to_restart_the_chain_when_the_head_row_was_deleted(tamper):
    audit.record(None, "system.started")
    tamper("DELETE FROM audit_auditchainhead")

    with pytest.raises(AuditChainError):
        audit.record(None, "system.stopped")


def test_it_records_sign_ins_and_failed_sign_ins_through_the_accounts_signals(client, personas):
    user = personas.monitor_a
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.7")

    assert authenticate(request, username=user.email, password="wrong password") is None
    client.force_login(user)

    failed = AuditEvent.objects.get(action="accounts.login_failed")
    assert (failed.actor_id, failed.actor_label, failed.ip) == (None, user.email, "198.51.100.7")
    assert "wrong password" not in failed.canonical_content().decode()
    assert AuditEvent.objects.get(action="accounts.login").actor_id == user.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's (SQLite serializes writers)")
@pytest.mark.django_db(transaction=True)
def test_it_never_forks_the_chain_under_concurrent_writers():
    writers, per_writer = 8, 15
    start = threading.Barrier(writers)
    errors = []

    def write():
        try:
            start.wait()
            for _ in range(per_writer):
                audit.record(None, "system.tick")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, writers * per_writer + 1)
    )
    assert verify_chain().ok
