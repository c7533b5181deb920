"""Forms of people: a delegation (acting officer), assigning a task, handover notes."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.base import BaseForm


class DelegationForm(BaseForm):
    to = EmailField(_l("Acting officer (e-mail)"), validators=[DataRequired(), Length(max=254)])
    starts = DateField(_l("From"), validators=[InputRequired(message=_l("Give the first day as a date."))])
    ends = DateField(_l("Until (inclusive)"), validators=[InputRequired(message=_l("Give the last day as a date."))])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


class AssignForm(BaseForm):
    to = EmailField(_l("Give it to (e-mail)"), validators=[DataRequired(), Length(max=254)])


class HandoverNotesForm(BaseForm):
    notes = TextAreaField(_l("Notes for your successor"), validators=[Optional(), Length(max=20000)])
