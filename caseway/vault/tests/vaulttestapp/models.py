import uuid

from django.db import models

from caseway.vault.fields import EncryptedJSONField, EncryptedTextField


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(key_field="data_key")
    nickname = EncryptedTextField(key_field="data_key", null=True, blank=True)
    details = EncryptedJSONField(key_field="data_key", null=True, blank=True)
    status = models.CharField(max_length=20, default="open")

    class Meta:
        # Explicit, so that outside test mode an import fails loudly instead of the model
        # quietly joining the enclosing caseway.vault app.
        app_label = "vaulttestapp"

    def __str__(self):
        return f"person {self.pk}"


class Note(models.Model):
    """A second table with a same-named column, to show ciphertext cannot cross tables."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.ForeignKey("vault.DataKey", on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(key_field="data_key")

    class Meta:
        app_label = "vaulttestapp"

    def __str__(self):
        return f"note {self.pk}"
