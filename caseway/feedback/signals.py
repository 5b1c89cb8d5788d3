"""Erasure: what a client sent keeps its words (under a key of its own) but no longer points at them."""

from caseway.clients.erasure import client_erasing


def forget_the_client(sender, client, **kwargs):
    from caseway.feedback.models import Feedback

    Feedback.objects.filter(client=client).update(client=None)


def connect():
    client_erasing.connect(forget_the_client, dispatch_uid="feedback_erase_client")
