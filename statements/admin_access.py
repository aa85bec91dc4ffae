"""Admin for partner API keys: create (the key is shown once), revoke, inspect use.

Imported from StatementsConfig.ready(), after the admin has autodiscovered the
library's own APIKey admin, which is unregistered here: the service uses
PartnerKey only.
"""

from django.contrib import admin, messages
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from statements.models import PartnerKey

if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(PartnerKey)
class PartnerKeyAdmin(APIKeyModelAdmin):
    list_display = (
        "prefix",
        "name",
        "rate",
        "scope",
        "created",
        "last_used_at",
        "expiry_date",
        "_has_expired",
        "revoked",
    )
    list_filter = ("revoked", "scope", "created")
    actions = ["revoke_keys"]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "last_used_at")

    @admin.action(description="Revoke the selected keys")
    def revoke_keys(self, request, queryset):
        revoked = queryset.filter(revoked=False).update(revoked=True)
        self.message_user(request, f"Revoked {revoked} key(s).", messages.SUCCESS)
