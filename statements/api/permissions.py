"""Who may write: editors. Everyone may read.

An editor is a Django user who is active and a superuser or a member of the
`editors` group, or a request carrying a partner key with the `editor` scope.
Read-only partner keys and anonymous clients keep read access only.
"""

from rest_framework import permissions

EDITORS_GROUP = "editors"


def is_editor(request) -> bool:
    """Whether the (DRF) request comes from an editor, by key or by user."""
    key = request.auth
    if key is not None and getattr(key, "is_editor", False):
        return True
    user = request.user
    if user is None or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists()


class EditorsWrite(permissions.BasePermission):
    """Safe methods for everyone; anything else for editors only."""

    message = "Only editors may change the data: send an API key with the editor scope."

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_editor(request)
