"""Settings for the test suite: always ECM_ENV=test, however pytest is started.

pyproject.toml points pytest-django (and django-stubs) here, so `make test`, a plain
`pytest` and `.ci/run` all test the same profile, whatever ECM_ENV the shell holds.
"""

import os

os.environ["ECM_ENV"] = "test"

# Tests never write audit head exports into the working copy.
import tempfile  # noqa: E402

from config.settings import *  # noqa: E402,F403

ECM_AUDIT_HEAD_EXPORT_DIR = tempfile.mkdtemp(prefix="ecm-test-audit-heads-")
