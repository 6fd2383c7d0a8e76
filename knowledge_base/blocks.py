"""StreamField blocks of knowledge-base articles."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from .choices import CalloutKind


class HeadingBlock(blocks.StructBlock):
    """A heading; every heading becomes an entry of the article's table of contents."""

    text = blocks.CharBlock(label=_("text"), max_length=120)
    level = blocks.ChoiceBlock(label=_("level"), choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "knowledge_base/blocks/heading.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=160)
    detail = blocks.RichTextBlock(label=_("detail"), required=False, features=["bold", "italic", "link", "code"])


class StepsBlock(blocks.StructBlock):
    """Numbered steps, the shape of most how-to answers."""

    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "knowledge_base/blocks/steps.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("kind"), choices=CalloutKind.choices, default=CalloutKind.TIP)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "code"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "knowledge_base/blocks/callout.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.CharBlock(label=_("language"), max_length=30, required=False, help_text=_("e.g. bash, json"))
    code = blocks.TextBlock(label=_("code"))

    class Meta:
        icon = "code"
        label = _("Code")
        template = "knowledge_base/blocks/code.html"


class FigureBlock(blocks.StructBlock):
    """An image with the alternative text readers of screen readers need (required)."""

    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"), max_length=250, help_text=_("What the image shows, for people who cannot see it.")
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "knowledge_base/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("video address"), help_text=_("A YouTube or Vimeo address."))
    title = blocks.CharBlock(label=_("title"), max_length=160)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "knowledge_base/blocks/video.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"), features=["bold", "italic", "link", "document-link", "ol", "ul", "code"], icon="pilcrow"
    )
    steps = StepsBlock()
    callout = CalloutBlock()
    code = CodeBlock()
    figure = FigureBlock()
    video = VideoBlock()
    table = TableBlock(label=_("Table"), template="knowledge_base/blocks/table.html")
    shared_text = SnippetChooserBlock(
        "knowledge_base.SharedText", label=_("Shared text"), template="knowledge_base/blocks/shared_text.html"
    )


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "link", "ol", "ul", "code"])

    class Meta:
        icon = "help"
        label = _("Question and answer")
