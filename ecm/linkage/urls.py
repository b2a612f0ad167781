from django.urls import path

from ecm.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("deliveries/<int:delivery_id>/", views.delivery_view, name="delivery"),
    path("review/", views.review_queue_view, name="review_queue"),
    path("review/<int:item_id>/", views.review_item_view, name="review_item"),
    path("children/<str:child_id>/sources/", views.child_sources_view, name="child_sources"),
    path("merge/", views.merge_view, name="merge"),
    path("merges/<int:merge_id>/unmerge/", views.unmerge_view, name="unmerge"),
]
