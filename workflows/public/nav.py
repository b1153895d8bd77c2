"""The portal's navigation: each app's public module registers its sections."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str
    testid: str


SECTIONS: list[Section] = []


def section_register(*, url_name: str, label, testid: str) -> None:
    if all(s.url_name != url_name for s in SECTIONS):
        SECTIONS.append(Section(url_name, label, testid))
