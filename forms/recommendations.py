"""Forms of recommendations: drafting in joint review, leadership's decision, follow-up updates."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.base import BaseForm


class RecommendationForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Recommendation"), validators=[DataRequired(), Length(max=20000)], description=_l("Markdown is accepted.")
    )
    component = SelectField(_l("Addressed to"), choices=[])
    due = DateField(_l("Due"), validators=[InputRequired(message=_l("Give the due date as a date."))])


class DecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[], validators=[InputRequired(message=_l("Choose a decision."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=20000)])
    body = TextAreaField(_l("Amended text (only when amending)"), validators=[Optional(), Length(max=20000)])


class UpdateForm(BaseForm):
    status = SelectField(_l("Status"), choices=[])
    note = TextAreaField(_l("Progress note"), validators=[DataRequired(), Length(max=20000)])
