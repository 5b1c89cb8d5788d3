"""What the clients app's erasure means for casework. Connected in ``CaseworkConfig.ready``.

A client erased completely (``clients.erasure.client_erasing``, inside the erasure's transaction,
before its data key is destroyed): with a statistical stub kept, the stub's cases stay (closed),
so the casework rows hanging from them would stay too. The rows that hold free text go: notes,
plans with their goals and progress, tasks. Milestones stay: codes and dates only, and the
indicators count them. Without a stub the client row is deleted and everything cascades from its
cases; a case erased alone (``case_erasing``) cascades the same way.
"""

from caseway.clients.erasure import client_erasing


def delete_free_text_of_erased_client(sender, client, keep_stub, **kwargs):
    from caseway.casework.models import CaseNote, CasePlan, Task

    cases = client.cases.values("pk")
    # Corrections point at the notes they correct (SET_NULL): deleted all at once, in one statement.
    CaseNote.objects.filter(case__in=cases).delete()
    Task.objects.filter(case__in=cases).delete()
    CasePlan.objects.filter(case__in=cases).delete()  # goals and their progress cascade
    client.cases.update(follow_up_days=None)


def connect():
    client_erasing.connect(delete_free_text_of_erased_client, dispatch_uid="casework_erase_free_text")
