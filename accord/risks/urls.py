from django.urls import path

from accord.risks import views

app_name = "risks"

urlpatterns: list = []
