"""The languages Accord speaks, each named in its own language (as a language picker shows them).

A plain module, imported by the settings (LANGUAGES) and by `choices.Language`: adding a language is one
line here, its catalogue under accord/locale/, and a migration of the two language fields' choices."""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    #: Text a person reads: a string, or a lazy translation rendered in the language of the moment.
    Text = str | _StrPromise

#: (code, name in that language); English first: the default and the source of every message.
LANGUAGE_NAMES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("fr", "Français"),
)
DEFAULT_LANGUAGE = "en"
#: Where the catalogues live (accord/locale/<code>/LC_MESSAGES/django.po); settings.LOCALE_PATHS names it.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
