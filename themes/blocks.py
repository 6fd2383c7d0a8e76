"""StreamField blocks used by the theme's settings."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class FooterLinkBlock(blocks.StructBlock):
    """A labelled link in the site footer: an internal page or an external address."""

    label = blocks.CharBlock(label=_("label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("external address"), required=False)

    class Meta:
        icon = "link"
        label = _("Footer link")

    def clean(self, value):
        cleaned = super().clean(value)
        if not cleaned.get("page") and not cleaned.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={"url": blocks.BlockValidationError(_("Choose a page or enter an address."))}
            )
        return cleaned
