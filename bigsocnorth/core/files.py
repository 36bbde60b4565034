"""Uploaded files kept in step with the database row that points at them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction


def writing_with_file[T](instance: models.Model, field_name: str, write: Callable[[], T]) -> T:
    """Run `write`, which may store a new file in the instance's file field.

    If `write` fails, the newly stored file is removed (no file without a
    row); the file it replaced is removed only once the change is committed
    (no row pointing at a missing file if it is rolled back).
    """
    old_name = getattr(instance, field_name).name if instance.pk else ""
    try:
        result = write()
    except BaseException:
        new = getattr(instance, field_name)
        if new and new.name != old_name:
            new.storage.delete(new.name)
        raise
    new = getattr(instance, field_name)
    if old_name and new.name != old_name:
        storage = new.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return result
