import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterportal.settings")
application = get_wsgi_application()

from clusterportal import warmup  # noqa: E402  (needs the configured settings)

warmup.start()
