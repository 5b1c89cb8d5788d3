from django.conf import settings


def shell(request):
    membership = getattr(request, "membership", None)
    return {
        "site_name": settings.SITE_NAME,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "active_membership": membership,
    }
