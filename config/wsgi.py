"""WSGI entry point (gunicorn config.wsgi).

StreamStartGuard answers 503 problem+json, not the server's 500, when a streamed
body (an export) fails on the database before its first byte.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from statements.middleware import StreamStartGuard  # noqa: E402 - needs Django set up

application = StreamStartGuard(application)
