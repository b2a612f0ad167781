"""WSGI entry point."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# WEB_SWITCH_INTERVAL: how long (seconds) a thread of a web worker may run Python before the
# interpreter hands the lock to another (Python's default is 0.005); see docs/operations.md.
if os.environ.get("WEB_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(os.environ["WEB_SWITCH_INTERVAL"]))
application = get_wsgi_application()
