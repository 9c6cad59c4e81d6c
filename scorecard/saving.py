"""How a service saves a row: validated whole, with who made the change named in its
django-simple-history record (a web request names them too; a command or the task worker
does not)."""


def changed_by(instance, by):
    """Name `by` in the history record the next save of `instance` writes."""
    if by is not None:
        instance._history_user = by
    return instance


def save_checked(instance, by, **save_kwargs):
    """Validate the whole row (full_clean), name who changed it, and save it."""
    instance.full_clean()
    changed_by(instance, by)
    instance.save(**save_kwargs)
    return instance
