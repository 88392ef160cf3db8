"""Admin: facilities with their sources (why records were merged), reports, the code table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from .importers import FORMATS, ImportRejected
from .models import Facility, FacilitySource, ImportJob, ListingReport, ServiceCode
from .services import import_job_cancel, import_job_confirm, import_job_create


class FacilitySourceInline(admin.TabularInline):
    model = FacilitySource
    extra = 0
    fields = ("source", "file_name", "source_record_id", "name", "name2", "phones", "match_rule", "matched_to",
              "codes", "imported_at")  # fmt: skip
    readonly_fields = fields
    can_delete = False


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV, JSON or XLSX, as SAMHSA publishes it.")
    format = forms.ChoiceField(choices=[("", "detect")] + [(f, f) for f in FORMATS], required=False)
    source = forms.CharField(
        max_length=100,
        required=False,
        help_text="Leave empty: the format (national lists) or the file name (locator exports). A file replaces "
        "what its source listed before.",
    )


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "state", "zip_code", "facility_type", "is_demo")
    list_filter = ("is_demo", "facility_type", "state")
    # Other sources' names are searchable too (a place is often listed under two names).
    search_fields = ("name", "name2", "other_names", "city", "zip_code")
    readonly_fields = ("phones", "other_names")
    inlines = [FacilitySourceInline]

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="directory_import"),
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_status_view),
                name="directory_import_status",
            ),
            *super().get_urls(),
        ]

    def _may_import(self, request: HttpRequest) -> None:
        # Staff status alone is not enough: an import adds and changes facilities.
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file: it is saved and imported by the task queue, never in this request."""
        self._may_import(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    user=request.user,
                    name=upload.name,
                    chunks=upload.chunks(),
                    fmt=form.cleaned_data["format"],
                    source=form.cleaned_data["source"].strip(),
                )
            except ImportRejected as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("admin:directory_import_status", job_id=job.pk)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import facilities",
            "jobs": ImportJob.objects.all()[:10],
            "max_mb": settings.IMPORT_MAX_MB,
            "max_rows": settings.IMPORT_MAX_ROWS,
        }
        return TemplateResponse(request, "directory/admin_import.html", context)

    def import_status_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """Where an upload stands; a file that would remove too much is confirmed here."""
        self._may_import(request)
        job = get_object_or_404(ImportJob, pk=job_id)
        if request.method == "POST":
            try:
                if "confirm" in request.POST:
                    import_job_confirm(job=job)
                elif "cancel" in request.POST:
                    import_job_cancel(job=job)
            except ValueError:
                messages.error(request, "This import is no longer waiting for a confirmation.")
            return redirect("admin:directory_import_status", job_id=job.pk)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "job": job,
            "title": f"Import of {job.file_name}",
            # The page reloads itself (a meta refresh, no script) until the task is done.
            "refresh": job.status in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING},
        }
        response = TemplateResponse(request, "directory/admin_import_status.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """The history of uploads (read-only); each links to its status page."""

    list_display = ("file_name", "status", "created_at", "created_by", "status_page")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    @admin.display(description="status page")
    def status_page(self, job: ImportJob) -> str:
        url = reverse("admin:directory_import_status", args=[job.pk])
        return format_html('<a href="{}">open</a>', url)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    list_display = ("facility", "problem", "created_at", "handled")
    list_filter = ("handled", "problem")
    raw_id_fields = ("facility",)


@admin.register(ServiceCode)
class ServiceCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "label_en", "label_es", "vintage", "aliases")
    list_filter = ("category", "vintage")
