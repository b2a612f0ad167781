app_name = "caf"
urlpatterns: list = []
