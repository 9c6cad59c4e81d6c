"""The admin's history pages for every model with django-simple-history.

simple_history's history form view saves a POST for anyone who may view the record (its
"revert" checks only the view permission), so a clerk could rewrite a target or roll a
published figure back to a draft. Every history admin in the project derives from this one
class, which asks the model admin's own object rules before a revert is saved.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import get_object_or_404
from simple_history.admin import SimpleHistoryAdmin


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """A history admin whose revert needs the same right as the change form."""

    #: False for records that change only through their own workflow (figures).
    allow_revert = True

    def _version(self, object_id, version_id):
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        pk_name = self.model._meta.pk.attname
        return get_object_or_404(
            history.model, **{pk_name: unquote(object_id), "history_id": version_id}
        ).instance

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            # Both the record as it is and as it would become: reverting an entry to a
            # version an officer once owned must not give it back to them.
            current = self.get_object(request, unquote(object_id))
            version = self._version(object_id, version_id)
            if self.revert_disabled(request, version) or (
                current is not None and self.revert_disabled(request, current)
            ):
                raise PermissionDenied
            if current is not None and self._reverts_read_only_fields(request, current, version):
                raise PermissionDenied(
                    "This version differs in fields you cannot change; ask the "
                    "performance team to restore it."
                )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _reverts_read_only_fields(self, request, current, version) -> bool:
        """A revert saves the whole old version, the fields shown read-only too (an
        indicator's owner, its definition): only who may change those restores them."""
        for name in self.get_readonly_fields(request, current):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # an admin method shown read-only, not a field
                continue
            if field.concrete and not field.many_to_many:
                changed = field.value_from_object(current) != field.value_from_object(version)
                if changed:
                    return True
        return False

    def revert_disabled(self, request, obj=None):
        return (
            not self.allow_revert
            or super().revert_disabled(request, obj)
            or not self.has_change_permission(request, obj)
        )

    def has_change_history_permission(self, request, obj=None):
        return self.allow_revert and self.has_change_permission(request, obj)
