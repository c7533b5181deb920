"""Serving in production: compression, hashed static files, health probes, metrics, no banner.
(Proxy headers: CPAS_TRUSTED_PROXIES, in the factory.)

Each piece is its own module; `init_serving` wires them into the app in the factory.
"""

from __future__ import annotations

from flask import Flask

from cpas_workflow.serving.compression import init_compression
from cpas_workflow.serving.health import bp as health_bp
from cpas_workflow.serving.metrics import init_metrics
from cpas_workflow.serving.static import init_static

SERVER = "cpas-workflow"  # no product version: a banner only helps an attacker pick exploits


class ServerHeader:
    """WSGI middleware: one `Server` header without a version (the development server adds its own,
    `Werkzeug/x.y Python/x.y`, only when the app sent none; gunicorn's is dropped in gunicorn.conf.py)."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def with_server(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "server"] + [("Server", SERVER)]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, with_server)


def init_serving(app: Flask) -> None:
    init_static(app)
    init_compression(app)
    app.register_blueprint(health_bp)
    init_metrics(app)
    app.wsgi_app = ServerHeader(app.wsgi_app)
