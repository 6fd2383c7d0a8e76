"""Path converters shared by every app's addresses."""


class IdConverter:
    """A database id in an address: 1 to 18 ASCII digits (what a 64-bit column can hold).

    Django's `int` converter takes any number of digits, and an id no column can hold then fails in
    the database driver (SQLite refuses to bind it) instead of answering 404.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
