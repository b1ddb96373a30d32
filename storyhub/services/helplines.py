"""Where to find help, per country: the admins' list in the database, or — until they save one —
the shipped list in storyhub/data/helplines.json. Shown with general advice everywhere."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from storyhub.extensions import db
from storyhub.i18n import is_country_code
from storyhub.models import Helpline
from storyhub.services.errors import FieldError, ServiceError

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "data" / "helplines.json"
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{1,38}")


@dataclass(frozen=True)
class HelplineEntry:
    country: str
    name: str
    phone: str = ""
    url: str = ""
    notes: str = ""
    position: int = 0

    @property
    def tel(self) -> str:
        """The number for a tel: link (digits and a leading +)."""
        return ("+" if self.phone.startswith("+") else "") + re.sub(r"\D", "", self.phone)


@cache
def shipped() -> tuple[HelplineEntry, ...]:
    data = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    return tuple(
        HelplineEntry(
            country=item["country"],
            name=item["name"],
            phone=item.get("phone", ""),
            url=item.get("url", ""),
            notes=item.get("notes", ""),
            position=position,
        )
        for position, item in enumerate(data["helplines"])
    )


def _entry(row: Helpline) -> HelplineEntry:
    return HelplineEntry(row.country, row.name, row.phone, row.url, row.notes, row.position)


def uses_shipped_list() -> bool:
    """True until an admin saves a list of their own."""
    return db.session.scalar(sa.select(sa.func.count(Helpline.id))) == 0


def helplines_for(country: str) -> list[HelplineEntry]:
    """The helplines for `country`, in the admins' order (empty: general advice only)."""
    if uses_shipped_list():
        return [entry for entry in shipped() if entry.country == country]
    rows = db.session.scalars(
        sa.select(Helpline)
        .where(Helpline.country == country)
        .order_by(Helpline.position, Helpline.id)
    )
    return [_entry(row) for row in rows]


def all_helplines() -> list[Helpline]:
    return list(
        db.session.scalars(
            sa.select(Helpline).order_by(Helpline.country, Helpline.position, Helpline.id)
        )
    )


def start_from_shipped() -> int:
    """Copy the shipped list into the database, so admins can edit it; return how many."""
    if not uses_shipped_list():
        return 0
    for entry in shipped():
        db.session.add(
            Helpline(
                country=entry.country,
                name=entry.name,
                phone=entry.phone,
                url=entry.url,
                notes=entry.notes,
                position=entry.position,
            )
        )
    db.session.commit()
    return len(shipped())


def _checked(entry: HelplineEntry) -> HelplineEntry:
    country = entry.country.strip().upper()
    if not is_country_code(country):
        raise FieldError("country", code="country_unknown")
    if entry.phone and not _PHONE.fullmatch(entry.phone):
        raise FieldError("phone", code="phone_invalid")
    if entry.url and not entry.url.startswith(("https://", "http://")):
        raise FieldError("url", code="url_invalid")
    if not (entry.phone or entry.url):
        raise FieldError("phone", code="phone_or_url_missing")
    return HelplineEntry(country, entry.name, entry.phone, entry.url, entry.notes, entry.position)


def save_helpline(helpline_id: int | None, entry: HelplineEntry) -> Helpline:
    """Add (helpline_id None) or change one entry. Saving the first one starts from the
    shipped list, so nothing people saw before disappears by surprise."""
    entry = _checked(entry)
    start_from_shipped()
    if helpline_id is None:
        row = Helpline()
        db.session.add(row)
    else:
        found = db.session.get(Helpline, helpline_id)
        if found is None:
            raise ServiceError(code="helpline_gone")
        row = found
    row.country, row.name, row.phone = entry.country, entry.name, entry.phone
    row.url, row.notes, row.position = entry.url, entry.notes, entry.position
    db.session.commit()
    return row


def delete_helpline(helpline_id: int) -> None:
    row = db.session.get(Helpline, helpline_id)
    if row is not None:
        db.session.delete(row)
        db.session.commit()
