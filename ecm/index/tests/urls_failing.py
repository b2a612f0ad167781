"""The real URL map plus views that fail, to prove Django's 500 handler answers in each API's format."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls


def failing(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("fhir/_failing", failing),
    path("openreferral/_failing", failing),
    path("_failing", failing),
    *urls.urlpatterns,
]
handler400 = urls.handler400
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
