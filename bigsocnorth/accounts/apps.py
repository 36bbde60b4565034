from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AccountsConfig(AppConfig):
    name = "bigsocnorth.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Each app says what it holds about people in its own `personal_data.py`,
        # found here the way core finds `content.py`: accounts names no other app.
        autodiscover_modules("personal_data")

        from django.db.models.signals import post_delete

        from bigsocnorth.accounts.sessions import expired_sessions_clear
        from bigsocnorth.core.scheduler import register_job

        register_job("sessions_clear", run=expired_sessions_clear)

        from bigsocnorth.accounts.data_export import data_export_file_forget
        from bigsocnorth.accounts.models import DataExport

        # However a data export goes (expired, replaced, its member's account
        # deleted), its zip goes with it once the deletion is committed.
        post_delete.connect(
            lambda sender, instance, **kwargs: data_export_file_forget(instance),
            sender=DataExport,
            weak=False,
            dispatch_uid="accounts-data-export-file",
        )
