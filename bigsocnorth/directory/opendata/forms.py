"""Forms for the CSV import pages: the upload, and the choice made before importing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EntryImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The limits are settings, so the help is written when the form is made.
        self.fields["file"].help_text = _(
            "UTF-8 CSV with the column names in the first row; at most %(mb)s MB and %(rows)s rows."
        ) % {
            "mb": settings.DIRECTORY_IMPORT_MAX_MB,
            "rows": f"{settings.DIRECTORY_IMPORT_MAX_ROWS:,}",
        }
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"


class EntryImportRunForm(forms.Form):
    include_duplicates = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Also add the rows that look like entries already in the directory "
            "(otherwise they are left out)"
        ),
    )
