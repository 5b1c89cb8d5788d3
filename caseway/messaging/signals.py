"""What erasure means for the outbox. Connected in ``MessagingConfig.ready``.

Inside the erasure's transaction, before the client's data key is destroyed: a client erased
completely loses every outbox row addressed to them (pending ones first of all: nothing is sent to
an erased person); a case erased alone loses the rows about its appointments and its messages,
and its client thread (the messages are the organization's record of the case).
"""

from caseway.clients.erasure import case_erasing, client_erasing


def delete_notifications_of_erased_client(sender, client, **kwargs):
    from caseway.messaging.models import Notification

    Notification.objects.filter(client=client).delete()


def delete_notifications_of_erased_case(sender, case, **kwargs):
    from caseway.casework.models import Appointment
    from caseway.messaging.models import Message, Notification, Thread

    appointments = Appointment.objects.filter(case=case).values("pk")
    Notification.objects.filter(purpose=Notification.Purpose.APPOINTMENT_REMINDER, object_id__in=appointments).delete()
    messages = Message.objects.filter(thread__case=case).values("pk")
    Notification.objects.filter(purpose=Notification.Purpose.NEW_MESSAGE, object_id__in=messages).delete()
    Thread.objects.filter(case=case).delete()


def connect():
    client_erasing.connect(delete_notifications_of_erased_client, dispatch_uid="messaging_erase_client")
    case_erasing.connect(delete_notifications_of_erased_case, dispatch_uid="messaging_erase_case")
