"""Top-level URL map: one include per domain app."""

from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from ecm.directory.api import views as openreferral

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says (a PDF opened in a tab does).
    # Not permanent, and worked out per request: the static name is hashed, and changes with a release.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("images/favicon.ico"), permanent=False),
        name="favicon",
    ),
    path("", include("ecm.core.urls")),
    path("", include("ecm.accounts.urls")),
    path("audit/", include("ecm.audit.urls")),
    path("notifications/", include("ecm.notifications.urls")),
    path("jobs/", include("ecm.jobs.urls")),
    path("index/", include("ecm.index.urls")),
    path("fhir/", include("ecm.index.api.urls")),
    path("directory/", include("ecm.directory.urls")),
    path("openreferral/", include("ecm.directory.api.urls")),
    # without its slash the API answers itself (with CORS), instead of a redirect without CORS
    path("openreferral", openreferral.api_root, name="openreferral_root_no_slash"),
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

# Each branches on the path: OperationOutcome on /fhir/, JSON with CORS on /openreferral, pages elsewhere.
handler400 = "config.error_handlers.bad_request"
handler403 = "config.error_handlers.permission_denied"
handler404 = "config.error_handlers.page_not_found"
handler500 = "config.error_handlers.server_error"
