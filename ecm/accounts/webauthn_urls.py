"""django-otp-webauthn's endpoints, with our audited 'complete' steps in place of the package's."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.views import BeginCredentialAuthenticationView, BeginCredentialRegistrationView

from ecm.accounts.views.enrol import AuditedAuthenticationComplete, AuditedRegistrationComplete

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", BeginCredentialRegistrationView.as_view(), name="credential-registration-begin"),
    path("registration/complete/", AuditedRegistrationComplete.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginCredentialAuthenticationView.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/", AuditedAuthenticationComplete.as_view(), name="credential-authentication-complete"
    ),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
