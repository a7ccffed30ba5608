"""Organisations of an imported file matched to stored ones (IATI identifier, then code,
then name) or created, with the roles the file gives them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec

from ta_manager.database import sql
from ta_manager.iati import mapping as M
from ta_manager.iati.import_reading import as_code
from ta_manager.reference.schemas import OrganizationCreate
from ta_manager.reference.services import OrganizationService

ORG_TYPES = {10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90}


class Organisations:
    """Organisations of the file matched to stored ones (IATI identifier, code, name), or
    new ones to create."""

    def __init__(self) -> None:
        self.by_ref: dict[str, str] = {}
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.new: dict[str, dict[str, Any]] = {}
        self.roles: dict[str, set[str]] = defaultdict(set)

    async def load(self) -> None:
        for r in await sql.fetch("SELECT code, name, iati_identifier FROM organization"):
            if r["iati_identifier"]:
                self.by_ref.setdefault(r["iati_identifier"].upper(), r["code"])
            self.by_code[r["code"].upper()] = r["code"]
            self.by_name.setdefault(r["name"].strip().upper(), r["code"])

    def code_of(self, org: M.Org | None, role: str) -> str | None:
        if org is None or not (org.ref or org.name):
            return None
        found = (
            (self.by_ref.get(org.ref.upper()) if org.ref else None)
            or (self.by_code.get(as_code(org.ref).upper()) if org.ref else None)
            or (self.by_name.get(org.name.strip().upper()) if org.name else None)
        )
        if found is None:
            code = as_code(org.ref or org.name)
            while code.upper() in self.by_code and code not in self.new:
                code = as_code(code[:60] + "-2")
            self.new.setdefault(
                code,
                {
                    "code": code,
                    "name": (org.name or org.ref)[:200],
                    "iati_identifier": org.ref,
                    "iati_org_type": org.type if org.type in ORG_TYPES else None,
                },
            )
            self.by_code[code.upper()] = code
            if org.ref:
                self.by_ref[org.ref.upper()] = code
            if org.name:
                self.by_name[org.name.strip().upper()] = code
            found = code
        self.roles[found].add(role)
        return found


async def create_organisations(orgs: Organisations) -> int:
    """Create the file's organisations not stored yet; stored ones gain the roles the file
    gives them (a funder becomes a donor). Called again once transactions named providers."""
    service = OrganizationService()
    stored = {
        r["code"]: r for r in await sql.fetch("SELECT id, code, version, roles FROM organization")
    }
    for code, values in orgs.new.items():
        if code not in stored:
            roles = sorted(orgs.roles.get(code, set()))
            struct = msgspec.convert({**values, "roles": roles}, OrganizationCreate, strict=False)
            await service.create(struct)
    for code, wanted in orgs.roles.items():
        row = stored.get(code)
        if row is not None and not wanted <= set(row["roles"]):
            merged = sorted(set(row["roles"]) | wanted)
            await service.update(row["id"], {"roles": merged}, row["version"])
    return len(orgs.new)
