from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "bigsocnorth.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        # Each app declares its content type (moderation, search, map,
        # follows, sections, menu, scheduled jobs, demo data) in its own
        # `content.py`, found here the way the admin finds `admin.py`.
        # Core imports no domain app by name.
        autodiscover_modules("content")

        from bigsocnorth.core.database import wal_checkpoint
        from bigsocnorth.core.scheduler import register_job

        register_job("database_checkpoint", run=wal_checkpoint)

        # Tasks whose worker died mid-run are queued again (core/tasks_recovery.py).
        from bigsocnorth.core.tasks_recovery import tasks_recovery_run

        register_job("tasks_recovery", run=tasks_recovery_run)

        # Any write to the platform's own models makes kept pages out of date.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from bigsocnorth.core.pagecache import model_written

        for name, signal in (
            ("post_save", post_save),
            ("post_delete", post_delete),
            ("m2m_changed", m2m_changed),
        ):
            signal.connect(model_written, dispatch_uid=f"pagecache-{name}")
