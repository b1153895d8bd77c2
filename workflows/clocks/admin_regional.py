"""Admin for Xinjiang's regional holidays (肉孜节, 古尔邦节): an administrator confirms a year's
days from the autonomous region's notice on one page, starting from the Umm al-Qura
expectation (``workflows.clocks.regional``); confirmations are then shown read-only.

Imported at the end of ``admin.py``; the page only parses input and calls
``regional_year_confirm``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows.validators import LegalDateField

from .models import CalendarOverlay, Jurisdiction, RegionalHolidayYear
from .regional import RegionalRangeError, expected_days
from .regional_selectors import regional_years_to_confirm
from .regional_services import regional_year_confirm

# Blank rows under the expected ones: the further days of 古尔邦节 and any make-up working days.
EXTRA_ROWS = 4


class RegionalConfirmForm(forms.Form):
    reference = RegionalHolidayYear._meta.get_field("reference").formfield()
    note = RegionalHolidayYear._meta.get_field("note").formfield(
        widget=forms.Textarea(attrs={"rows": 2})
    )


class RegionalDayForm(forms.Form):
    # The browser's own date picker; its value is always ISO (YYYY-MM-DD).
    date = LegalDateField(
        label=_("date"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=CalendarOverlay.Kind.choices, initial=CalendarOverlay.Kind.HOLIDAY
    )
    name = CalendarOverlay._meta.get_field("name").formfield(help_text="")


RegionalDayFormSet = forms.formset_factory(RegionalDayForm, extra=EXTRA_ROWS, can_delete=True)


@admin.register(RegionalHolidayYear)
class RegionalHolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "jurisdiction", "reference", "confirmed_by", "confirmed_at"]
    list_filter = ["jurisdiction"]
    list_select_related = ["jurisdiction", "confirmed_by"]
    search_fields = ["reference", "note"]
    fields = ["jurisdiction", "year", "reference", "note", "days", "confirmed_by", "confirmed_at"]
    readonly_fields = ["days", "confirmed_at"]

    @admin.display(description=_("days in the calendar overlay"))
    def days(self, obj: RegionalHolidayYear) -> str:
        # The overlay as it stands now: a later correction of a single date shows here too.
        rows = CalendarOverlay.objects.filter(
            jurisdiction_id=obj.jurisdiction_id, date__year=obj.year
        ).order_by("date")
        return "; ".join(str(row) for row in rows) or "—"

    # A confirmation is evidence: a wrong date is corrected with a calendar overlay day.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _may_confirm(self, request) -> bool:
        return self.has_add_permission(request) and request.user.has_perm(
            "clocks.add_calendaroverlay"
        )

    def get_urls(self):
        return [
            path(
                "confirm/<int:jurisdiction_id>/<int:year>/",
                self.admin_site.admin_view(self.confirm_view),
                name="clocks_regionalholidayyear_confirm",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """ "Add" opens the confirm page of the first year still to confirm."""
        jurisdiction = (
            Jurisdiction.objects.filter(has_regional_holidays=True)
            .order_by("-is_default", "name")
            .first()
        )
        if jurisdiction is None:
            self.message_user(
                request,
                gettext("No jurisdiction has regional holidays (see Jurisdictions)."),
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:clocks_regionalholidayyear_changelist"))
        years = regional_years_to_confirm(today=timezone.localdate())
        confirmed = set(jurisdiction.regional_years.values_list("year", flat=True))
        year = next((y for y in years if y not in confirmed), years[-1] + 1)
        return HttpResponseRedirect(
            reverse("admin:clocks_regionalholidayyear_confirm", args=[jurisdiction.pk, year])
        )

    def confirm_view(self, request, jurisdiction_id: int, year: int):
        if not self._may_confirm(request):
            raise PermissionDenied
        jurisdiction = get_object_or_404(
            Jurisdiction, pk=jurisdiction_id, has_regional_holidays=True
        )
        done = RegionalHolidayYear.objects.filter(jurisdiction=jurisdiction, year=year).first()
        if done is not None:
            self.message_user(
                request,
                gettext("The regional holidays of %(year)s are confirmed already.")
                % {"year": year},
                messages.INFO,
            )
            return HttpResponseRedirect(
                reverse("admin:clocks_regionalholidayyear_change", args=[done.pk])
            )
        expected, initial = _expected_rows(year)
        if request.method == "POST":
            form = RegionalConfirmForm(request.POST)
            formset = RegionalDayFormSet(request.POST, initial=initial, prefix="days")
            if form.is_valid() and formset.is_valid():
                confirmed = self._confirm(request, jurisdiction, year, form, formset)
                if confirmed is not None:
                    return confirmed
        else:
            form = RegionalConfirmForm()
            formset = RegionalDayFormSet(initial=initial, prefix="days")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Confirm regional holidays for %(year)s") % {"year": year},
            "jurisdiction": jurisdiction,
            "year": year,
            "expected": expected,
            "form": form,
            "formset": formset,
            "previous_year": year - 1,
            "next_year": year + 1,
        }
        return TemplateResponse(request, "clocks/admin/regional_confirm.html", context)

    def _confirm(self, request, jurisdiction: Jurisdiction, year: int, form, formset):
        """Confirm the days as entered: the redirect to the confirmation, or None with the
        refusal added to ``form``."""
        days = [
            (data["date"], data["kind"], data["name"])
            for data in formset.cleaned_data
            if data and not data.get("DELETE")
        ]
        try:
            confirmation = regional_year_confirm(
                jurisdiction=jurisdiction,
                year=year,
                days=days,
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return None
        self.message_user(
            request,
            gettext(
                "The regional holidays of %(year)s are confirmed: %(count)s days "
                "are in the calendar of %(jurisdiction)s."
            )
            % {"year": year, "count": len(days), "jurisdiction": jurisdiction},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:clocks_regionalholidayyear_change", args=[confirmation.pk])
        )


def _expected_rows(year: int) -> tuple:
    """The days the Umm al-Qura calendar expects in ``year`` (none beyond its range), and one
    prefilled row per expected day: 1 day each, which the administrator corrects, lengthens
    with rows below or removes, as the notice says."""
    try:
        expected = expected_days(year)
    except RegionalRangeError:
        expected = ()
    initial = [
        {"date": day.date, "kind": CalendarOverlay.Kind.HOLIDAY, "name": day.name}
        for day in expected
    ]
    return expected, initial
