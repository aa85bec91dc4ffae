"""The vocabulary of the search documents (statements.search)."""

from django.db import models


class SearchWord(models.Model):
    """A word of the search documents, unaccented and lower-case: the vocabulary
    of "did you mean" (its trigram index is added by the migration where the
    server has pg_trgm). Written by the documents' triggers only."""

    word = models.TextField(primary_key=True)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word
