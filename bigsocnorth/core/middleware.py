"""Middleware shared by the whole site."""

from __future__ import annotations

from django.http import JsonResponse


class ApiMethodNotAllowedJsonMiddleware:
    """Under /api/, a wrong HTTP method is answered in JSON like every other error.

    ninja answers 405 with Django's empty HTML response; API clients expect
    a JSON body that says which methods the address takes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                {"message": f"This address does not take {request.method}. It takes: {allowed}."},
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response
        return response
