from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.models import Page


def search(request):
    """Wagtail's search as its project template writes it: live pages, ten a page."""
    query = request.GET.get("query", "")
    results = Page.objects.live().search(query) if query else Page.objects.none()
    page = Paginator(results, 10).get_page(request.GET.get("page"))
    return render(request, "search.html", {"query": query, "results": page})


urlpatterns = [path("search/", search), path("", include(wagtail_urls))]
