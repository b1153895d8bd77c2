from django.contrib.auth.views import redirect_to_login


class StaffSiteMiddleware:
    """Give every staff page the site's menu, not only the pages mounted inside the site.

    viewflow's base template reads ``request.resolver_match.site``, which its SiteMiddleware
    sets only for URLs mounted under the viewflow Site. Pages mounted elsewhere (record
    timeline, notifications) extend the same template and need the same menu.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and getattr(match, "site", None) is None:
            from config.site import site  # lazy: the site imports every app's views

            match.site = site
        return None


class SiteLoginMiddleware:
    """Send an anonymous visitor of any staff-site page to log in, before its view runs.

    Left to themselves viewflow's views answer an anonymous visitor 403 for a process that
    exists and 404 for one that does not, which tells the world which processes exist. Every
    URL of the viewflow site (marked by the site in its URL name) now redirects to the login
    page alike; pages outside it (portal, API, health, login) are untouched. Placed before
    viewflow's SiteMiddleware, which would refuse the visitor with a 403 first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        extra = getattr(getattr(match, "url_name", None), "extra", None) or {}
        if extra.get("site") is not None and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return None
