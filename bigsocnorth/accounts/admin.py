"""The admin site for people: accounts by email address, profiles and API tokens.

Roles are changed through `user_set_role`, so the staff and superuser flags
always follow the role and only admins can change it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts import services
from bigsocnorth.accounts.models import ApiToken, Profile, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ("handle", "display_name", "pronouns", "home_area", "bio", "links")
    raw_id_fields = ("home_area",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    inlines = [ProfileInline]
    ordering = ("email",)
    search_fields = ("email", "profile__display_name", "profile__handle")
    list_display = ("email", "display_name", "role", "is_active", "date_joined", "last_login")
    list_filter = ("role", "is_active")
    list_select_related = ("profile",)
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Role"), {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ()

    @admin.display(description=_("display name"), ordering="profile__display_name")
    def display_name(self, obj: User) -> str:
        profile = getattr(obj, "profile", None)
        return profile.display_name if profile else "—"

    def save_model(self, request, obj, form, change):
        if change and "role" in form.changed_data:
            new_role = obj.role
            # Save everything else first, then change the role through the service.
            obj.role = form.initial.get("role", obj.role)
            super().save_model(request, obj, form, change)
            try:
                services.user_set_role(actor=request.user, user=obj, role=new_role)
            except PermissionDenied as error:
                messages.error(request, str(error))
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)
        if not change:
            services.profile_get_or_create_for_user(user=obj)

    def get_inlines(self, request, obj):
        # A new person's profile is made when they are saved, not on the add page.
        return self.inlines if obj is not None else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "handle", "home_area", "updated_at")
    search_fields = ("display_name", "handle", "user__email")
    list_select_related = ("home_area",)
    raw_id_fields = ("user", "home_area")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        # Boundaries are large and never shown here.
        return super().get_queryset(request).defer("home_area__boundary")


class ApiTokenAdminForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; here they can only be seen and revoked."""

    form = ApiTokenAdminForm
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user__profile",)
    readonly_fields = ("user", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            if services.api_token_revoke(actor=request.user, token=token):
                count += 1
        messages.success(request, _("%(count)d tokens revoked.") % {"count": count})
