from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class ContentPage(Page):
    """A content page as a plain Wagtail site has one: a title, a summary and a rich-text body."""

    summary = RichTextField(blank=True)
    body = RichTextField(blank=True)
    search_fields = [*Page.search_fields, index.SearchField("body")]
    template = "content_page.html"
