"""The back office's admin site is the portal's own (``clusterportal.admin_site``)."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "clusterportal.admin_site.PortalAdminSite"
