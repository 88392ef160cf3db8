"""Look-ups on the busiest request paths, with their SQL written once instead of compiled
on every call.

Django builds and compiles a queryset's SQL each time it runs. For a one-row look-up by key
that was about 0.5 ms of CPU on our 2-core machine, against about 0.04 ms to run the
statement itself; a token-authenticated check-in made four such look-ups (five with a note),
most of its cost (bench/bench_checkins.py; docs/operations.md, "Performance"). ``Rows`` skips only the
compiler and keeps the ORM's meaning:

- the table and the columns come from the model's ``_meta`` (every concrete field is read,
  so nothing is left deferred);
- each parameter is prepared by the model field it is compared with, as a lookup would
  prepare it (a UUID as hex on SQLite, a date as text, a foreign key as its target's value);
- each value read goes through the converters the ORM applies (the backend's and the
  field's: dates and booleans on SQLite, UUIDs, JSON, encrypted text), and the instance is
  made with ``Model.from_db``, as a queryset makes it.

Only the conditions are written by hand (``where``, with quoted column names and ``%s``
placeholders, in SQL both SQLite and PostgreSQL read). Use it only for statements on every
request of a path with a budget; everything else uses querysets.

One write is here too, ``Insert``: a row added unless a unique constraint already holds one
like it, in one statement (``ON CONFLICT DO NOTHING``), so the busiest write needs no look-up
before it and a refused row is not an error in the database's log. Every other write stays
with the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, cast

from django.apps import apps
from django.db import connections, models, router


class _Built(NamedTuple):
    select: str
    exists: str
    names: list[str]  # the model's attnames, in the columns' order
    related_model: type[models.Model] | None  # with ``related``: its model,
    related_names: list[str]  # and its attnames, after the model's
    converters: list[tuple[int, list[Any], Any]]  # (column, functions, the column's expression)
    compared: list[models.Field[Any, Any]]  # the field each parameter is prepared by


class _OnModel:
    """A statement on one model, named as "app.Model" until the apps are loaded."""

    def __init__(self, model: type[models.Model] | str) -> None:
        self._model = model

    @property
    def model(self) -> type[models.Model]:
        if isinstance(self._model, str):
            self._model = apps.get_model(self._model)
        return self._model


class Rows(_OnModel):
    """``SELECT <every column> FROM <model's table> WHERE <where> [LIMIT n]``.

    ``params`` names, in order, the field each ``%s`` in ``where`` is compared with
    (``"user__is_active"`` for a field of the related model).

    ``related`` names a foreign key to read in the same statement, as ``select_related``
    does: an inner join, the related instance cached on each row. ``where`` then names
    columns with their table: ``{model}."prefix"``, ``{related}."is_active"``.
    """

    def __init__(
        self,
        model: type[models.Model] | str,
        where: str,
        *,
        params: Sequence[str],
        limit: int | None = None,
        related: str | None = None,
    ) -> None:
        super().__init__(model)
        self.related = related
        self.where = where
        self.param_names = tuple(params)
        self.limit = limit
        # Per database alias: the SQL and the converters (built on first use, when the
        # models and the connection's settings are known).
        self._built: dict[str, _Built] = {}

    def _build(self, alias: str) -> _Built:
        built = self._built.get(alias)
        if built is not None:
            return built
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = self.model._meta
        fields = [(meta.db_table, field) for field in meta.concrete_fields]
        source = quote(meta.db_table)
        related_model: type[models.Model] | None = None
        related_names: list[str] = []
        related_table = ""
        if self.related:
            key = meta.get_field(self.related)
            if not isinstance(key, models.ForeignKey):
                raise TypeError(f"{meta.label}.{self.related} is not a foreign key")
            related_model = cast(type[models.Model], key.related_model)
            other = related_model._meta
            fields += [(other.db_table, field) for field in other.concrete_fields]
            related_names = [field.attname for field in other.concrete_fields]
            related_table = quote(other.db_table)
            source += (
                f" INNER JOIN {quote(other.db_table)} ON {quote(meta.db_table)}.{quote(key.column)}"
                f" = {quote(other.db_table)}.{quote(key.target_field.column)}"
            )
        columns = ", ".join(f"{quote(table)}.{quote(field.column)}" for table, field in fields)
        tail = f" LIMIT {int(self.limit)}" if self.limit is not None else ""
        where = self.where.format(model=quote(meta.db_table), related=related_table)
        # Names from _meta and conditions written in our code; every value is a parameter.
        select = f"SELECT {columns} FROM {source} WHERE {where}{tail}"  # noqa: S608
        exists = f"SELECT 1 FROM {source} WHERE {where} LIMIT 1"  # noqa: S608
        converters = []
        for index, (table, field) in enumerate(fields):
            col = field.get_col(table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((index, found, col))
        compared = []
        for name in self.param_names:
            owner, _, attribute = name.rpartition("__")
            of = meta if not owner else meta.get_field(owner).related_model._meta  # type: ignore[union-attr]
            column = of.get_field(attribute)
            if not isinstance(column, models.Field):
                raise TypeError(f"{meta.label}.{name} is not a column")
            compared.append(column)
        names = [field.attname for field in meta.concrete_fields]
        built = _Built(select, exists, names, related_model, related_names, converters, compared)
        self._built[alias] = built
        return built

    @staticmethod
    def _params(built: _Built, values: Sequence[Any], connection: Any) -> list[Any]:
        if len(values) != len(built.compared):
            raise TypeError(f"{len(built.compared)} values expected, {len(values)} given")
        return [
            field.get_db_prep_value(value, connection, prepared=False)
            for field, value in zip(built.compared, values, strict=True)
        ]

    def fetch(self, *values: Any) -> list[Any]:
        """The rows, as model instances."""
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        built = self._build(alias)
        with connection.cursor() as cursor:
            cursor.execute(built.select, self._params(built, values, connection))
            rows = cursor.fetchall()
        found = []
        for row in rows:
            row = list(row)
            for index, functions, col in built.converters:
                value = row[index]
                for function in functions:
                    value = function(value, col, connection)
                row[index] = value
            own = len(built.names)
            instance = self.model.from_db(alias, built.names, row[:own])
            if self.related and built.related_model is not None:
                setattr(instance, self.related, built.related_model.from_db(alias, built.related_names, row[own:]))
            found.append(instance)
        return found

    def first(self, *values: Any) -> Any:
        rows = self.fetch(*values)
        return rows[0] if rows else None

    def exists(self, *values: Any) -> bool:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        built = self._build(alias)
        with connection.cursor() as cursor:
            cursor.execute(built.exists, self._params(built, values, connection))
            return cursor.fetchone() is not None


class Insert(_OnModel):
    """``INSERT INTO <table> (<every column but the key>) VALUES (…) ON CONFLICT DO NOTHING
    RETURNING <key>[, <also>]``, written once per database.

    The values are what ``Model.save`` would write for a new row: each field's ``pre_save``
    (``auto_now`` times, encrypted text) and ``get_db_prep_save``. No signals are sent: use
    it only for a model that has no receivers (the check-in).

    ``also`` adds expressions to read in the same statement (a subquery on another table,
    say); ``also_params`` names, in order, the field of the new row whose value fills each
    of their ``%s``.
    """

    def __init__(
        self, model: type[models.Model] | str, *, also: Sequence[str] = (), also_params: Sequence[str] = ()
    ) -> None:
        super().__init__(model)
        self.also = tuple(also)
        self.also_params = tuple(also_params)
        self._built: dict[str, tuple[str, list[models.Field[Any, Any]], list[models.Field[Any, Any]]]] = {}

    def _build(self, alias: str) -> tuple[str, list[models.Field[Any, Any]], list[models.Field[Any, Any]]]:
        built = self._built.get(alias)
        if built is None:
            connection = connections[alias]
            if not connection.features.can_return_columns_from_insert:
                raise NotImplementedError("needs INSERT … RETURNING (PostgreSQL, SQLite 3.35 or later)")
            quote = connection.ops.quote_name
            meta = self.model._meta
            fields = [field for field in meta.concrete_fields if not field.primary_key]
            columns = ", ".join(quote(field.column) for field in fields)
            marks = ", ".join(["%s"] * len(fields))
            returning = ", ".join([quote(meta.pk.column), *self.also])
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from _meta
                f" ON CONFLICT DO NOTHING RETURNING {returning}"
            )
            also_fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in self.also_params]
            built = self._built[alias] = (sql, fields, also_fields)
        return built

    def unless_taken(self, instance: models.Model) -> tuple[Any, ...] | None:
        """Adds `instance` and sets its key, returning the values of ``also``; or adds
        nothing, because a unique constraint already holds a row like it, and returns None."""
        alias = router.db_for_write(self.model, instance=instance)
        connection = connections[alias]
        sql, fields, also_fields = self._build(alias)
        params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        params += [field.get_db_prep_value(getattr(instance, field.attname), connection) for field in also_fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not rows:
            return None
        instance.pk = rows[0][0]
        instance._state.adding = False
        instance._state.db = alias
        return tuple(rows[0][1:])
