"""A WSGI application that answers with the URL gunicorn says was requested:
wsgi.url_scheme is what links, redirects and ETags are built from."""

from wsgiref.util import request_uri


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [request_uri(environ).encode()]
