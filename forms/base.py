"""The base form: Flask-WTF's, so that CSRF protection is on for every form; one-line fields refuse
line breaks, every text field refuses control characters, and whole numbers stay within the database's range."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.text import bad_characters


class WholeNumberIn:
    """A whole number within [low, high]. (WTForms' NumberRange calls math.isnan, which overflows on a
    400-digit number: a 500 instead of an error.)"""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(_l("Reload the page and try again."))


VERSION = WholeNumberIn(0, 2**31 - 1)
ROW_ID = WholeNumberIn(1, DB_ID_MAX)


class BaseForm(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if not isinstance(field, StringField) or not isinstance(field.data, str):
                continue
            one_line = not isinstance(field, TextAreaField)
            if bad_characters(field.data, one_line=one_line):
                message = (
                    _l("Use one line of text, without line breaks or control characters.")
                    if one_line
                    else _l("Remove the control characters from this text.")
                )
                field.errors = [*field.errors, message]
                valid = False
        return valid
