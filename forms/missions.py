"""Admin forms of missions and their components."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from forms.base import BaseForm

CODE = Regexp(r"^[A-Z0-9_-]+$", message=_l("Use capital letters, digits, - and _ only."))


class MissionForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    timezone = StringField(
        _l("Time zone"), validators=[DataRequired(), Length(max=64)], description=_l("For example Africa/Bangui.")
    )


class MissionEditForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])


class ComponentForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[])
