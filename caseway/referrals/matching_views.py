"""The matching page: which services of the directory fit a case's open needs, and why.

Reached through ``clients.access.get_case_for_member`` (another organization's case: 404), for
roles that may see personal data (others: 403). Shows the client's code, never a name. Each
match shows its reasons and its place as ``directory.access.present_location`` allows: a
confidential shelter shows the district at most, never its address.
"""

from urllib.parse import urlencode

from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from caseway.clients import access
from caseway.clients.models import DataCategory, Need
from caseway.lib.access import object_scoped
from caseway.lib.htmx import render_page_or_results
from caseway.orgs.permissions import Action
from caseway.referrals.matching import need_categories, rank_services

MATCHES_SHOWN = 20


class NeedChoiceForm(forms.Form):
    """Which of the case's open needs to match (none ticked: all of them)."""

    need = forms.MultipleChoiceField(
        label=_("Needs to match"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Need.Domain.choices)
        self.fields["need"].choices = [(need.domain, labels.get(need.domain, need.domain)) for need in needs]


def _open_needs(membership, case) -> list:
    """The case's open needs, highest priority first, one per domain (none without the needs category)."""
    if DataCategory.NEEDS not in access.visible_categories(membership, case):
        return []
    order = {Need.Priority.HIGH: 0, Need.Priority.MEDIUM: 1, Need.Priority.LOW: 2}
    rows = Need.objects.filter(case=case, status=Need.Status.OPEN).order_by("identified_at", "pk")
    best = {}
    for need in rows:
        if need.domain not in need_categories():
            continue
        known = best.get(need.domain)
        if known is None or order.get(need.priority, 3) < order.get(known.priority, 3):
            best[need.domain] = need
    return sorted(best.values(), key=lambda need: (order.get(need.priority, 3), need.domain))


def refer_url(case) -> str | None:
    """Where "Refer" leads (the referral form of caseway/referrals/urls.py), or None while it does not exist."""
    for kwargs in ({"case_pk": case.pk}, {"pk": case.pk}):
        try:
            return reverse("referrals:create", kwargs=kwargs)
        except NoReverseMatch:
            continue
    try:
        return reverse("referrals:create") + "?" + urlencode({"case": case.pk})
    except NoReverseMatch:
        return None


def _with_service(url: str, service) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'service': service.pk})}"


@object_scoped(Action.VIEW_PERSONAL_DATA)
def match(request, case_pk):
    membership = request.membership
    case = access.get_case_for_member(membership, case_pk)
    needs = _open_needs(membership, case)
    form = NeedChoiceForm(request.GET or None, needs=needs)
    chosen = needs
    if form.is_bound and form.is_valid() and form.cleaned_data["need"]:
        ticked = set(form.cleaned_data["need"])
        chosen = [need for need in needs if need.domain in ticked]
    matches = rank_services(membership=membership, case=case, needs=chosen, limit=MATCHES_SHOWN) if chosen else []
    base = refer_url(case)
    rows = [{"match": match, "refer": _with_service(base, match.service) if base else None} for match in matches]
    context = {
        "case": case,
        "client": case.client,
        "needs": needs,
        "chosen": [need.domain for need in chosen],
        "form": form,
        "rows": rows,
        "may_see_needs": DataCategory.NEEDS in access.visible_categories(membership, case),
    }
    return render_page_or_results(request, "referrals/matching/match.html", context)
