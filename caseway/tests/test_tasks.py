"""Background tasks: immediate in tests, a database queue in production."""

import json

from django.tasks import TaskResultStatus, task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.test import override_settings

from caseway import audit
from caseway.audit.models import AuditEvent
from caseway.audit.tasks import anchor_audit_chain
from caseway.tests.production import production_facts


def test_it_runs_the_audit_anchor_task_when_enqueued(db, personas, tmp_path):
    anchor_file = tmp_path / "anchors" / "audit-anchors.jsonl"
    audit.record(personas.monitor_a, "access.permission_denied", None, fields=[])
    head = AuditEvent.objects.order_by("-seq").first()

    with override_settings(AUDIT_ANCHOR_FILE=anchor_file):
        result = anchor_audit_chain.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    lines = anchor_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    anchor = json.loads(lines[0])
    assert (anchor["seq"], anchor["hash"]) == (head.seq, head.hash)
    assert result.return_value == anchor


def test_it_runs_tasks_immediately_in_tests():
    assert isinstance(task_backends["default"], ImmediateBackend)


def test_it_queues_tasks_in_the_database_in_production():
    assert production_facts()["TASK_BACKEND"] == "django_tasks_db.DatabaseBackend"
