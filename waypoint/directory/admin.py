"""Admin: facilities with their sources (why records were merged), reports, the code table."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from .importers import FORMATS, ImportRejected
from .models import Facility, FacilitySource, ListingReport, ServiceCode
from .services import facilities_import


class FacilitySourceInline(admin.TabularInline):
    model = FacilitySource
    extra = 0
    fields = ("source", "source_record_id", "match_rule", "matched_to", "codes", "imported_at")
    readonly_fields = fields
    can_delete = False


class ImportForm(forms.Form):
    file = forms.FileField()
    format = forms.ChoiceField(choices=[("", "detect")] + [(f, f) for f in FORMATS], required=False)


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "state", "zip_code", "facility_type", "is_demo")
    list_filter = ("is_demo", "facility_type", "state")
    search_fields = ("name", "name2", "city", "zip_code")
    inlines = [FacilitySourceInline]

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="directory_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """The same importer as `manage.py import_facilities`, for an uploaded file."""
        # Staff status alone is not enough: an import adds and changes facilities.
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()
            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / f"upload{suffix}"
                with target.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                try:
                    result = facilities_import(path=target, fmt=form.cleaned_data["format"] or None)
                except ImportRejected as exc:
                    messages.error(request, f"{upload.name}: {exc.message} (line {exc.line}, field {exc.field})")
                else:
                    messages.success(
                        request,
                        f"{upload.name}: {result.read} read, {result.created} created, {result.updated} updated, "
                        f"{result.merged} merged, {result.rejected} rejected",
                    )
                    return redirect("admin:directory_facility_changelist")
        context: dict[str, Any] = {**self.admin_site.each_context(request), "form": form, "title": "Import facilities"}
        return TemplateResponse(request, "directory/admin_import.html", context)


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    list_display = ("facility", "problem", "created_at", "handled")
    list_filter = ("handled", "problem")
    raw_id_fields = ("facility",)


@admin.register(ServiceCode)
class ServiceCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "label_en", "label_es", "vintage", "aliases")
    list_filter = ("category", "vintage")
