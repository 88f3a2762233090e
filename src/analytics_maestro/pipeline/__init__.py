"""Graph runs: the pipeline's shape (`shape`), its pure composition (`diagram`), the stages as the
service runs them (`stages`), and the runners (`runner`): local (threads of this process) and
Celery workers (`remote`)."""
