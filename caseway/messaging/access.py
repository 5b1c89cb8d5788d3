"""Who may read a thread. Staff: whoever may open the thread's case (``clients.access``), the rest
answers 404. The client: only the thread of their portal account's case (``portal`` asks here)."""

from caseway.clients import access as client_access
from caseway.messaging.models import Thread


def get_case_for_messages(membership, case_pk):
    """The case, if ``membership`` may open it (and so read and write its client thread); else 404."""
    return client_access.get_case_for_member(membership, case_pk)


def client_thread_of(case) -> Thread | None:
    return Thread.objects.filter(case=case, kind=Thread.Kind.CLIENT).first()
