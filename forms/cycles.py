"""Forms for cycle pages: starting a cycle, firing a trigger (with the version the page was drawn from)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import ROW_ID, VERSION, BaseForm


class TransitionForm(BaseForm):
    trigger = HiddenField(validators=[DataRequired(), Length(max=60)])
    expected_version = IntegerField(validators=[Optional(), VERSION])
    submission = IntegerField(_l("Submission to return"), validators=[Optional(), ROW_ID])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=20000)])
    # Set by the confirmation's own button: approve, close and cancel are asked for again without it.
    confirmed = BooleanField()


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartCycleForm(BaseForm):
    workflow = SelectField(_l("Workflow"), choices=[])
    period = StringField(
        _l("Period"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("For example 2026-Q4, 2026-H1 or 2026-12."),
    )
    title = StringField(_l("Title (optional)"), validators=[Optional(), Length(max=200)])
    input_due = DateField(_l("Input deadline"), validators=[InputRequired(message=_l("Give the deadline as a date."))])
    components = CheckboxesField(
        _l("Participating components"),
        choices=[],
        validators=[DataRequired(message=_l("Choose at least one component."))],
    )
