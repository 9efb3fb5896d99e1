"""django-helpdesk under /helpdesk/ (its REST API at /helpdesk/api/)."""
from django.urls import include, path

urlpatterns = [
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
