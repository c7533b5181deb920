"""Forms for cycle pages: firing a trigger (with the version the page was drawn from)."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.base import BaseForm


class TransitionForm(BaseForm):
    trigger = HiddenField(validators=[DataRequired(), Length(max=60)])
    expected_version = IntegerField(validators=[Optional()])
    submission = IntegerField(validators=[Optional()])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=20000)])
