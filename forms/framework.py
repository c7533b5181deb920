"""Forms of the results framework pages: uploading a framework sheet."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import Optional

from forms.base import VERSION, BaseForm


class FrameworkImportForm(BaseForm):
    file = FileField(_l("Framework sheet (.xlsx or .csv)"), validators=[FileRequired()])


class IndicatorValuesForm(BaseForm):
    """CSRF and the version the page was drawn from; the per-indicator fields are read by
    framework.entries.items_from_form, as their number depends on the framework."""

    expected_version = IntegerField(validators=[Optional(), VERSION])
