from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bigsocnorth.accounts"
    label = "accounts"
    verbose_name = "Accounts"
