"""gunicorn's settings, from the same environment variables as the rest of the service.

    gunicorn -c python:analytics_maestro.web.gunicorn_config 'analytics_maestro.web.app:create_app(sweep=True)'

(`analytics-maestro serve` runs exactly this.) Threads rather than plain sync workers: a progress
stream (server-sent events) holds its thread while it streams — at most half of them at a time,
each for a slice of seconds (`web.graphs`).
"""

from analytics_maestro.config import REQUEST_THREADS, Settings

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.gworkers
worker_class = "analytics_maestro.web.gunicorn_worker.JsonErrorsWorker"  # gthread, errors as JSON
threads = REQUEST_THREADS
timeout = 120
graceful_timeout = 30
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
