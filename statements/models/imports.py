"""What an article import keeps beside its statement: the original document."""

from django.db import models


class ArticleImport(models.Model):
    """The document a statement was imported from (for HTML, the page whose
    article text the statement holds). Not public."""

    statement = models.OneToOneField(
        "statements.Statement",
        on_delete=models.CASCADE,
        related_name="article_import",
    )
    source_name = models.CharField(max_length=300, help_text="The file's name.")
    media_type = models.CharField(max_length=32, help_text="text/plain or text/html.")
    original = models.TextField(help_text="The document as it was read.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.source_name} ({self.media_type})"
