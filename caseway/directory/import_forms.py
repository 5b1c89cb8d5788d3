"""The HSDS upload form: what the file may be is checked here, what it holds by hsds_import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caseway.directory.hsds_import import max_import_bytes, size_text, sniff_file


class HsdsUploadForm(forms.Form):
    package = forms.FileField(
        label=_("HSDS package"),
        help_text=_("A zip data package (CSV files and datapackage.json) or an HSDS JSON file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.json,application/zip,application/json"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the package: import nothing"), required=False)

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > max_import_bytes():
            raise ValidationError(
                _("The file is larger than %(size)s."), code="too_large", params={"size": size_text(max_import_bytes())}
            )
        # By content, not by name or browser-declared type: both are whatever the sender says.
        if not sniff_file(upload):
            raise ValidationError(_("This is neither a zip data package nor an HSDS JSON file."), code="file_type")
        return upload
