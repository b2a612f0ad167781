"""/your-data/: the public page on data rights for children and parents (no sign-in)."""

from django.urls import path

from ecm.rights import public

app_name = "your_data"
urlpatterns = [path("", public.your_data, name="page")]
