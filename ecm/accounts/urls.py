from django.urls import path

from ecm.accounts.views import account, admin, api_clients, enrol, signin

app_name = "accounts"
urlpatterns = [
    path("sign-in/", signin.sign_in, name="sign_in"),
    path("sign-in/verify/", signin.verify, name="verify"),
    path("sign-in/set-up/", enrol.enrol, name="enrol"),
    path("sign-in/set-up/app/", enrol.enrol_totp, name="enrol_totp"),
    path("sign-in/set-up/security-key/", enrol.enrol_security_key, name="enrol_security_key"),
    path("sign-in/recovery-codes/", enrol.recovery_codes, name="recovery_codes"),
    path("sign-out/", signin.sign_out, name="sign_out"),
    path("sign-out/confirm/", signin.sign_out_confirm, name="sign_out_confirm"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/confirm-identity/", account.step_up, name="step_up"),
    path("account/sessions/<int:session_id>/end/", account.session_end_own, name="session_end"),
    path("admin-area/practitioners/", admin.practitioner_list_view, name="practitioner_list"),
    path("admin-area/practitioners/new/", admin.practitioner_create_view, name="practitioner_create"),
    path("admin-area/practitioners/<int:practitioner_id>/", admin.practitioner_detail_view, name="practitioner_detail"),
    path(
        "admin-area/practitioners/<int:practitioner_id>/edit/", admin.practitioner_edit_view, name="practitioner_edit"
    ),
    path(
        "admin-area/practitioners/<int:practitioner_id>/end-sessions/",
        admin.practitioner_end_sessions_view,
        name="practitioner_end_sessions",
    ),
    path(
        "admin-area/practitioners/<int:practitioner_id>/suspension/",
        admin.practitioner_suspend_view,
        name="practitioner_suspend",
    ),
    path(
        "admin-area/practitioners/<int:practitioner_id>/password-link/",
        admin.practitioner_password_link_view,
        name="practitioner_password_link",
    ),
    path("set-password/<uidb64>/<token>/", account.SetPasswordView.as_view(), name="set_password"),
    path("admin-area/organisations/", admin.organisation_list_view, name="organisation_list"),
    path("admin-area/organisations/new/", admin.organisation_create_view, name="organisation_create"),
    path(
        "admin-area/organisations/<uuid:organisation_id>/edit/", admin.organisation_edit_view, name="organisation_edit"
    ),
    path("admin-area/areas/new/", admin.local_authority_create_view, name="local_authority_create"),
    path("admin-area/api-clients/", api_clients.api_client_list_view, name="api_client_list"),
    path("admin-area/api-clients/<str:client_id>/", api_clients.api_client_detail_view, name="api_client_detail"),
    path(
        "admin-area/api-clients/<str:client_id>/revoke/", api_clients.api_client_revoke_view, name="api_client_revoke"
    ),
    path(
        "admin-area/api-clients/<str:client_id>/rotate/", api_clients.api_client_rotate_view, name="api_client_rotate"
    ),
]
