"""The task queue's tables on PostgreSQL (huey's PostgresStorage), made here rather than by
huey when a process starts, so that importing the app never needs the database."""

from django.db import migrations


def create_queue_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the queue is its own file under var/, which huey makes itself
    from huey.storage import PostgresStorage

    storage = PostgresStorage("waypoint", dsn="", create_tables=False)
    with schema_editor.connection.cursor() as cursor:
        for statement in storage.ddl:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_data_keys")]

    operations = [migrations.RunPython(create_queue_tables, migrations.RunPython.noop)]
