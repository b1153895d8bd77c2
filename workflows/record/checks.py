"""A signing key that cannot be read stops ``migrate`` and ``check``, not the first checkpoint."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import signing


@checks.register()
def signing_key_check(app_configs, **kwargs):
    try:
        signing.configured_private_key()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="record.E001")]
    return []
