"""The only way views, the API and exports reach audit events."""

from caseway.audit.models import AuditEvent


def visible_events(membership):
    """Events of the membership's organization, for roles allowed to read the log; otherwise none.

    Events without an organization (sign-ins, failed sign-ins, system events) are on no
    organization's page: the platform's operators read them with the command line.
    """
    if membership is None:
        return AuditEvent.objects.none()
    # The action name of caseway.orgs.permissions.Action.VIEW_AUDIT_LOG; orgs is a higher floor.
    if not membership.allows("audit.view_log"):
        return AuditEvent.objects.none()
    # filter(organization_id=None) would mean IS NULL: every organization-less event. Fail closed.
    if membership.organization_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organization_id=membership.organization_id)
