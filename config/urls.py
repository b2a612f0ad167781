"""Top-level URL map: one include per domain app."""

from django.urls import include, path

urlpatterns = [
    path("", include("ecm.core.urls")),
    path("", include("ecm.accounts.urls")),
    path("audit/", include("ecm.audit.urls")),
    path("notifications/", include("ecm.notifications.urls")),
    path("index/", include("ecm.index.urls")),
    path("fhir/", include("ecm.index.api.urls")),
    path("directory/", include("ecm.directory.urls")),
    path("openreferral/", include("ecm.directory.api.urls")),
    path("misuse/", include("ecm.misuse.urls")),
    path("linkage/", include("ecm.linkage.urls")),
    path("consent/", include("ecm.consent.urls")),
    path("sharing/", include("ecm.sharing.urls")),
    path("caf/", include("ecm.caf.urls")),
    path("rights/", include("ecm.rights.urls")),
    path("your-data/", include("ecm.rights.public_urls")),
    path("budgets/", include("ecm.budgets.urls")),
    path("multiagency/", include("ecm.multiagency.urls")),
    path("referrals/", include("ecm.referrals.urls")),
    path("monitoring/", include("ecm.monitoring.urls")),
    path("webauthn/", include("ecm.accounts.webauthn_urls", namespace="otp_webauthn")),
]

handler404 = "ecm.core.views.page_not_found"
handler500 = "ecm.core.views.server_error"
