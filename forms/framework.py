"""Forms of the results framework pages: uploading a framework sheet."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from forms.base import BaseForm


class FrameworkImportForm(BaseForm):
    file = FileField(_l("Framework sheet (.xlsx or .csv)"), validators=[FileRequired()])
