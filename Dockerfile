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
RUN pip install --no-cache-dir . && pybabel compile -d locale -D django
# Static files are collected at build time; the dummy values only satisfy the settings' checks.
RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=build-only \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0
RUN useradd --system --home /var/lib/fazhi fazhi && mkdir -p /var/lib/fazhi && chown fazhi /var/lib/fazhi
USER fazhi
EXPOSE 8000
