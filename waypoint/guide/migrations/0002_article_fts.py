"""Full-text index of articles for SQLite (FTS5). PostgreSQL needs no table: it searches
the Article columns with to_tsvector (see selectors.article_search)."""

from django.db import migrations


class SQLiteOnlySQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (FTS5 is SQLite's)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("guide", "0001_initial")]

    operations = [
        SQLiteOnlySQL(
            # rowid = guide_article.id; the loader rewrites the rows of the articles it loads.
            # porter stems English words; remove_diacritics 2 makes "desintoxicación" match
            # "desintoxicacion".
            sql=(
                "CREATE VIRTUAL TABLE guide_article_fts USING fts5("
                "title, summary, body, language UNINDEXED, "
                "tokenize = 'porter unicode61 remove_diacritics 2')"
            ),
            reverse_sql="DROP TABLE IF EXISTS guide_article_fts",
        )
    ]
