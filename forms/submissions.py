"""Forms of a component submission: the focal point's input, and a head's endorse / return."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.base import VERSION, BaseForm, WholeNumberIn


class SubmissionForm(BaseForm):
    expected_version = IntegerField(validators=[Optional(), VERSION])
    narrative = TextAreaField(
        _l("Narrative"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Markdown: **bold**, *italic*, lists with -, links."),
    )
    rating = SelectField(_l("Progress rating"), choices=[], validate_choice=True, default="")


class SubmissionTriggerForm(BaseForm):
    trigger = HiddenField(validators=[DataRequired(), Length(max=60)])
    expected_version = IntegerField(validators=[Optional(), VERSION])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=20000)])


class CommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=20000)])
    parent_id = IntegerField(validators=[Optional(), WholeNumberIn(1, 2**31 - 1)])  # a reply names its comment
