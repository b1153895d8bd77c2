"""Readable refusals for the public: a page a citizen understands, with the right status."""

from django.shortcuts import render


def too_many_requests(request, *, retry_after: int):
    response = render(
        request,
        "public/429.html",
        {"retry_after": retry_after, "retry_minutes": max(1, (retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def too_large(request, *, limit: int):
    return render(request, "public/413.html", {"limit_kib": limit // 1024}, status=413)
