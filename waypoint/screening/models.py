"""The only thing the screening app ever stores: a result that a signed-in person chose
to save. Anonymous self-checks are scored in memory and never written anywhere."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedResult(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screening_results")
    instrument_id = models.CharField(_("self-check"), max_length=40)
    instrument_version = models.CharField(max_length=20)
    # Answers as item key → allowed value, so the result can be re-scored and exported.
    answers = models.JSONField()
    total = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "instrument_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.total} ({self.created_at:%Y-%m-%d})"
