"""Flask extensions, created here and bound to the app in the factory."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase

from cpas_workflow.core.db import start_collections_empty

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Relationships raise instead of loading lazily (each query loads what its caller uses), so objects
# must keep what they hold after the commit: a request's session ends with the request, a scheduler
# job's with the job, and an answer written after the commit shows what was just written.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
event.listen(db.Model, "init", start_collections_empty, propagate=True)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
