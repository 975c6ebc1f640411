from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import admin_login

from . import health, home
from .api import api

urlpatterns = [
    # For the proxy and monitoring, over plain http too (SECURE_REDIRECT_EXEMPT).
    path("health/", health.live, name="health"),
    path("health/ready/", health.ready, name="health-ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Pages that are not the portal's (the back office, the API docs) name no icon.
    path("favicon.ico", home.favicon),
    path("api/v1/", api.urls),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path(
        "about/data/",
        TemplateView.as_view(template_name="core/data_sources.html"),
        name="data-sources",
    ),
    path("", home.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    path("", include("geo.urls")),
    path("", include("search.urls")),
    path("", include("sourcing.urls")),
    path("", include("inquiries.urls")),
    path("", include("clusterportal.figures.urls")),
    path("", include("networks.urls")),
    path("", include("content.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("directory.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Errors: a 503 page while the database cannot be reached, the 500 page otherwise.
handler500 = "clusterportal.errors.server_error"
