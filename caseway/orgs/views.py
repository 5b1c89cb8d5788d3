from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.accounts.decorators import reauthentication_required
from caseway.lib.access import authenticated, object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.orgs import access, services
from caseway.orgs.forms import ApiTokenCreateForm, MemberInviteForm, MemberUpdateForm
from caseway.orgs.permissions import Action

MEMBERS_PER_PAGE = 50


@require_POST
@authenticated
def switch_organization(request):
    memberships = {str(m.pk): m for m in access.active_memberships_of(request.user)}
    membership = memberships.get(request.POST.get("membership", ""))
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        services.active_organization_switch(actor=request.user, request=request, membership=membership)
        messages.success(
            request, _("You are now working as %(organization)s.") % {"organization": membership.organization}
        )
    return redirect("home")


@role_required(Action.VIEW_ORGANIZATIONS)
def organization_list(request):
    organizations = access.visible_organizations(request.user).order_by("country", "name")
    return render(request, "orgs/organization_list.html", {"organizations": organizations})


@role_required(Action.MANAGE_MEMBERS)
def member_list(request):
    memberships = access.managed_memberships(request.membership).order_by("-is_active", "user__email", "pk")
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orgs/member_list.html", {"memberships": page.object_list, "page": page})


@role_required(Action.MANAGE_MEMBERS)
@reauthentication_required(return_to="orgs:member_invite")
def member_invite(request):
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_invite(
                actor=request.user, actor_membership=request.membership, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Member added. They get an email to set their password."))
            return redirect("orgs:member_list")
    return render(request, "orgs/member_invite.html", {"form": form})


@object_scoped(Action.MANAGE_MEMBERS)
def member_detail(request, pk):
    membership = access.get_managed_membership(request.membership, pk)
    form = MemberUpdateForm(request.POST or None, initial={"role": membership.role, "is_active": membership.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user,
                actor_membership=request.membership,
                membership=membership,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("orgs:member_list")
    return render(request, "orgs/member_detail.html", {"membership": membership, "form": form})


@require_POST
@object_scoped(Action.MANAGE_MEMBERS)
@reauthentication_required(return_to="orgs:member_detail")
def member_second_factor_reset(request, pk):
    membership = access.get_managed_membership(request.membership, pk)
    try:
        services.member_second_factor_reset(
            actor=request.user, actor_membership=request.membership, membership=membership, request=request
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Two-step sign-in was reset. The member sets it up again at their next sign-in."))
    return redirect("orgs:member_detail", pk=membership.pk)


@role_required(Action.MANAGE_API_TOKENS)
def api_token_list(request):
    tokens = access.visible_api_tokens(request.user)
    return render(request, "orgs/api_token_list.html", {"tokens": tokens, "form": ApiTokenCreateForm()})


@require_POST
@role_required(Action.MANAGE_API_TOKENS)
@reauthentication_required(return_to="orgs:api_token_list")
def api_token_create(request):
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                actor=request.user,
                membership=request.membership,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "orgs/api_token_created.html", {"token": token, "secret": secret})
    tokens = access.visible_api_tokens(request.user)
    return render(request, "orgs/api_token_list.html", {"tokens": tokens, "form": form}, status=400)


@require_POST
@object_scoped()
def api_token_revoke(request, pk):
    token = access.get_api_token_for_user(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("Token revoked. It stops working at once."))
    return redirect("orgs:api_token_list")
