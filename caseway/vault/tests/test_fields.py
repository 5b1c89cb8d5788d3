import copy
import json
import uuid

import pytest
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, models, transaction
from django.forms import model_to_dict, modelform_factory
from django.test.utils import isolate_apps

from caseway.lib import crypto
from caseway.lib.crypto import DecryptionError, KeyDestroyed, VaultError
from caseway.vault.fields import EncryptedTextField, Sealed
from caseway.vault.models import DataKey
from caseway.vault.tests.vaulttestapp.models import Note, Person

pytestmark = pytest.mark.django_db

NAME = "Amina Yusuf"


def raw_column(model, pk, column):
    db_pk = model._meta.pk.get_db_prep_value(pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [db_pk])  # noqa: S608
        return cursor.fetchone()[0]


def write_raw_column(model, pk, column, value):
    db_pk = model._meta.pk.get_db_prep_value(pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, db_pk])  # noqa: S608


@pytest.fixture
def data_key():
    return DataKey.objects.create_for_subject()


@pytest.fixture
def person(data_key):
    return Person.objects.create(data_key=data_key, name=NAME, nickname="Ami", details={"languages": ["ha", "en"]})


def fresh(person):
    return Person.objects.get(pk=person.pk)


def test_it_stores_ciphertext_not_plaintext(person):
    stored = raw_column(Person, person.pk, "name")
    assert NAME not in stored and "Amina" not in stored
    assert crypto.envelope_key_version(stored) == 1
    details = raw_column(Person, person.pk, "details")
    assert "languages" not in details


def test_it_stores_only_a_wrapped_data_key(data_key):
    stored = raw_column(DataKey, data_key.pk, "wrapped_key")
    assert stored.startswith("cwk1:1:")
    assert crypto.unwrap_data_key(crypto.Keyring.from_settings(), stored, key_id=str(data_key.pk)) == data_key.unwrap()


def test_it_decrypts_on_read(person):
    loaded = fresh(person)
    assert loaded.name == NAME
    assert loaded.nickname == "Ami"
    assert loaded.details == {"languages": ["ha", "en"]}


def test_it_round_trips_unicode(data_key):
    text = "أمينة يوسف — ✓ \U0001f600 \x00 end"
    saved = Person.objects.create(data_key=data_key, name=text)
    assert fresh(saved).name == text


def test_it_keeps_values_sealed_until_accessed(person):
    loaded = fresh(person)
    sealed = loaded.__dict__["name_sealed"]
    assert isinstance(sealed, Sealed)
    assert not sealed.is_open
    assert loaded.name == NAME
    assert sealed.is_open


def test_it_refuses_ciphertext_copied_from_another_row(data_key, person):
    other = Person.objects.create(data_key=data_key, name="Someone Else")
    write_raw_column(Person, other.pk, "name", raw_column(Person, person.pk, "name"))
    with pytest.raises(DecryptionError, match=r"vaulttestapp\.Person\.name of row"):
        _ = fresh(other).name


def test_it_refuses_ciphertext_copied_from_another_column(person):
    write_raw_column(Person, person.pk, "nickname", raw_column(Person, person.pk, "name"))
    with pytest.raises(DecryptionError):
        _ = fresh(person).nickname


def test_it_refuses_ciphertext_copied_from_another_table(data_key, person):
    # Same pk, same key, same column name: only the table differs.
    note = Note.objects.create(id=person.pk, data_key=data_key, name="a note")
    write_raw_column(Note, note.pk, "name", raw_column(Person, person.pk, "name"))
    with pytest.raises(DecryptionError):
        _ = Note.objects.get(pk=note.pk).name


def test_it_refuses_tampered_ciphertext(person):
    stored = raw_column(Person, person.pk, "name")
    tampered = stored[:20] + ("A" if stored[20] != "A" else "B") + stored[21:]
    write_raw_column(Person, person.pk, "name", tampered)
    with pytest.raises(DecryptionError):
        _ = fresh(person).name


def test_it_refuses_a_row_pointed_at_another_subjects_key(person):
    other_key = DataKey.objects.create_for_subject()
    Person.objects.filter(pk=person.pk).update(data_key=other_key)
    with pytest.raises(DecryptionError):
        _ = fresh(person).name


def test_it_raises_key_destroyed_after_crypto_shredding(data_key, person):
    data_key.destroy()
    assert raw_column(DataKey, data_key.pk, "wrapped_key") == ""
    assert DataKey.objects.get(pk=data_key.pk).destroyed_at is not None
    loaded = fresh(person)
    with pytest.raises(KeyDestroyed, match="destroyed"):
        _ = loaded.name
    with pytest.raises(KeyDestroyed):
        _ = loaded.details


def test_it_destroys_idempotently(data_key):
    data_key.destroy()
    first = DataKey.objects.get(pk=data_key.pk).destroyed_at
    data_key.destroy()
    DataKey.objects.get(pk=data_key.pk).destroy()
    assert DataKey.objects.get(pk=data_key.pk).destroyed_at == first


def test_it_refuses_to_encrypt_new_values_under_a_destroyed_key(data_key, person):
    data_key.destroy()
    loaded = fresh(person)
    loaded.name = "new value"
    with pytest.raises(KeyDestroyed):
        loaded.save()


def test_it_still_saves_other_fields_and_refreshes_after_shredding(data_key, person):
    data_key.destroy()
    loaded = fresh(person)
    loaded.status = "erased"
    loaded.save()
    loaded.refresh_from_db()
    assert loaded.status == "erased"
    with pytest.raises(KeyDestroyed):
        _ = loaded.name


def test_it_does_not_leak_plaintext_through_values(person):
    rows = list(Person.objects.values())
    assert NAME not in repr(rows) and "Ami" not in repr(rows) and "languages" not in repr(rows)
    assert isinstance(rows[0]["name_sealed"], Sealed)
    named = Person.objects.values("name", "details").get()
    assert isinstance(named["name"], Sealed) and isinstance(named["details"], Sealed)
    assert str(named["name"]) == "[sealed]"
    flat = list(Person.objects.values_list("name", flat=True))
    assert isinstance(flat[0], Sealed)
    assert NAME not in repr(flat)


def test_it_loads_deferred_fields_on_access(person):
    only_status = Person.objects.only("status").get(pk=person.pk)
    assert "name_sealed" in only_status.get_deferred_fields()
    assert only_status.name == NAME
    only_name = Person.objects.only("name").get(pk=person.pk)
    assert "data_key_id" in only_name.get_deferred_fields()
    assert only_name.name == NAME
    deferred = Person.objects.defer("name").get(pk=person.pk)
    assert deferred.name == NAME


def test_it_saves_only_loaded_fields_of_a_deferred_instance(person):
    only_status = Person.objects.only("status").get(pk=person.pk)
    only_status.status = "closed"
    only_status.save()
    assert fresh(person).name == NAME


def test_it_refreshes_from_the_database(person):
    loaded = fresh(person)
    other = fresh(person)
    other.name = "Changed Name"
    other.save()
    loaded.refresh_from_db()
    assert loaded.name == "Changed Name"
    loaded.refresh_from_db(fields=["name"])
    assert loaded.name == "Changed Name"


def test_it_handles_none_for_nullable_fields(data_key):
    saved = Person.objects.create(data_key=data_key, name=NAME)
    assert raw_column(Person, saved.pk, "nickname") is None
    assert raw_column(Person, saved.pk, "details") is None
    loaded = fresh(saved)
    assert loaded.nickname is None and loaded.details is None
    loaded.nickname = "x"
    loaded.save()
    loaded = fresh(saved)
    loaded.nickname = None
    loaded.save()
    assert raw_column(Person, saved.pk, "nickname") is None
    assert fresh(saved).nickname is None


def test_it_encrypts_an_empty_string_instead_of_storing_it(data_key):
    saved = Person.objects.create(data_key=data_key, name="")
    stored = raw_column(Person, saved.pk, "name")
    assert stored and crypto.envelope_key_version(stored) == 1
    assert fresh(saved).name == ""


def test_it_keeps_ciphertext_when_only_other_fields_change(person):
    before = raw_column(Person, person.pk, "name")
    loaded = fresh(person)
    assert loaded.name == NAME
    loaded.status = "closed"
    loaded.save()
    assert raw_column(Person, person.pk, "name") == before


def test_it_re_encrypts_an_assigned_value(person):
    before = raw_column(Person, person.pk, "name")
    loaded = fresh(person)
    loaded.name = "Amina Y."
    assert loaded.name == "Amina Y."
    loaded.save()
    after = raw_column(Person, person.pk, "name")
    assert after != before and "Amina" not in after
    assert fresh(person).name == "Amina Y."


def test_it_re_encrypts_for_a_copied_row(person):
    copy_of = fresh(person)
    copy_of.pk = None
    copy_of._state.adding = True
    copy_of.save()
    assert copy_of.pk != person.pk
    assert fresh(copy_of).name == NAME
    assert fresh(copy_of).details == {"languages": ["ha", "en"]}


def test_it_re_encrypts_when_the_row_moves_to_another_data_key(person):
    new_key = DataKey.objects.create_for_subject()
    loaded = fresh(person)
    loaded.data_key = new_key
    loaded.save()
    assert fresh(person).name == NAME
    assert fresh(person).nickname == "Ami"


def test_it_persists_in_place_changes_to_json(person):
    loaded = fresh(person)
    loaded.details["languages"].append("fr")
    loaded.save()
    assert fresh(person).details == {"languages": ["ha", "en", "fr"]}


def test_it_refuses_json_scalars_and_non_text(data_key):
    with pytest.raises(TypeError, match="object or array"):
        Person.objects.create(data_key=data_key, name=NAME, details=5)
    with pytest.raises(TypeError, match="holds text"):
        Person.objects.create(data_key=data_key, name=12345)


def test_it_reports_a_json_scalar_as_a_validation_error(person):
    loaded = fresh(person)
    loaded.details = "just a string"
    with pytest.raises(ValidationError) as raised:
        loaded.full_clean()
    assert "details" in raised.value.message_dict


def test_it_refuses_plaintext_lookups_and_bulk_updates(person):
    with pytest.raises(VaultError, match="blind index"):
        list(Person.objects.filter(name=NAME))
    with pytest.raises(VaultError), transaction.atomic():
        Person.objects.update(name="x")
    assert Person.objects.filter(nickname__isnull=False).count() == 1


def test_it_refuses_to_assign_a_sealed_value(person):
    sealed = Person.objects.values_list("name", flat=True).get()
    with pytest.raises(TypeError, match="plaintext"):
        fresh(person).name = sealed


def test_it_bulk_creates_with_encryption(data_key):
    people = Person.objects.bulk_create([Person(data_key=data_key, name=f"person {n}") for n in range(3)])
    for saved in people:
        assert "person" not in raw_column(Person, saved.pk, "name")
    assert sorted(p.name for p in Person.objects.all()) == ["person 0", "person 1", "person 2"]


def test_it_serialises_ciphertext_only(person):
    dumped = serializers.serialize("json", [fresh(person)])
    assert NAME not in dumped and "languages" not in dumped
    fields = json.loads(dumped)[0]["fields"]
    assert fields["name"] == raw_column(Person, person.pk, "name")


def test_it_serialises_a_shredded_row_as_ciphertext(data_key, person):
    data_key.destroy()
    dumped = serializers.serialize("json", [fresh(person)])
    assert json.loads(dumped)[0]["fields"]["name"] == raw_column(Person, person.pk, "name")


def test_it_gives_forms_plaintext_and_saves_them_encrypted(person):
    loaded = fresh(person)
    assert model_to_dict(loaded, fields=["name"]) == {"name": NAME}
    form_class = modelform_factory(Person, fields=["name", "nickname"])
    form = form_class(data={"name": "From a form", "nickname": ""}, instance=loaded)
    assert form.is_valid(), form.errors
    form.save()
    assert "From a form" not in raw_column(Person, person.pk, "name")
    assert fresh(person).name == "From a form"


def test_it_validates_a_loaded_instance_without_decrypting(data_key, person):
    data_key.destroy()
    loaded = fresh(person)
    loaded.full_clean()
    assert not loaded.__dict__["name_sealed"].is_open


def test_it_never_shows_plaintext_in_sealed_repr_or_copies(person):
    loaded = fresh(person)
    assert loaded.name == NAME
    sealed = loaded.__dict__["name_sealed"]
    assert NAME not in repr(sealed) and NAME not in str(sealed)
    assert not copy.deepcopy(sealed).is_open
    clone = copy.deepcopy(loaded)
    assert clone.name == NAME


def test_it_requires_a_data_key_before_saving(data_key):
    with pytest.raises(VaultError, match="has no data key; set data_key first"):
        Person(name=NAME).save()


@isolate_apps("caseway.vault.tests.vaulttestapp")
def test_it_reports_a_model_without_a_python_generated_uuid_pk():
    class AutoPk(models.Model):  # noqa: DJ008
        data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
        name = EncryptedTextField(key_field="data_key")

        class Meta:
            app_label = "vaulttestapp"

    field = AutoPk._meta.get_field("name")
    assert [error.id for error in field.check()] == ["vault.E001"]
    with pytest.raises(ImproperlyConfigured, match="UUIDField"):
        field.pre_save(AutoPk(name=NAME, data_key_id=uuid.uuid4()), True)


@isolate_apps("caseway.vault.tests.vaulttestapp")
def test_it_reports_a_missing_key_field():
    class NoKey(models.Model):  # noqa: DJ008
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        name = EncryptedTextField(key_field="data_key")

        class Meta:
            app_label = "vaulttestapp"

    assert [error.id for error in NoKey._meta.get_field("name").check()] == ["vault.E001"]


def test_it_refuses_unique_or_indexed_encrypted_fields():
    with pytest.raises(ImproperlyConfigured):
        EncryptedTextField(key_field="data_key", unique=True)
    with pytest.raises(ImproperlyConfigured):
        EncryptedTextField(key_field="data_key", db_index=True)


def test_it_passes_the_real_models_checks():
    assert Person._meta.get_field("name").check() == []
