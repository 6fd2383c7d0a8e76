"""People and the customer companies they belong to.

Login is by e-mail address (unique, case-insensitive); there is no username. A person may
belong to one organisation, whose members can later share requests and subscriptions.
"""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.text import single_line


def validate_time_zone(value: str) -> None:
    """Reject anything that is not an IANA time zone name."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Organisation(models.Model):
    """A customer company. Its members may share requests and subscriptions."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        blank=True,
        help_text=_("People who sign up with an address at this domain can be matched to the organisation."),
    )
    members_share_requests = models.BooleanField(
        _("members see each other's requests"),
        default=False,
        help_text=_("When on, every member can read the support requests of the whole organisation."),
    )
    account_owner = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_organisations",
        help_text=_("The staff member who looks after this customer; they see its people's customer pages."),
    )
    sso_provider = models.CharField(
        _("must sign in with"),
        max_length=100,
        blank=True,
        help_text=_(
            "The id of a sign-in provider (Settings → Sign-in providers), for example “keycloak” or “google”. "
            "When set, people with an address at the e-mail domain cannot sign in with a password here."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from django.core.cache import cache

        super().save(*args, **kwargs)
        cache.delete(self.sharing_cache_key(self.pk))

    def clean(self):
        super().clean()
        from .roles import is_staff_member

        if self.account_owner_id and not is_staff_member(self.account_owner):
            raise ValidationError({"account_owner": _("Choose a staff member: customers cannot own accounts.")})

    @staticmethod
    def sharing_cache_key(pk) -> str:
        return f"accounts:organisation-shares:{pk}"

    @classmethod
    def shares_requests(cls, pk) -> bool:
        """Whether members see each other's support requests; cached, as every request page asks."""
        from django.core.cache import cache

        if pk is None:
            return False
        key = cls.sharing_cache_key(pk)
        found = cache.get(key)
        if found is None:
            found = cls.objects.filter(pk=pk, members_share_requests=True).exists()
            cache.set(key, found, 3600)
        return found


class UserManager(BaseUserManager):
    """Creates users keyed by e-mail address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person using the portal: customer, member or staff. Identified by e-mail address."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How you are shown to others in the community and on requests."),
    )
    locale = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    country = CountryField(_("country"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        validators=[validate_time_zone],
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("brand"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The brand the person joined through: their e-mails carry its name and link to its site."),
    )
    is_organisation_admin = models.BooleanField(
        _("organisation admin"),
        default=False,
        help_text=_("Manages the organisation's subscriptions and members."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.public_name

    def clean(self) -> None:
        """Names are one line of visible text: no bidirectional controls (spoofing), no line breaks."""
        super().clean()
        self.display_name = single_line(self.display_name)
        self.first_name = single_line(self.first_name)
        self.last_name = single_line(self.last_name)

    def get_full_name(self) -> str:
        """First and last name, or the display name when those are empty (Wagtail lists use it)."""
        return super().get_full_name() or self.display_name

    @property
    def public_name(self) -> str:
        """The name shown to other people: never the e-mail address."""
        return public_name(self.display_name, self.first_name, self.last_name, self.email)


def public_name(display_name: str, first_name: str, last_name: str, email: str) -> str:
    """`User.public_name` from the four fields, for pages that read them as values."""
    if display_name:
        return display_name
    full = f"{first_name} {last_name}".strip()
    return full or email.split("@", 1)[0]


def user_display(user: User) -> str:
    """How allauth names a person in pages and e-mails."""
    return user.public_name
