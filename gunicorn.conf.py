"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed by the environment; the defaults suit a 2-core machine behind a
reverse proxy (deploy/nginx.conf.example). Workers: one per core (search runs in each); threads
overlap database waits; timeout covers a 200 MB upload on a slow link and composing a large
issue; the request size limit is the app's GAZETTE_MAX_UPLOAD_MB (nginx: client_max_body_size)."""
import os

bind = os.environ.get("GAZETTE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GAZETTE_WORKERS", "2"))  # CPU cores; search runs in each worker
threads = int(os.environ.get("GAZETTE_THREADS", "4"))  # gthread: waits on the database overlap
worker_class = "gthread"
timeout = int(os.environ.get("GAZETTE_TIMEOUT", "120"))  # an upload of 200 MB on a slow link
graceful_timeout = 30
keepalive = 5
# Recycling workers after N requests closes their keep-alive connections mid-stream (measured:
# wrk counted read errors at each recycle), so it is off unless asked for.
max_requests = int(os.environ.get("GAZETTE_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GAZETTE_LOG_LEVEL", "info").lower()
# The access log names the request id the app returns (X-Request-ID), to match the app's lines.
access_log_format = ('%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" '
                     'request_id=%({x-request-id}o)s')
