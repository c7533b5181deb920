"""Notification settings form, and the button-only form that carries a CSRF token."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from forms.base import BaseForm

NOTIFY_LABELS = [
    SelectChoice("immediate", _l("Immediately: one e-mail per new task and reminder")),
    SelectChoice("daily", _l("Daily digest")),
    SelectChoice("weekly", _l("Weekly digest")),
    SelectChoice("off", _l("No e-mail")),
]


class NotificationSettingsForm(BaseForm):
    notify = SelectField(_l("E-mail me"), choices=NOTIFY_LABELS, validators=[DataRequired()])


class ButtonForm(BaseForm):
    """A form that is only a button (regenerate, revoke, retry): CSRF is all it carries."""
