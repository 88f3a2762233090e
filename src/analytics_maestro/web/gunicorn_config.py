"""gunicorn's settings, from the same environment variables as the rest of the service.

    gunicorn -c python:analytics_maestro.web.gunicorn_config 'analytics_maestro.web.app:create_app(sweep=True)'

(`analytics-maestro serve` runs exactly this.) Threads rather than plain sync workers: a progress
stream (server-sent events) holds its thread for as long as a run goes on.
"""

from analytics_maestro.config import Settings

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.gworkers
worker_class = "gthread"
threads = 8
timeout = 120
graceful_timeout = 30
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
