"""Every kind of personal data is declared: exported where, erased how."""

from django.apps import apps
from django.conf import settings

from portal.privacy.registry import ERASURES, REGISTRY


def person_relations(model) -> list[str]:
    """The model's own relations to the user model (not those it inherits from a parent model)."""
    user = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field.name
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is user and field.model is model
    ]


def test_every_model_holding_a_person_is_declared():
    missing = []
    for model in apps.get_models():
        relations = person_relations(model)
        if relations and model._meta.label not in REGISTRY:
            missing.append(f"{model._meta.label} ({', '.join(relations)})")
    assert not missing, "Declare in portal/privacy/registry.py how these are exported and erased: " + "; ".join(missing)


def test_every_declaration_names_real_relations_and_says_why_where_it_must():
    for label, rule in REGISTRY.items():
        model = apps.get_model(label)
        if model is apps.get_model(settings.AUTH_USER_MODEL):
            continue
        assert set(rule.fields) == set(person_relations(model)), label
        assert rule.erase in ERASURES, label
        if rule.erase == "keep" or not rule.export:
            assert rule.why, f"{label}: say why it is kept or not exported"
