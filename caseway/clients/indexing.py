"""Blind indexes of identity values: exact, keyed lookups without storing or scanning plaintext.

Names are normalized so that the same person written differently still matches: case, spacing,
punctuation, diacritics and common Arabic spelling variants are folded, and the full-name index
sorts the words, so word order does not matter. Only digests reach the database.
"""

import datetime
import re
import unicodedata

from caseway.lib.crypto import blind_index

PURPOSE_PREFIX = "client."
# Arabic letters that are written interchangeably in names.
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ـ": ""})
_NOT_A_LETTER = re.compile(r"[^\w]+")
PHONE_DIGITS_KEPT = 8


def name_words(*names: str) -> list[str]:
    """The normalized words of ``names``: no case, diacritics, punctuation or tatweel."""
    words = []
    for name in names:
        if not name:
            continue
        decomposed = unicodedata.normalize("NFKD", name.casefold())
        bare = "".join(char for char in decomposed if not unicodedata.combining(char))
        bare = unicodedata.normalize("NFKC", bare).translate(_ARABIC_FOLDS).replace("_", " ")
        words.extend(word for word in _NOT_A_LETTER.split(bare) if word)
    return words


# Words of one client that take part in pairs: more than any real name has, few enough that the
# pairs stay a few dozen (12 words make 66).
MAX_PAIR_WORDS = 12


def pair_key(first: str, second: str) -> str:
    """Two normalized name words, in either order, as one index value."""
    return "\x1f".join(sorted((first, second)))


def name_pair_keys(variants) -> set[str]:
    """Every unordered pair of a client's name words: a search for several words is then exact lookups
    of a few matches, not the intersection of each word's thousands (a common given name).

    A word written twice in one name ("Maxamed Maxamed") pairs with itself; across names and
    aliases, distinct words pair with each other, as the word index answers any of them.
    """
    keys = set()
    for words in variants:
        words = words[:MAX_PAIR_WORDS]
        keys.update(pair_key(words[i], words[j]) for i in range(len(words)) for j in range(i + 1, len(words)))
    distinct = sorted({word for words in variants for word in words})[:MAX_PAIR_WORDS]
    keys.update(pair_key(distinct[i], distinct[j]) for i in range(len(distinct)) for j in range(i + 1, len(distinct)))
    return keys


def full_name_key(*names: str) -> str:
    return " ".join(sorted(name_words(*names)))


def phone_key(phone: str) -> str:
    """The last digits of a phone number: matches with or without country code and spacing."""
    digits = "".join(char for char in unicodedata.normalize("NFKC", phone or "") if char.isdigit())
    return digits[-PHONE_DIGITS_KEPT:] if len(digits) >= 6 else ""


def digest(purpose: str, value: str) -> str:
    return blind_index(value, purpose=PURPOSE_PREFIX + purpose)


def identity_digests(
    *, given_name: str = "", family_name: str = "", aliases=(), birth_date: datetime.date | str | None, phone: str = ""
) -> list[tuple[str, str]]:
    """(purpose, digest) pairs for every index of one client's identity."""
    from caseway.clients.models import ClientIndex

    pairs = set()
    names = [given_name or "", family_name or ""]
    for word in name_words(*names, *(aliases or ())):
        pairs.add((ClientIndex.Purpose.NAME_TOKEN, digest(ClientIndex.Purpose.NAME_TOKEN, word)))
    variants = [name_words(*names), *(name_words(alias) for alias in aliases or ())]
    for key in name_pair_keys([words for words in variants if words]):
        pairs.add((ClientIndex.Purpose.NAME_PAIR, digest(ClientIndex.Purpose.NAME_PAIR, key)))
    for variant in [names, *([alias] for alias in aliases or ())]:
        key = full_name_key(*variant)
        if not key:
            continue
        pairs.add((ClientIndex.Purpose.FULL_NAME, digest(ClientIndex.Purpose.FULL_NAME, key)))
        if birth_date:
            value = f"{key}|{birth_date.isoformat() if hasattr(birth_date, 'isoformat') else birth_date}"
            pairs.add((ClientIndex.Purpose.NAME_BIRTH_DATE, digest(ClientIndex.Purpose.NAME_BIRTH_DATE, value)))
    if key := phone_key(phone):
        pairs.add((ClientIndex.Purpose.PHONE, digest(ClientIndex.Purpose.PHONE, key)))
    return sorted(pairs)
