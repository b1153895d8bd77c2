"""Settings of the fault drill's processes (``make drill``: gunicorn, the Celery worker and
beat, and the drill itself): the production settings, unchanged except for where e-mail goes
and how soon a message a killed worker held comes back. Never used outside bench/.

Production rather than the test settings because the drill is about what a deployment does:
DEBUG off, database connections kept a minute and health-checked before reuse, the manifest
static files (``bench.drill`` runs ``collectstatic`` into var/drill/static first), the
production e-mail path. ``bench.drill`` supplies the secrets production insists on (a fresh
secret key and record signing key for each run) and shortens the reminder claim timeout
through FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS, as an operator could.
"""

from config.env import env_int, env_str
from config.settings.production import *  # noqa: F401,F403

# Each message's Message-ID and recipient, appended to this file: doubles are counted there.
EMAIL_BACKEND = "bench.drill_mail.AppendingEmailBackend"
FAZHI_DRILL_MAIL_FILE = env_str("FAZHI_DRILL_MAIL_FILE", required=True)
# What one send costs at the mail server, so that a worker can be killed in the middle of one.
FAZHI_DRILL_MAIL_SECONDS = float(env_str("FAZHI_DRILL_MAIL_SECONDS", "0.02"))

# kombu's Redis transport hands a message a dead worker had taken (acks_late) back after this
# many seconds; production keeps the base settings' hour, which no drill can wait for.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("FAZHI_DRILL_VISIBILITY", 20)}
