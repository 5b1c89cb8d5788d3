"""The role table: which role may do which action. The one place permissions are decided.

Object scope (which organization's rows) is decided by each app's ``access.py``; this table
only says what kind of thing a role may do at all.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEGAL_OFFICER = "legal_officer", _("Legal officer")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    COORDINATOR = "coordinator", _("Coordinator")
    DONOR = "donor", _("Donor")
    MONITOR = "monitor", _("Monitor")


class Action(StrEnum):
    VIEW_PERSONAL_DATA = "clients.view_personal_data"
    VIEW_AUDIT_LOG = "audit.view_log"
    MANAGE_MEMBERS = "orgs.manage_members"
    MANAGE_API_TOKENS = "orgs.manage_api_tokens"
    VIEW_ORGANIZATIONS = "orgs.view_organizations"
    MANAGE_SERVICES = "directory.manage_services"
    CURATE_DIRECTORY = "directory.curate"
    REGISTER_CLIENTS = "clients.register"
    SUPERVISE_CASES = "clients.supervise"
    ERASE_CLIENTS = "clients.erase"
    MANAGE_RETENTION = "clients.manage_retention"
    MANAGE_AGREEMENTS = "orgs.manage_agreements"
    OVERRIDE_CONSENT = "referrals.override_consent"
    MANAGE_PATHWAYS = "referrals.manage_pathways"
    VIEW_PAYMENT_TOTALS = "casework.view_payment_totals"
    VIEW_NETWORK_STATISTICS = "referrals.view_statistics"
    WORK_LEGAL_MATTERS = "legal.work_matters"
    # Who a protected witness is: legal officers only (supervisors and co-counsel experts work the
    # matter by pseudonym); ``legal.access.may_see_identity`` adds the organization's role on it.
    SEE_WITNESS_IDENTITY = "legal.see_witness_identity"
    # Aggregates of the legal work (time in stage, delays, outcomes by group), small cells hidden.
    VIEW_LEGAL_ANALYTICS = "legal.view_analytics"
    # Common indicators (aggregates only, small cells hidden): the whole network's, or one's own
    # organization's; targets and baselines are set by those who answer for them.
    VIEW_NETWORK_INDICATORS = "indicators.view_network"
    VIEW_ORGANIZATION_INDICATORS = "indicators.view_organization"
    MANAGE_INDICATOR_TARGETS = "indicators.manage_targets"
    # Donors: the indicators of the organizations they fund, for the periods they fund them,
    # aggregated together (never one organization alone unless they fund several); coordinators
    # record who funds whom. Both stand in until the funding app (floor 13) records grants.
    VIEW_FUNDED_INDICATORS = "indicators.view_funded"
    RECORD_FUNDING = "indicators.record_funding"


_EVERY_STAFF_ROLE = {Action.MANAGE_API_TOKENS, Action.VIEW_ORGANIZATIONS}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.CASEWORKER: frozenset(
        _EVERY_STAFF_ROLE | {Action.VIEW_PERSONAL_DATA, Action.REGISTER_CLIENTS, Action.VIEW_ORGANIZATION_INDICATORS}
    ),
    Role.SUPERVISOR: frozenset(
        _EVERY_STAFF_ROLE
        | {
            Action.VIEW_PERSONAL_DATA,
            Action.REGISTER_CLIENTS,
            Action.SUPERVISE_CASES,
            Action.OVERRIDE_CONSENT,
            Action.VIEW_PAYMENT_TOTALS,
            Action.WORK_LEGAL_MATTERS,
            Action.VIEW_LEGAL_ANALYTICS,
            Action.VIEW_ORGANIZATION_INDICATORS,
            Action.MANAGE_INDICATOR_TARGETS,
        }
    ),
    Role.LEGAL_OFFICER: frozenset(
        _EVERY_STAFF_ROLE
        | {
            Action.VIEW_PERSONAL_DATA,
            Action.REGISTER_CLIENTS,
            Action.WORK_LEGAL_MATTERS,
            Action.SEE_WITNESS_IDENTITY,
            Action.VIEW_LEGAL_ANALYTICS,
            Action.VIEW_ORGANIZATION_INDICATORS,
        }
    ),
    # Agency admins erase and set retention without seeing identities: they work from client codes.
    Role.AGENCY_ADMIN: frozenset(
        _EVERY_STAFF_ROLE
        | {
            Action.MANAGE_MEMBERS,
            Action.VIEW_AUDIT_LOG,
            Action.MANAGE_SERVICES,
            Action.ERASE_CLIENTS,
            Action.MANAGE_RETENTION,
            Action.MANAGE_AGREEMENTS,
            Action.VIEW_PAYMENT_TOTALS,  # amounts by kind and currency only: no client
            Action.VIEW_ORGANIZATION_INDICATORS,
            Action.MANAGE_INDICATOR_TARGETS,
        }
    ),
    # Coordinators curate the shared directory (taxonomy, verification, imports), not its contents,
    # and define the network's standard referral pathways (data: steps, categories, time frames).
    # They follow how the network refers through its statistics: aggregates only, small cells hidden.
    Role.COORDINATOR: frozenset(
        _EVERY_STAFF_ROLE
        | {
            Action.CURATE_DIRECTORY,
            Action.MANAGE_PATHWAYS,
            Action.VIEW_NETWORK_STATISTICS,
            Action.VIEW_LEGAL_ANALYTICS,
            Action.VIEW_NETWORK_INDICATORS,
            Action.MANAGE_INDICATOR_TARGETS,
            Action.RECORD_FUNDING,
        }
    ),
    Role.DONOR: frozenset(_EVERY_STAFF_ROLE | {Action.VIEW_FUNDED_INDICATORS}),
    Role.MONITOR: frozenset(_EVERY_STAFF_ROLE | {Action.VIEW_AUDIT_LOG}),
}


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
