"""The recovery profile: start date and time zone, medication, program, the people to
call, and appointments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waypoint.recovery import display, forms, selectors, services
from waypoint.recovery.models import Appointment, RecoveryProfile
from waypoint.recovery.views.common import personal, with_profile
from waypoint.recovery.views.today import add_service_errors, local_times


def _profile_initial(profile: RecoveryProfile) -> dict[str, object]:
    doses = [*list(profile.dose_times), "", "", ""]
    return {
        "start_date": profile.start_date,
        "time_zone": profile.time_zone,
        "substances": list(profile.substances),
        "medication_kind": profile.medication_kind,
        "medication_program": profile.medication_program or "",
        "dose_time_1": doses[0],
        "dose_time_2": doses[1],
        "dose_time_3": doses[2],
        "taper_end_date": profile.taper_end_date,
        "treatment_program": profile.treatment_program or "",
    }


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def profile(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    form = forms.ProfileForm(request.POST or None, initial=_profile_initial(profile))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_save(
                user=request.user,
                start_date=data["start_date"],
                time_zone=data["time_zone"],
                substances=data["substances"],
                medication_kind=data["medication_kind"],
                medication_program=data["medication_program"],
                dose_times=form.dose_times(),
                taper_end_date=data["taper_end_date"],
                treatment_program=data["treatment_program"],
                keep_unset=False,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("recovery:today")
    return render(request, "recovery/profile.html", {"form": form}, status=400 if form.errors else 200)


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def people(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    form = forms.SupportPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.support_person_save(user=request.user, name=data["name"], phone=data["phone"], role=data["role"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect("recovery:people")
    rows = selectors.support_people(user=request.user)
    links = display.person_links(rows)
    return render(
        request,
        "recovery/people.html",
        {"form": form, "people": list(zip(rows, links, strict=True))},
        status=400 if form.errors else 200,
    )


@personal
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.support_person_for_owner(user=request.user, person_id=person_id)
    initial = {"name": person.name, "phone": person.phone or "", "role": person.role}
    form = forms.SupportPersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.support_person_save(
                user=request.user, name=data["name"], phone=data["phone"], role=data["role"], person=person
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("recovery:people")
    return render(
        request, "recovery/person_edit.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )


@personal
@require_http_methods(["GET", "POST"])
def person_delete(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.support_person_for_owner(user=request.user, person_id=person_id)
    if request.method == "POST":
        services.support_person_delete(user=request.user, person=person)
        messages.success(request, _("Removed from your list."))
        return redirect("recovery:people")
    return render(request, "recovery/confirm_delete.html", {"what": person.name, "cancel": "recovery:people"})


def _appointment_saved(
    request: HttpRequest, form: forms.AppointmentForm, *, time_zone: str, appointment: Appointment | None = None
) -> bool:
    """Saves a posted, valid appointment form (new, or `appointment` changed); False otherwise,
    with the service's objections on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.appointment_save(
            user=request.user,
            day=data["day"],
            at=data["at"],
            title=data["title"],
            place=data["place"],
            time_zone=time_zone,
            appointment=appointment,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def appointments(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    form = forms.AppointmentForm(request.POST or None, initial={"day": selectors.today_in(profile)})
    if _appointment_saved(request, form, time_zone=profile.time_zone):
        messages.success(request, _("Appointment added."))
        return redirect("recovery:appointments")
    rows = local_times(selectors.appointments_upcoming(user=request.user))
    return render(
        request, "recovery/appointments.html", {"form": form, "rows": rows}, status=400 if form.errors else 200
    )


@personal
@require_http_methods(["GET", "POST"])
def appointment_edit(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for_owner(user=request.user, appointment_id=appointment_id)
    local = appointment.starts_at.astimezone(selectors.zone(appointment.time_zone))
    initial = {"day": local.date(), "at": local.time(), "title": appointment.title, "place": appointment.place or ""}
    form = forms.AppointmentForm(request.POST or None, initial=initial)
    if _appointment_saved(request, form, time_zone=appointment.time_zone, appointment=appointment):
        messages.success(request, _("Saved."))
        return redirect("recovery:appointments")
    return render(
        request,
        "recovery/appointment_edit.html",
        {"form": form, "appointment": appointment},
        status=400 if form.errors else 200,
    )


@personal
@require_http_methods(["GET", "POST"])
def appointment_delete(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = selectors.appointment_for_owner(user=request.user, appointment_id=appointment_id)
    if request.method == "POST":
        services.appointment_delete(user=request.user, appointment=appointment)
        messages.success(request, _("Appointment deleted."))
        return redirect("recovery:appointments")
    return render(
        request, "recovery/confirm_delete.html", {"what": appointment.title, "cancel": "recovery:appointments"}
    )
