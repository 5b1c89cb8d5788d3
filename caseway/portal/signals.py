"""What erasure means for portal accounts. Connected in ``PortalConfig.ready``.

Inside the erasure's transaction: the account tied to an erased case goes with it (its sign-in
history and invitations too); a client erased completely loses their account whichever case it hung on.
"""

from caseway.clients.erasure import case_erasing, client_erasing


def delete_account_of_erased_case(sender, case, **kwargs):
    from caseway.portal.models import PortalAccount

    PortalAccount.objects.filter(case=case).delete()


def delete_account_of_erased_client(sender, client, **kwargs):
    from caseway.portal.models import PortalAccount

    PortalAccount.objects.filter(client=client).delete()


def connect():
    case_erasing.connect(delete_account_of_erased_case, dispatch_uid="portal_erase_case")
    client_erasing.connect(delete_account_of_erased_client, dispatch_uid="portal_erase_client")
