"""The Django side of the strangler: its pages live under /dj/."""
from django.urls import path

from . import views

urlpatterns = [
    path("dj/login/", views.login_view),
    path("dj/logout/", views.logout_view),
    path("dj/private/", views.private),
    path("dj/password_change/", views.password_change),
    path("dj/whoami/", views.whoami),
    path("dj/form/", views.form),
    path("dj/csrf-post/", views.csrf_post),
]
