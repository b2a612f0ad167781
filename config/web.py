"""The web process (Procfile: ``python -m config.web``): Django's WSGI application under granian.

granian parses HTTP in Rust and hands each request to a pool of Python threads per worker
process; measured against gunicorn's threaded workers on the same machine and data it spent less
CPU per search and kept the slowest searches closer to the median (docs/adr/0006-granian.md,
docs/performance.md). Every value can be set from the environment; docs/operations.md lists them.
"""

from __future__ import annotations

import os
from typing import Any

from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def log_config(log_format: str) -> dict[str, Any]:
    """granian's own messages (start, a worker respawned) in the same lines as Django's (settings.LOGGING)."""
    formatter = "ecm.core.logs.console_formatter" if log_format == "console" else "ecm.core.logs.json_formatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"ecm": {"()": formatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "ecm"}},
        "loggers": {"_granian": {"handlers": ["console"], "propagate": False}},
    }


def options() -> dict[str, Any]:
    """granian's options, from the environment."""
    development = os.environ.get("ECM_ENV") == "development"
    return {
        "interface": Interfaces.WSGI,
        "address": os.environ.get("HOST", "0.0.0.0"),  # noqa: S104 - behind the TLS proxy, as the Procfile runs it
        "port": _int("PORT", 8000),
        # One process per core; its threads wait on the database while another runs Python.
        "workers": _int("WEB_WORKERS", os.cpu_count() or 1),
        "blocking_threads": _int("WEB_THREADS", 4),
        # A worker is replaced after this long, so that a slow leak cannot grow for ever; one that
        # dies is started again.
        "workers_lifetime": _int("WEB_WORKER_LIFETIME", 6 * 3600) or None,
        "respawn_failed_workers": True,
        "workers_kill_timeout": _int("WEB_KILL_TIMEOUT", 30),
        # ECM writes its own request line (ecm.core.logs): an access log would carry query strings.
        "log_access": False,
        "log_level": LogLevels(os.environ.get("WEB_LOG_LEVEL", "info").lower()),
        "log_dictconfig": log_config(os.environ.get("ECM_LOG_FORMAT", "console" if development else "json")),
        # Plain HTTP/1.1 behind the proxy; no websockets are served.
        "websockets": False,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Each worker's threads mostly wait on the database, and let the others run while they do;
    # forcing a switch every 5 ms (Python's default) besides only cost CPU: with 0.05 the signed-in
    # search page answered more searches with a shorter p95 (docs/performance.md). The workers
    # read it in config/wsgi.py.
    os.environ.setdefault("WEB_SWITCH_INTERVAL", "0.05")
    # A request allocates thousands of short-lived objects; collecting after every 700 (Python's
    # default) walked the young objects several times per request (docs/performance.md).
    os.environ.setdefault("WEB_GC_THRESHOLD", "50000")
    server: Any = Granian("config.wsgi:application", **options())  # granian exports its class as a variable
    server.serve()


if __name__ == "__main__":
    main()
