"""Checking uploaded files by their content, not their name.

A file is accepted when its size is within the limit and what its bytes say it is (read with
`filetype`, which knows the signatures of common formats) is on the allow-list *and* agrees
with its extension. Plain text has no signature: it must decode as UTF-8 without NUL bytes.
Accepted files are kept in private storage and only ever served by a view that decides who may
have them and how (support attachments as downloads, community images inline).
"""

import os
import re
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

#: extension → the content type its bytes must show
ALLOWED = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "eml": "message/rfc822",
}
TEXT_TYPES = {"text/plain", "text/csv", "application/json"}
#: A saved e-mail starts with a header line ("Name: value"); its body may be in any charset.
MESSAGE_START = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,76}:")
#: Raster images only: an SVG can carry script.
IMAGES = {extension: kind for extension, kind in ALLOWED.items() if kind.startswith("image/")}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int


def check_upload(upload, *, max_bytes: int, allowed: dict[str, str] | None = None) -> CheckedFile:
    """Return the file with a safe name and its real type, or raise ValidationError saying why."""
    allowed = ALLOWED if allowed is None else allowed
    original = PurePath(upload.name or "").name
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": original, "limit": max_bytes // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": original})
    extension = PurePath(original).suffix.lower().lstrip(".")
    expected = allowed.get(extension)
    if expected is None:
        raise ValidationError(
            _("“%(name)s”: files of this type are not accepted. Allowed: %(allowed)s.")
            % {"name": original, "allowed": ", ".join(sorted(allowed))}
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if expected == "message/rfc822":
        looks_right = kind is None and b"\x00" not in head and MESSAGE_START.match(head) is not None
    elif expected in TEXT_TYPES:
        looks_right = kind is None and b"\x00" not in head and _decodes(head)
    else:
        looks_right = kind is not None and kind.mime == expected
    if not looks_right:
        raise ValidationError(
            _("“%(name)s” does not contain what its name says (.%(extension)s). It was not attached.")
            % {"name": original, "extension": extension}
        )
    safe_name = get_valid_filename(original)[:150] or f"file.{extension}"
    return CheckedFile(upload=upload, name=safe_name, content_type=expected, size=upload.size)


def _decodes(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may end in the middle of a character: only a bad byte before the end counts.
        return exc.start >= len(head) - 3
    return True


def private_storage():
    """The storage of private files: STORAGES["private"] — PrivateStorage below by default, a
    bucket at scale. File fields name this callable, so the setting decides."""
    return storages["private"]


class PrivateStorage(FileSystemStorage):
    """Files that are never served by URL: only by a view that checks who asks.

    Its folder is read from the setting each time (not cached), so a changed PORTAL_PRIVATE_ROOT
    applies at once.
    """

    @property
    def base_location(self):
        return settings.PORTAL_PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


#: What an image keeps of its metadata: how to show it (colours, transparency, timing), nothing about who took it.
_IMAGE_INFO_KEPT = {"icc_profile", "transparency", "duration", "loop", "background", "dpi"}


def without_metadata(checked: CheckedFile) -> CheckedFile:
    """The image re-encoded without its metadata (EXIF with GPS position, XMP, comments).

    The orientation EXIF records is applied to the pixels first, so the picture still stands the
    way it was taken. Animated GIF and WebP keep their frames. Anything Pillow cannot read is refused.
    """
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageOps

    formats = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
    target = formats.get(checked.content_type)
    if target is None:
        return checked
    checked.upload.seek(0)
    try:
        with Image.open(checked.upload) as image:
            animated = getattr(image, "is_animated", False)
            output = BytesIO()
            if animated:
                image.info = {key: value for key, value in image.info.items() if key in _IMAGE_INFO_KEPT}
                image.save(output, format=target, save_all=True, exif=b"")
            else:
                upright = ImageOps.exif_transpose(image)
                upright.info = {key: value for key, value in upright.info.items() if key in _IMAGE_INFO_KEPT}
                options = {"quality": 92, "optimize": True} if target in ("JPEG", "WEBP") else {}
                if target == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
                upright.save(output, format=target, **options)
    except Exception as error:  # any decoding failure of untrusted bytes (broken EXIF raises struct.error)
        raise ValidationError(_("“%(name)s” could not be read as an image.") % {"name": checked.name}) from error
    data = output.getvalue()
    clean = SimpleUploadedFile(checked.name, data, content_type=checked.content_type)
    return CheckedFile(upload=clean, name=checked.name, content_type=checked.content_type, size=len(data))
