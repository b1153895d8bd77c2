"""Building blocks of the public portal (no login): rate limits, the body-size limit, the
honeypot, fragment-cache versions, the portal's navigation and its error pages.

Nothing here knows about decisions or documents: the apps' ``public.py`` modules use these.
"""
