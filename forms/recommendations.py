"""Forms of recommendations: drafting in joint review, leadership's decision, follow-up updates."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.base import BaseForm
from forms.cycles import CheckboxesField


class RecommendationForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Recommendation"), validators=[DataRequired(), Length(max=20000)], description=_l("Markdown is accepted.")
    )
    component = SelectField(_l("Addressed to"), choices=[])
    co_owners = CheckboxesField(
        _l("Shared with (optional)"),
        choices=[],
        validators=[Optional()],
        description=_l("Other components that own the action together with the one it is addressed to, which leads."),
    )
    due = DateField(_l("Due"), validators=[InputRequired(message=_l("Give the due date as a date."))])


class DecisionForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[], validators=[InputRequired(message=_l("Choose a decision."))])
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Needed to reject: say why."),
    )
    body = TextAreaField(_l("Amended text (only when amending)"), validators=[Optional(), Length(max=20000)])
    owner = SelectField(_l("Owner of the action"), choices=[], validators=[Optional()], validate_choice=False)
    due = DateField(_l("New due date (only when amending)"), validators=[Optional()])


class UpdateForm(BaseForm):
    status = SelectField(_l("Status"), choices=[])
    note = TextAreaField(_l("Progress note"), validators=[DataRequired(), Length(max=20000)])


class EditRecommendationForm(RecommendationForm):
    """The SPU's correction of a draft: the same fields as drafting, and the version it started from."""

    expected_version = HiddenField(validators=[Optional()])


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Why (optional, kept in the audit trail)"), validators=[Optional(), Length(max=20000)])


class ProposalForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("What you propose"), validators=[DataRequired(), Length(max=20000)], description=_l("Markdown is accepted.")
    )
    component = SelectField(_l("For"), choices=[])
    due = DateField(_l("Due (optional)"), validators=[Optional()])


class SettleProposalForm(BaseForm):
    decision = RadioField(
        _l("Your answer"), choices=[], validators=[InputRequired(message=_l("Choose accept, merge or decline."))]
    )
    into = SelectField(_l("Merge into"), choices=[], validators=[Optional()], validate_choice=False)
    reason = TextAreaField(_l("Reason (needed to decline)"), validators=[Optional(), Length(max=20000)])


class OwnerForm(BaseForm):
    owner = SelectField(_l("New owner"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=20000)])
