"""The case work page: where the case stands and everything that happened on it, newest first.

Thin: the case through ``casework.access`` (another organization, or a role without personal
data: 404 / 403), the timeline from ``case_queries`` in a fixed number of queries. The client's
name is masked as on the clients pages (``clients.access.display_name``); when it is shown, the
read is audited with the field names.
"""

from django.shortcuts import render

from caseway import audit
from caseway.casework import access, case_queries
from caseway.clients import access as client_access
from caseway.lib.access import object_scoped
from caseway.orgs.permissions import Action


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_page(request, case_pk):
    membership = request.membership
    case = access.get_case(membership, case_pk)
    categories = client_access.visible_categories(membership, case)
    identity_visible = client_access.can_see_identity(membership, case, categories)
    name = client_access.display_name(membership, case, categories=categories)
    if identity_visible and name != case.client.code:
        audit.record(
            request.user,
            "casework.case_viewed",
            case.client,
            fields=["given_name", "family_name"],
            organization=membership.organization_id,
            request=request,
        )
    plan = case_queries.case_plan(case)
    context = {
        "case": case,
        "client": case.client,
        "name": name,
        "identity_visible": identity_visible,
        "plan": plan,
        "tasks": case_queries.open_task_counts(case),
        "next_appointment": case_queries.next_appointment(case),
        "entries": case_queries.timeline(membership, case, categories, plan=plan),
        "limit": case_queries.LIMIT,
        "may_supervise": access.is_supervisor(membership),
    }
    return render(request, "casework/case.html", context)
