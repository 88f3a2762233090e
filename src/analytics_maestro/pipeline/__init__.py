"""The stages of a graph run and the runners that execute them (in-process, or Celery workers)."""
