from django.urls import path

from ecm.budgets import views

app_name = "budgets"
urlpatterns = [
    path("", views.home, name="home"),
    path("allocations/", views.my_allocations, name="mine"),
    path("allocations/request/", views.allocation_request, name="allocation_request"),
    path("allocations/<uuid:allocation_id>/", views.allocation_detail, name="allocation"),
    path("allocations/<uuid:allocation_id>/purchase/", views.purchase_record, name="purchase_record"),
    path("allocations/<uuid:allocation_id>/decide/", views.allocation_decide, name="allocation_decide"),
    path("purchases/<uuid:purchase_id>/decide/", views.purchase_decide, name="purchase_decide"),
    path("approvals/", views.approvals, name="approvals"),
    path("budgets/", views.budget_list, name="list"),
    path("budgets/new/", views.budget_create, name="create"),
    path("budgets/<uuid:budget_id>/", views.budget_detail, name="budget"),
    path("budgets/<uuid:budget_id>/threshold/", views.budget_threshold, name="threshold"),
    path("reports/", views.reports, name="reports"),
    path("reports/spending.csv", views.reports_csv, name="reports_csv"),
]
