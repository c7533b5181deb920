"""The base form: Flask-WTF's, so that CSRF protection is on for every form; one-line fields refuse
line breaks, every text field refuses control characters, and whole numbers stay within the database's range."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import NumberRange

from cpas_workflow.core.db import DB_ID_MAX
from cpas_workflow.core.text import bad_characters

VERSION = NumberRange(min=0, max=2**31 - 1, message=_l("Reload the page and try again."))
ROW_ID = NumberRange(min=1, max=DB_ID_MAX, message=_l("Reload the page and try again."))


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
