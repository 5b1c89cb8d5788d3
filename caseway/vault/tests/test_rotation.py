import base64
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, execute_from_command_line
from django.test import override_settings

from caseway.audit.models import AuditEvent
from caseway.lib.crypto import KeyDestroyed, Keyring, UnknownKeyVersion
from caseway.vault import services
from caseway.vault.models import DataKey
from caseway.vault.tests.vaulttestapp.models import Person

pytestmark = pytest.mark.django_db

# Fixed keys: parametrized test ids must be identical in every pytest-xdist worker.
K1, K2, K3 = (base64.b64encode(bytes([seed]) * 32).decode() for seed in (1, 2, 3))
ONLY_V1 = f"1:{K1}"
V1_AND_V2 = f"1:{K1},2:{K2}"
ONLY_V2 = f"2:{K2}"


@pytest.fixture(autouse=True)
def clean_keyring_cache():
    Keyring.reset_cache()
    yield
    Keyring.reset_cache()


def keyring(text):
    """override_settings plus the cache reset the brief asks for (the cache also follows the text)."""
    Keyring.reset_cache()
    return override_settings(VAULT_KEYS=text)


def rotate(**options):
    out = io.StringIO()
    call_command("vault_rotate", stdout=out, **options)
    return out.getvalue()


def make_people(count):
    people = []
    for number in range(count):
        data_key = DataKey.objects.create_for_subject()
        people.append(Person.objects.create(data_key=data_key, name=f"Survivor {number}"))
    return people


def names(people):
    return [Person.objects.get(pk=person.pk).name for person in people]


def test_it_rewraps_every_data_key_under_the_new_version():
    with keyring(ONLY_V1):
        people = make_people(3)
        ciphertexts = list(Person.objects.order_by("pk").values_list("name", flat=True))
    with keyring(V1_AND_V2):
        output = rotate()
        assert "3 of 3" in output
        assert "Re-wrapped 3 data keys under key version 2." in output
        assert set(DataKey.objects.values_list("kek_version", flat=True)) == {2}
        assert all(key.startswith("cwk1:2:") for key in DataKey.objects.values_list("wrapped_key", flat=True))
        assert names(people) == ["Survivor 0", "Survivor 1", "Survivor 2"]
    # Only the wrapped keys changed; the data was never re-encrypted.
    assert list(Person.objects.order_by("pk").values_list("name", flat=True)) == ciphertexts


def test_it_keeps_data_readable_after_the_old_version_is_removed():
    with keyring(ONLY_V1):
        people = make_people(2)
    with keyring(V1_AND_V2):
        rotate()
    with keyring(ONLY_V2):
        assert names(people) == ["Survivor 0", "Survivor 1"]
        # New keys are wrapped under the only remaining version.
        assert DataKey.objects.create_for_subject().kek_version == 2


def test_it_raises_unknown_key_version_for_a_key_left_under_a_removed_version():
    with keyring(ONLY_V1):
        (person,) = make_people(1)
    with keyring(ONLY_V2):
        with pytest.raises(UnknownKeyVersion, match="version 1 is not in the keyring"):
            _ = Person.objects.get(pk=person.pk).name
        with pytest.raises(CommandError, match=f"Data key {person.data_key_id}.*version 1 is not in the keyring"):
            rotate()


def test_it_reports_progress_per_batch():
    with keyring(ONLY_V1):
        make_people(3)
    with keyring(V1_AND_V2):
        output = rotate(batch_size=2)
    assert output.splitlines()[:2] == ["2 of 3", "3 of 3"]


def test_it_skips_keys_already_current_and_is_idempotent():
    with keyring(ONLY_V1):
        make_people(2)
    with keyring(V1_AND_V2):
        DataKey.objects.create_for_subject()  # already under version 2
        assert "Re-wrapped 2 data keys" in rotate()
        before = list(DataKey.objects.order_by("pk").values_list("wrapped_key", flat=True))
        assert "Re-wrapped 0 data keys" in rotate()
        assert list(DataKey.objects.order_by("pk").values_list("wrapped_key", flat=True)) == before


def test_it_leaves_destroyed_keys_destroyed():
    with keyring(ONLY_V1):
        (person,) = make_people(1)
        person.data_key.destroy()
    with keyring(V1_AND_V2):
        assert "Re-wrapped 0 data keys" in rotate()
    shredded = DataKey.objects.get(pk=person.data_key_id)
    assert shredded.wrapped_key == "" and shredded.kek_version == 1 and shredded.destroyed_at is not None


def test_it_counts_rewrapped_keys_from_the_service():
    with keyring(ONLY_V1):
        make_people(2)
    progress = []
    with keyring(V1_AND_V2):
        assert services.data_keys_rewrap(batch_size=1, progress=lambda done, total: progress.append((done, total))) == 2
    assert progress == [(1, 2), (2, 2)]


@pytest.mark.parametrize("bad", ["", "1:short", f"1:{K1},1:{K2}", "one:two"])
def test_it_refuses_to_rotate_with_an_invalid_keyring(bad):
    with keyring(bad), pytest.raises(CommandError, match="CASEWAY_VAULT_KEYS is invalid"):
        rotate()


def test_it_exits_non_zero_with_a_clear_message_for_an_invalid_keyring(capsys):
    with keyring("1:short"), pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "vault_rotate"])
    assert exited.value.code == 1
    assert "CASEWAY_VAULT_KEYS is invalid" in capsys.readouterr().err


def test_it_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="batch-size"):
        rotate(batch_size=0)


def test_it_destroys_through_the_service_with_one_audit_record():
    actor = get_user_model().objects.create_user(email="supervisor@example.org", display_name="Supervisor")
    (person,) = make_people(1)
    data_key = person.data_key
    services.data_key_destroy(actor=actor, data_key=data_key, reason="Erasure request")
    assert data_key.wrapped_key == "" and data_key.destroyed_at is not None
    services.data_key_destroy(actor=actor, data_key=data_key, reason="Erasure request")  # idempotent
    assert DataKey.objects.get(pk=data_key.pk).wrapped_key == ""
    assert AuditEvent.objects.filter(action="vault.data_key_destroyed").count() == 1
    with pytest.raises(KeyDestroyed):
        _ = Person.objects.get(pk=person.pk).name
