from django.urls import path

from ecm.rights import views

app_name = "rights"
SAR = "requests/<uuid:request_id>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/new/", views.request_new, name="request_new"),
    path(SAR, views.request_detail, name="request"),
    path(SAR + "identity/", views.identity, name="identity"),
    path(SAR + "extend/", views.extend, name="extend"),
    path(SAR + "compile/", views.compile_package, name="compile"),
    path(SAR + "package/", views.package, name="package"),
    path(SAR + "package/redact/", views.redact, name="redact"),
    path(SAR + "package/redactions/<uuid:redaction_id>/remove/", views.redaction_remove, name="redaction_remove"),
    path(SAR + "package.<str:fmt>", views.download, name="download"),
    path(SAR + "release/", views.release, name="release"),
    path(SAR + "refuse/", views.refuse, name="refuse"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("rectifications/<uuid:rectification_id>/", views.rectification_detail, name="rectification"),
]
