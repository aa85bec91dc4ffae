"""RFC 9457 problem details: the one error shape of the whole service."""

from http import HTTPStatus

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://statements-api.org/problems/"


def problem_body(status: int, detail: str, *, code: str | None = None, errors=None):
    """Build a problem+json body; `code` names the problem type."""
    title = HTTPStatus(status).phrase
    code = code or title.lower().replace(" ", "-").replace("'", "")
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(status: int, detail: str, *, code=None, errors=None, headers=None):
    """A Django JsonResponse carrying a problem+json body."""
    response = JsonResponse(
        problem_body(status, detail, code=code, errors=errors),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
