"""The base form: Flask-WTF's, so that CSRF protection is on for every form."""

from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    pass
