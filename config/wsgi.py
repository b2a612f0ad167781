"""WSGI entry point."""

import gc
import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# WEB_SWITCH_INTERVAL: how long (seconds) a thread of a web worker may run Python before the
# interpreter hands the lock to another (Python's default is 0.005); see docs/operations.md.
if os.environ.get("WEB_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(os.environ["WEB_SWITCH_INTERVAL"]))
# WEB_GC_THRESHOLD: allocations between the garbage collector's youngest collections (Python's
# default is 700). A request allocates thousands of objects, nearly all freed by reference
# counting, so the default ran a collection several times per request; see docs/operations.md.
gc_threshold = os.environ.get("WEB_GC_THRESHOLD")
if gc_threshold:
    gc.set_threshold(int(gc_threshold), *gc.get_threshold()[1:])
application = get_wsgi_application()
if gc_threshold:
    # Django, its apps and their modules live as long as the worker: collections no longer
    # walk them (gc.freeze, as the Python documentation suggests for long-lived servers).
    gc.collect()
    gc.freeze()
