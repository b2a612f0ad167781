"""gunicorn settings for the web process (Procfile: ``gunicorn -c config/gunicorn.py config.wsgi``).

Threaded workers (gthread): each worker process serves GUNICORN_THREADS requests at once, so a
slow request does not hold a whole process. Every value can be set from the environment;
docs/operations.md lists them.
"""

import os

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("GUNICORN_WORKERS") or (os.cpu_count() or 1) * 2)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Django's request log line (ecm.core.logs) replaces gunicorn's access log, which carries query strings.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The TLS proxy in front sets X-Forwarded-Proto; only trust it from addresses listed here.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket: it would be one file in $HOME shared by every gunicorn of the user.
control_socket_disable = True
# Load the application once in the master, then fork: faster start, shared read-only memory.
preload_app = True


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    # Connections opened in the master while preloading must not be shared with the children.
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
