from django.apps import AppConfig


class ClocksTestsConfig(AppConfig):
    """Installed only while a test runs a flow: viewflow stores a flow by its app and path."""

    name = "tests.workflows.clocks"
    label = "clocks_tests"
