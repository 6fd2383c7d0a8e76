"""The demo's synonym groups: what customers of a router, a backup service and a smart bulb type."""

from portal.cache_versions import SEARCH, bump

from .models import SynonymGroup

GROUPS = [
    ("wifi, wi-fi, wireless, wlan, bežična mreža, brezžično omrežje", "Wi-Fi in every language"),
    ("password, lozinka, šifra, geslo, passcode", "Passwords"),
    ("router, ruter, usmerjevalnik", "The router"),
    ("backup, rezervna kopija, varnostna kopija", "Backups"),
    ("restore, recover, vraćanje, obnovitev, obnova", "Getting files back"),
    ("firmware, firmver, programska oprema", "Router software"),
    ("bulb, lamp, sijalica, žarulja, žarnica", "Smart bulbs"),
    ("slow, spor, sporo, počasen, lag", "Speed"),
]


def seed_synonyms() -> None:
    if SynonymGroup.objects.exists():
        return
    SynonymGroup.objects.bulk_create([SynonymGroup(terms=terms, note=note) for terms, note in GROUPS])
    bump(SEARCH)  # searches read the groups again
