from tests.normdocs.conftest import (  # noqa: F401 (fixtures shared with the normdocs tests)
    bureau_body,
    county_body,
    officials,
    township_body,
)
