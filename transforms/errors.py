"""The one exception type that carries a user-facing, one-line reason for a bad input."""


class InputError(ValueError):
    """An input that cannot be read at all; the message is one line, fit for a person.

    The message never includes the path: callers prefix it, so every layer can raise it without
    knowing where the bytes came from.
    """
