"""gunicorn settings for `make serve` (gunicorn reads this file from the working directory).

Every value can be overridden by the environment or the command line (`GUNICORN_CMD_ARGS`).
"""

import os
import shutil
import tempfile

from gunicorn.http import wsgi as _gunicorn_wsgi

wsgi_app = "wsgi:app"
bind = os.environ.get("CPAS_BIND", "127.0.0.1:8000")
# Python holds one core per process: workers = cores, plus one to cover a worker waiting on the database.
workers = int(os.environ.get("CPAS_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = "gthread"  # keep-alive connections from a proxy, a few threads for slow clients
threads = int(os.environ.get("CPAS_THREADS", 4))
timeout = 60  # a PDF report of a large mission takes seconds, never a minute
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then: bounded memory whatever a library keeps
max_requests_jitter = 500
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s'
forwarded_allow_ips = os.environ.get("CPAS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Metrics of every worker in one scrape (prometheus_client multiprocess mode): each worker writes its
# counters under this folder; it is emptied when the server starts, and a dead worker's files retired.
_made_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _made_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cpas-metrics-")


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def on_exit(server):
    if _made_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# No `Server: gunicorn` banner: the app sends its own header, without a version.
_default_headers = _gunicorn_wsgi.Response.default_headers


def _headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


_gunicorn_wsgi.Response.default_headers = _headers_without_server
