"""Images attached to posts."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    PostImage,
)
from .base import IMAGE_MAX_BYTES, CommunityError, _rate_limit, profile_for


@transaction.atomic
def upload_image(*, uploader, upload) -> PostImage:
    """Keep an image for a post: a raster image checked by its bytes, at most IMAGE_MAX_BYTES, stored
    without its metadata (a phone's photo carries where it was taken)."""
    from django.core.exceptions import ValidationError

    from portal.uploads import IMAGES, check_upload, without_metadata

    profile = profile_for(uploader)
    if profile.is_silenced():
        raise CommunityError(_("You cannot post now."))
    try:
        checked = without_metadata(check_upload(upload, max_bytes=IMAGE_MAX_BYTES, allowed=IMAGES))
    except ValidationError as error:
        raise CommunityError(" ".join(error.messages)) from None
    _rate_limit(uploader, "image")
    image = PostImage(uploader=uploader, name=checked.name, content_type=checked.content_type, size=checked.size)
    image.file.save(checked.name, checked.upload, save=False)
    image.save()
    return image


def with_image(body: str, image: PostImage) -> str:
    """The post's Markdown with the image shown at its end."""
    alt = image.name.rsplit(".", 1)[0].replace("[", "").replace("]", "")
    return f"{body.rstrip()}\n\n![{alt}]({image.get_absolute_url()})"
