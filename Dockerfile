FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY workflows ./workflows
COPY decisions ./decisions
COPY normdocs ./normdocs
COPY templates ./templates
COPY locale ./locale
COPY manage.py ./
RUN pip install --no-cache-dir . && pybabel compile -d locale -D django && pybabel compile -d locale -D djangojs
# Static files are collected at build time into /app/staticfiles (hashed names in a manifest,
# compressed copies; config/storage.py): without them every page fails. The same command runs
# in tests/config/test_production_serving.py. The dummy values only satisfy the settings'
# checks (the key is long and varied because production refuses a weak one); nothing here
# connects to a database or Redis.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_SECRET_KEY=build-only-never-used-to-sign-anything-0123456789abcdefghij \
    FAZHI_RECORD_SIGNING_KEY=build-only \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0
RUN useradd --system --home /var/lib/fazhi fazhi && mkdir -p /var/lib/fazhi && chown fazhi /var/lib/fazhi
USER fazhi
EXPOSE 8000
