"""workflows.gates carries copies of viewflow's activation bodies: they hold only for the
viewflow release they were copied from."""

import importlib.metadata

from workflows import gates


def test_the_gates_were_copied_from_the_installed_viewflow():
    assert importlib.metadata.version("django-viewflow") == gates.COPIED_FROM, (
        "viewflow was upgraded: compare workflows/gates.py's activation bodies with the new "
        "release's nodes (if_gate, switch, join, func, end), then update COPIED_FROM"
    )
