"""Per-site branding: one installation serves several brands, one per Wagtail Site."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from .blocks import FooterLinkBlock
from .colour import AA_NORMAL_TEXT, WHITE, contrast_ratio

DEFAULT_PRIMARY_COLOUR = "#1f5fbf"


@register_setting(icon="palette")
class BrandingSettings(BaseSiteSetting):
    """Name, logo, colour, support address and footer links of one site.

    Invariant: the primary colour keeps AA contrast with white text, because buttons and the
    header use it as their background.
    """

    brand_name = models.CharField(
        _("brand name"),
        max_length=80,
        blank=True,
        help_text=_("Shown in the header and page titles. Leave empty to use the site name."),
    )
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=DEFAULT_PRIMARY_COLOUR,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, e.g. #1f5fbf."))],
        help_text=_("Used for buttons and links; it must be dark enough for white text on it."),
    )
    support_email = models.EmailField(_("support e-mail"), blank=True)
    footer_links = StreamField(
        [("link", FooterLinkBlock())],
        verbose_name=_("footer links"),
        blank=True,
        use_json_field=True,
    )

    panels = [
        FieldPanel("brand_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("primary_colour"),
        FieldPanel("support_email"),
        FieldPanel("footer_links"),
    ]

    class Meta:
        verbose_name = _("branding")

    def clean(self) -> None:
        super().clean()
        colour = self.primary_colour or ""
        try:
            ratio = contrast_ratio(colour, WHITE)
        except ValueError:
            return  # the field validator reports the format
        if ratio < AA_NORMAL_TEXT:
            raise ValidationError(
                {
                    "primary_colour": _(
                        "White text on this colour has a contrast of %(ratio).1f:1; "
                        "choose a darker colour (at least 4.5:1)."
                    )
                    % {"ratio": ratio}
                }
            )

    def display_name(self) -> str:
        return self.brand_name or self.site.site_name or "Portal"
