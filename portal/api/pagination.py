"""Cursor pagination: stable under inserts, cheap at any depth (an index range, never OFFSET)."""

from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    ordering = "-created_at"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
