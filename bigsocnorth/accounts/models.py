"""People: accounts with a role, profiles in their own words, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Admin")


class EmailUserManager(UserManager):
    """Accounts are identified by email address; there are no usernames."""

    use_in_migrations = True

    def _create_user_object(self, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        return user

    def _create_user(self, email, password, **extra_fields):
        user = self._create_user_object(email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.display_name if profile else self.email

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Profile(models.Model):
    """How a person describes themselves, shown on their public page."""

    DISPLAY_NAME_MAX = 80
    BIO_MAX = 5000
    PRONOUNS_MAX = 40
    LINKS_MAX = 5

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    handle = models.SlugField(_("web address name"), max_length=100, unique=True)
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX)
    bio = models.TextField(_("about you"), max_length=BIO_MAX, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=PRONOUNS_MAX, blank=True)
    home_area = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("home area"),
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile_detail", kwargs={"handle": self.handle})


class ApiToken(models.Model):
    """A personal API token. Only a hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DataExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be prepared")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be prepared")


IN_PROGRESS_EXPORT_STATUSES = (DataExportStatus.QUEUED, DataExportStatus.RUNNING)


class DataExport(models.Model):
    """A copy of everything held about a member, prepared by the task worker as a zip file.

    The file lives under PERSONAL_DATA_EXPORT_DIR (never under MEDIA_ROOT,
    which is served to anyone), is downloaded only by the member, and is
    deleted with this row once `expires_at` has passed.
    """

    ERROR_MAX = 500

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(
        max_length=10, choices=DataExportStatus.choices, default=DataExportStatus.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The zip's name inside PERSONAL_DATA_EXPORT_DIR: random, never taken from a request.
    file_name = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What went wrong, in words for the member (the details are in the server's log).
    error = models.CharField(max_length=ERROR_MAX, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two clicks or two tabs end with one export being prepared, not two.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["queued", "running"]),
                name="accounts_one_data_export_in_progress",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS_EXPORT_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status == DataExportStatus.RUNNING

    @property
    def is_ready(self) -> bool:
        return self.status == DataExportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == DataExportStatus.FAILED
