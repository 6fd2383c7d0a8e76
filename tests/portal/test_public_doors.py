"""Speed and behaviour through the frameworks' public doors only (house style, rule 11)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ["portal", "community", "tickets", "knowledge_base", "themes", "bench"]
#: Private attributes of Django, Wagtail and allauth objects, and internals reached through them
#: (attributes we set ourselves are named _portal_… or _community_…).
PRIVATE = re.compile(
    r"\b(?:request|response|hooks|queryset|query|connection|compiler|page|site|user)\._(?!portal_|community_)[a-z]\w*"
    r"|_iterable_class|apply_converters|get_compiler|_clear_cached_properties|_wagtail_route|hooks\._hooks"
)


def test_no_module_of_ours_touches_a_frameworks_private_attribute():
    found = []
    for package in OURS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
