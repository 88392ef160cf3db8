"""Writes: loading the code table, importing directory files (with merging), admin import jobs.

Listing reports are written by reports.py."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import codes as code_data
from .importers import ImportRejected, ReadReport, default_source, read_file
from .models import Facility, ImportJob, ServiceCategory, ServiceCode
from .reading import max_bytes
from .store import ImportShrinks, execute_many, source_replace

logger = logging.getLogger(__name__)


def code_table_load() -> int:
    """Loads data/service_codes.csv and categories.csv into the database (idempotent)."""
    with transaction.atomic():
        for info in code_data.categories().values():
            ServiceCategory.objects.update_or_create(
                code=info.code, defaults={"label_en": info.label_en, "label_es": info.label_es, "order": info.order}
            )
        existing = set(ServiceCode.objects.values_list("code", flat=True))
        rows = [
            ServiceCode(
                code=info.code,
                category_id=info.category,
                label_en=info.label_en,
                label_es=info.label_es,
                vintage=info.vintage,
                aliases=" ".join(info.aliases),
            )
            for info in code_data.code_table().values()
        ]
        ServiceCode.objects.bulk_create([row for row in rows if row.code not in existing])
        ServiceCode.objects.bulk_update(
            [row for row in rows if row.code in existing], ["category", "label_en", "label_es", "vintage", "aliases"]
        )
    return len(rows)


@dataclass
class ImportResult:
    path: str
    format: str
    source: str = ""
    read: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    rejected: int = 0
    # Records this source listed before and this file no longer does, and the places
    # that went with them (a place goes when none of its sources lists it any more).
    removed: int = 0
    facilities_removed: int = 0
    merge_rules: dict[str, int] = field(default_factory=dict)
    unknown_fields: dict[str, int] = field(default_factory=dict)
    unknown_codes: dict[str, int] = field(default_factory=dict)
    rejected_rows: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"read {self.read}, created {self.created}, updated {self.updated}, merged {self.merged}, "
            f"rejected {self.rejected}, removed {self.removed}"
        )


def facilities_import(
    *,
    path: Path,
    fmt: str | None = None,
    source: str = "",
    file_name: str = "",
    allow_shrink: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Reads one file and makes it the current list of its source, in ONE transaction.

    The source is the file's format for the national lists, the format and file name for
    a locator export, or `source`. Records the source listed before and this file does
    not are removed; when that is more than IMPORT_MAX_SHRINK_PERCENT of them (or the
    file lists nothing), ImportShrinks/ImportRejected is raised unless `allow_shrink`.
    Then the places are rebuilt from every stored record (merge.py): the result does not
    depend on the order files were imported in.

    Raises ImportRejected (file, line, field) when the file is broken; then nothing changed.
    Cost: reads every stored record once and clusters them (≈2–4 s for the national set).
    """
    report = read_file(path, fmt)
    # An upload is stored under a random name: the operator's file name names the source.
    named = Path(file_name) if file_name else path
    return records_import(
        report=report,
        source=source or default_source(report.format, named),
        file_name=named.name,
        allow_shrink=allow_shrink,
        now=now,
    )


def records_import(
    *,
    report: ReadReport,
    source: str = "",
    file_name: str = "",
    allow_shrink: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Stores already-read records as `source` (default: the format) and rebuilds the
    directory (used by refresh_facilities and facilities_import)."""
    source = (source or report.format)[:100]
    with transaction.atomic():
        stored = source_replace(
            report=report, source=source, file_name=file_name, allow_shrink=allow_shrink, now=now or timezone.now()
        )
    result = ImportResult(
        path=report.path,
        format=report.format,
        source=source,
        read=report.read,
        created=stored.created,
        updated=stored.updated,
        merged=stored.merged,
        rejected=len(report.rejected_rows),
        removed=stored.removed,
        facilities_removed=stored.facilities_removed,
        merge_rules=stored.merge_rules,
        unknown_fields=dict(report.unknown_fields),
        unknown_codes=dict(report.unknown_codes.most_common(50)),
        rejected_rows=report.rejected_rows[:50],
    )
    logger.info("directory import %s (%s): %s", Path(report.path).name, source, result.summary())
    return result


def facility_codes_set(*, codes: dict[int, set[str]]) -> None:
    """Sets the search codes of the given places (the demo set, which has no sources to
    rebuild from)."""
    execute_many(Facility, ["codes"], [[_codes_text(value), pk] for pk, value in codes.items()])


def _codes_text(codes: set[str]) -> str:
    return f" {' '.join(sorted(codes))} " if codes else ""


# --- Admin uploads: imported by the task queue --------------------------------------------

UPLOAD_SUFFIXES = (".csv", ".json", ".xlsx")


def _imports_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def import_job_create(*, user: Any, name: str, chunks: Iterable[bytes], fmt: str = "", source: str = "") -> ImportJob:
    """Saves an uploaded file under VAR_DIR/imports (owner-only) and queues its import.

    Refuses (ImportRejected) a file type we cannot read or a file over IMPORT_MAX_MB,
    counted while it is written, so an upload never fills the disk either.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportRejected(name, f"choose a {', '.join(UPLOAD_SUFFIXES)} file")
    target = _imports_dir() / f"{secrets.token_hex(16)}{suffix}"
    written = 0
    with target.open("xb") as handle:
        target.chmod(0o600)
        for chunk in chunks:
            written += len(chunk)
            if written > max_bytes():
                handle.close()
                target.unlink(missing_ok=True)
                raise ImportRejected(name, f"the file is larger than {settings.IMPORT_MAX_MB} MB (IMPORT_MAX_MB)")
            handle.write(chunk)
    job = ImportJob(
        created_by=user, file_name=Path(name).name[:200], stored_path=str(target), format=fmt, source=source
    )
    job.full_clean()
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import import_job_task

    import_job_task(job_id)


def import_job_run(*, job_id: int, now: datetime | None = None) -> ImportJob:
    """Runs one queued import (called by the task). Nothing changes unless the import
    succeeds; a file that would remove too much waits for the operator's confirmation."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.QUEUED:
            return job  # already run (a retried task), or cancelled
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        result = facilities_import(
            path=Path(job.stored_path),
            fmt=job.format or None,
            source=job.source,
            file_name=job.file_name,
            allow_shrink=job.allow_shrink,
            now=now,
        )
    except ImportShrinks as exc:
        job.status, job.message = ImportJob.Status.CONFIRM, exc.message
        job.result = {"removed": exc.removed, "previous": exc.previous, "source": exc.source}
    except ImportRejected as exc:
        where = (f"line {exc.line}" if exc.line is not None else "") + (f", field {exc.field!r}" if exc.field else "")
        job.status, job.message = ImportJob.Status.REJECTED, f"{where.strip(', ')}: {exc.message}".strip(": ")
    except Exception:
        logger.exception("directory import job %s failed", job.pk)
        job.status, job.message = ImportJob.Status.FAILED, "The import failed; the server log has the details."
    else:
        job.status, job.message = ImportJob.Status.DONE, result.summary()
        job.result = {key: value for key, value in asdict(result).items() if key not in {"path", "rejected_rows"}}
        job.result["rejected_rows"] = [list(row) for row in result.rejected_rows[:20]]
    job.finished_at = timezone.now()
    if job.is_finished:
        Path(job.stored_path).unlink(missing_ok=True)
        job.stored_path = ""
    job.save(update_fields=["status", "message", "result", "finished_at", "stored_path"])
    return job


def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """The operator confirmed a file that removes more than the usual share: run it again,
    allowed to shrink its source."""
    if job.status != ImportJob.Status.CONFIRM:
        raise ValueError("only a job waiting for confirmation can be confirmed")
    job.allow_shrink, job.status, job.message = True, ImportJob.Status.QUEUED, ""
    with transaction.atomic():
        job.save(update_fields=["allow_shrink", "status", "message"])
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def import_job_cancel(*, job: ImportJob) -> ImportJob:
    if job.status != ImportJob.Status.CONFIRM:
        raise ValueError("only a job waiting for confirmation can be cancelled")
    Path(job.stored_path).unlink(missing_ok=True)
    job.status, job.stored_path, job.finished_at = ImportJob.Status.CANCELLED, "", timezone.now()
    job.save(update_fields=["status", "stored_path", "finished_at"])
    return job


__all__ = [
    "ImportRejected",
    "ImportResult",
    "ImportShrinks",
    "code_table_load",
    "facilities_import",
    "import_job_cancel",
    "import_job_confirm",
    "import_job_create",
    "import_job_run",
    "records_import",
]
