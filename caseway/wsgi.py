import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caseway.settings")
application = get_wsgi_application()


def _refuse_to_serve_without_keys():
    """gunicorn does not run system checks; a production server must not start without its keys."""
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    if settings.MODE in {"demo", "test"}:
        return
    errors = [issue for issue in checks.run_checks(tags=[checks.Tags.security]) if issue.is_serious()]
    if errors:
        raise ImproperlyConfigured("Caseway will not start: " + "; ".join(str(error.msg) for error in errors))


_refuse_to_serve_without_keys()
