"""Every URL pattern of the project, with its declared access class, for the harness tests."""

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter

from caseway.lib.access import access_class_of


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: object
    converters: dict

    @property
    def access_class(self):
        return access_class_of(self.callback)

    @property
    def action(self):
        view_class = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        return getattr(self.callback, "caseway_action", None) or getattr(view_class, "caseway_action", None)

    @property
    def is_api(self):
        return self.route.startswith("api/")

    @property
    def has_parameters(self):
        return bool(self.converters)

    def placeholder_path(self, **overrides):
        """The path with harmless values for its parameters (for checks that run before any lookup)."""
        from django.urls import reverse

        kwargs = {}
        for name, converter in self.converters.items():
            if isinstance(converter, IntConverter):
                kwargs[name] = 999999
            elif isinstance(converter, UUIDConverter):
                kwargs[name] = uuid.UUID(int=1)
            else:
                kwargs[name] = "x"
        kwargs.update(overrides)
        return reverse(self.name, kwargs=kwargs or None)


def _walk(patterns, prefix="", namespace="", converters=None):
    converters = converters or {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            inner_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner_namespace, found)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield Route(route=route, name=name, callback=pattern.callback, converters=found)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))
