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
