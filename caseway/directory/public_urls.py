app_name = "public_directory"

urlpatterns = []
