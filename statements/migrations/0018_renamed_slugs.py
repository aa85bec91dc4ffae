"""Stable ids: a rename is one `renamed` change, and old slugs lead to the current one.

- The change feed records a slug change as one `renamed` row (`slug` the new one,
  `previous_slug` the old one) instead of a deletion and a creation
  (statements.changefeed); migration 0019 installs the feed's functions, with
  those of the other branches of issue 11.
- A retired slug names the record's current slug: a rename points every earlier
  slug of the record at the new one (a chain a, b, c redirects in one hop), a
  deletion empties them (statements.models.RetiredSlug). The slugs retired before
  are brought up to date.
"""

from django.db import migrations, models

RETIRE_SLUG = r"""
CREATE OR REPLACE FUNCTION retire_slug() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE statements_retiredslug SET replaced_by = NULL
        WHERE kind = TG_ARGV[0] AND replaced_by = OLD.slug;
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NULL, clock_timestamp())
        ON CONFLICT (kind, slug) DO NOTHING;
    ELSIF NEW.slug IS DISTINCT FROM OLD.slug THEN
        UPDATE statements_retiredslug SET replaced_by = NEW.slug
        WHERE kind = TG_ARGV[0] AND replaced_by = OLD.slug;
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NEW.slug, clock_timestamp())
        ON CONFLICT (kind, slug) DO UPDATE SET replaced_by = EXCLUDED.replaced_by;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Chains retired before: each slug names the end of its chain (NULL if deleted).
DO $$
BEGIN
    LOOP
        UPDATE statements_retiredslug r SET replaced_by = n.replaced_by
        FROM statements_retiredslug n
        WHERE n.kind = r.kind AND n.slug = r.replaced_by;
        EXIT WHEN NOT FOUND;
    END LOOP;
END $$;
"""

# Migration 0014's function (the chains stay flat: nothing to undo there).
PREVIOUS_RETIRE_SLUG = r"""
CREATE OR REPLACE FUNCTION retire_slug() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NULL, clock_timestamp())
        ON CONFLICT (kind, slug) DO NOTHING;
    ELSIF NEW.slug IS DISTINCT FROM OLD.slug THEN
        INSERT INTO statements_retiredslug (kind, slug, replaced_by, retired_at)
        VALUES (TG_ARGV[0], OLD.slug, NEW.slug, clock_timestamp())
        ON CONFLICT (kind, slug) DO UPDATE SET replaced_by = EXCLUDED.replaced_by;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0017_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="change",
            name="previous_slug",
            field=models.CharField(
                blank=True,
                help_text="The slug the record had before a rename; null otherwise.",
                max_length=150,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("deleted", "Deleted"),
                    ("renamed", "Renamed"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="retiredslug",
            index=models.Index(
                fields=["kind", "replaced_by"], name="retiredslug_target_idx"
            ),
        ),
        migrations.RunSQL(RETIRE_SLUG, PREVIOUS_RETIRE_SLUG),
    ]
