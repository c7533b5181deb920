"""Forms of accounts: sign in, the profile (name, notifications, language), the password, and the
admin's user and role forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from forms.base import BaseForm


class SignInForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class ProfileForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    notify = SelectField(_l("E-mail notifications"), choices=[])
    language = SelectField(_l("Language"), choices=[])


class PasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1000)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=1000)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


class UserForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(min=8, max=1000)])


class UserStatusForm(BaseForm):
    is_enabled = BooleanField(_l("May sign in"))


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), choices=[])
    mission = SelectField(_l("Mission"), choices=[], validate_choice=False)
    component = StringField(_l("Component code"), validators=[Optional(), Length(max=20)])
    starts_on = DateField(_l("From (optional)"), validators=[Optional()])
    ends_on = DateField(_l("Until, inclusive (optional)"), validators=[Optional()])


class RoleDatesForm(BaseForm):
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("Until, inclusive"), validators=[Optional()])
