"""Every route of the URL configuration, with a way to fill its parameters.

The permission tests walk these, so a route added later is checked without new test code.
A route whose parameters cannot be filled fails the walk with a message saying what to add.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: Routes anyone may open: signing in and out, choosing the language.
PUBLIC_ROUTES = frozenset({"login", "logout", "set_language"})


@dataclass(frozen=True)
class Route:
    name: str
    parameters: tuple[str, ...]
    view: object

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def model(self):
        """Return the model the route's ``pk`` refers to, read from its view."""
        view_class = getattr(self.view, "view_class", None) or getattr(self.view, "cls", None)
        model = getattr(view_class, "model", None) or getattr(self.view, "model", None)
        if model is None and getattr(view_class, "queryset", None) is not None:
            model = view_class.queryset.model
        return model

    def url(self, obj=None) -> str:
        kwargs = {}
        for parameter in self.parameters:
            if parameter == "pk":
                if obj is None:
                    raise AssertionError(f"route {self.name} needs an object for pk")
                kwargs["pk"] = obj.pk
            elif parameter == "format":
                kwargs["format"] = "json"
            else:
                raise AssertionError(
                    f"route {self.name} has a parameter {parameter!r} the permission walker "
                    "cannot fill: teach govcloud/testing/routes.py about it"
                )
        return reverse(self.name, kwargs=kwargs)


def _parameters(pattern) -> tuple[str, ...]:
    return tuple(pattern.pattern.regex.groupindex)


def all_routes() -> list[Route]:
    """Return every named route, API format-suffix variants left out."""
    routes: list[Route] = []

    def walk(patterns, namespace: str, inherited: tuple[str, ...]) -> None:
        for pattern in patterns:
            parameters = inherited + _parameters(pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, parameters)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if "format" in parameters:
                    continue
                routes.append(Route(f"{namespace}{pattern.name}", parameters, pattern.callback))

    walk(get_resolver().url_patterns, "", ())
    return routes


def object_in_contract(model, contract):
    """Return some object of ``model`` that belongs to ``contract``, by the model's scope path.

    A platform-wide model (``scope_platform_wide``, e.g. the audit log) belongs to no
    contract: any of its objects will do.
    """
    if getattr(model, "scope_platform_wide", False):
        found = model.objects.order_by("pk").first()
        if found is None:
            raise AssertionError(f"the test cast has no {model.__name__} at all")
        return found
    paths = model.scope_contract_field
    path = paths if isinstance(paths, str) else paths[0]
    lookup = "pk" if path == "self" else path
    found = model.objects.filter(**{lookup: contract.pk}).order_by("pk").first()
    if found is None:
        raise AssertionError(f"the test cast has no {model.__name__} in contract {contract.code}")
    return found
