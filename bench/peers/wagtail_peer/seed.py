"""200 content pages under the root, with the words the portal's benchmark searches for."""

import json

from peer_seed import text
from wagtail.models import Page, Site
from wagtail_peer.models import ContentPage


def seed() -> str:
    root = Page.objects.get(depth=1)
    home = ContentPage.objects.filter(slug="peer-home").first()
    if home is None:
        home = root.add_child(instance=ContentPage(title="Home", slug="peer-home", body="<p>Welcome</p>"))
        Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "127.0.0.1", "root_page": home})
        Site.objects.exclude(root_page=home).delete()
    for n in range(200 - home.get_children().count()):
        words = text(n, 60)
        home.add_child(
            instance=ContentPage(
                title=f"No internet connection {n}",
                slug=f"article-{n}-{home.get_children().count()}",
                summary="<p>What to check when the router shows no internet.</p>",
                body="".join(f"<h2>Step {i}</h2><p>{words}</p>" for i in range(6)),
            )
        )
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    return json.dumps({"content_page": home.get_children().first().specific.url})
