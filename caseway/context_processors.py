from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from caseway.orgs.permissions import Action

# (url name, label, action needed or None for every signed-in member)
NAVIGATION = [
    ("home", _("Home"), None),
    ("clients:client_list", _("Clients"), Action.VIEW_PERSONAL_DATA),
    ("clients:alert_inbox", _("Alerts and tasks"), Action.VIEW_PERSONAL_DATA),
    ("portal_staff:inbox", _("Messages"), Action.VIEW_PERSONAL_DATA),
    ("clients:intake_list", _("Intake"), Action.REGISTER_CLIENTS),
    ("clients:erasure_list", _("Erasure"), Action.ERASE_CLIENTS),
    ("casework:calendar", _("My calendar"), Action.VIEW_PERSONAL_DATA),
    ("casework:caseload", _("Caseloads"), Action.SUPERVISE_CASES),
    ("casework:payment_totals", _("Support payments"), Action.VIEW_PAYMENT_TOTALS),
    ("legal:deadlines", _("Legal deadlines"), Action.WORK_LEGAL_MATTERS),
    ("legal:requests_incoming", _("Legal assistance requests"), Action.WORK_LEGAL_MATTERS),
    ("legal:analytics", _("Legal analytics"), Action.VIEW_LEGAL_ANALYTICS),
    ("referrals:inbox", _("Referral inbox"), Action.VIEW_PERSONAL_DATA),
    ("referrals:outbox", _("Referral outbox"), Action.VIEW_PERSONAL_DATA),
    ("agreements:list", _("Data-sharing agreements"), Action.MANAGE_AGREEMENTS),
    ("directory:search", _("Directory"), None),
    ("directory:manage_services", _("Our services"), Action.MANAGE_SERVICES),
    ("directory:taxonomy", _("Need categories"), Action.CURATE_DIRECTORY),
    ("referrals:pathway_list", _("Referral pathways"), Action.MANAGE_PATHWAYS),
    ("referrals:statistics", _("Referral statistics"), Action.VIEW_NETWORK_STATISTICS),
    # One "Indicators" link per kind of viewer (a role holds one of the three).
    ("indicators:network", _("Indicators"), Action.VIEW_NETWORK_INDICATORS),
    ("indicators:organization_home", _("Indicators"), Action.VIEW_ORGANIZATION_INDICATORS),
    ("indicators:funded", _("Indicators"), Action.VIEW_FUNDED_INDICATORS),
    ("indicators:funding", _("Who funds whom"), Action.RECORD_FUNDING),
    ("coverage:map", _("Coverage map"), Action.VIEW_ORGANIZATIONS),
    ("orgs:organization_list", _("Organizations"), Action.VIEW_ORGANIZATIONS),
    ("orgs:member_list", _("Members"), Action.MANAGE_MEMBERS),
    ("audit:event_list", _("Audit log"), Action.VIEW_AUDIT_LOG),
    ("accounts:account", _("My account"), None),
]


def _navigation(request, membership):
    items = []
    for url_name, label, action in NAVIGATION:
        if action is not None and (membership is None or not membership.allows(action)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # an app not installed yet: leave its link out
            continue
        items.append({"url": url, "label": label, "current": request.path == url})
    return items


def shell(request):
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context = {
        "site_name": settings.SITE_NAME,
        "portal_site_name": settings.PORTAL_SITE_NAME,
        "portal_icon": settings.PORTAL_ICON_URL,
        "active_membership": membership,
    }
    # Token callers (API error pages) have no second-factor state: treat them as unverified.
    if signed_in and getattr(user, "is_verified", lambda: False)():
        context["nav"] = _navigation(request, membership)
        context["memberships"] = getattr(request, "memberships", [])
    return context
