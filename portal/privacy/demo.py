"""The demo's consent purposes in Serbian (Latin and Cyrillic) and Slovenian."""

from wagtail.models import Locale

from portal.serbian import latin_to_cyrillic

from .models import Purpose

TEXTS = {
    "service": {
        "sr-latn": ("Servisne e-poruke", "E-poruke o vašem nalogu, zahtevima i pretplati. Dolaze uz nalog."),
        "sl": ("Servisna e-pošta", "E-pošta o vašem računu, zahtevkih in naročnini. Pride z računom."),
    },
    "surveys": {
        "sr-latn": (
            "Ankete o zadovoljstvu i preporuci",
            "Povremeno pitamo kako smo radili: posle rešenog zahteva i koliko je verovatno da biste nas preporučili.",
        ),
        "sl": (
            "Ankete o zadovoljstvu in priporočilu",
            "Občasno vprašamo, kako nam je šlo: po rešenem zahtevku in kako verjetno je, da bi nas priporočili.",
        ),
    },
    "newsletter": {
        "sr-latn": ("Bilten i ponude", "Novosti o našim proizvodima i ponude za članove, e-poštom."),
        "sl": ("Novice in ponudbe", "Novice o naših izdelkih in ponudbe za člane, po e-pošti."),
    },
    "profiling": {
        "sr-latn": ("Lične ponude", "Ponude izabrane za vas na osnovu kupovina, pretplate i aktivnosti."),
        "sl": ("Osebne ponudbe", "Ponudbe, izbrane za vas na podlagi nakupov, naročnine in dejavnosti."),
    },
    "analytics": {
        "sr-latn": ("Analitika korišćenja", "Kako koristite portal, brojano da bismo ga poboljšali."),
        "sl": ("Analitika uporabe", "Kako uporabljate portal, šteto, da ga izboljšamo."),
    },
}


def translate_purposes() -> int:
    """Copy each purpose into the demo's other languages with its text there; returns how many."""
    made = 0
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    default = Locale.get_default()
    for purpose in Purpose.objects.filter(locale=default):
        for code, (latin_name, latin_text) in ((c, t) for c, t in TEXTS.get(purpose.code, {}).items()):
            targets = [(code, latin_name, latin_text)]
            if code == "sr-latn":
                targets.append(("sr", latin_to_cyrillic(latin_name), latin_to_cyrillic(latin_text)))
            for language, name, text in targets:
                locale = locales.get(language)
                if (
                    locale is None
                    or Purpose.objects.filter(translation_key=purpose.translation_key, locale=locale).exists()
                ):
                    continue
                copy = purpose.copy_for_translation(locale)
                copy.name, copy.description = name, text
                copy.save()
                made += 1
    return made
