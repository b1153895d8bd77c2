import pytest

from workflows.models import Unit


@pytest.fixture
def make_unit(db):
    """make_unit("name") -> a Unit to serve as a record subject."""

    def make(name: str) -> Unit:
        return Unit.objects.create(name=name, kind=Unit.Kind.DEPARTMENT)

    return make
