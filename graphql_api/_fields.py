"""Which record keys each GraphQL field reads, per type query, so a level fetches only what the
request selects (one query per type and level, with only the UNION branches it needs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import FieldNode, SelectionNode

__all__ = ["FIELD_KEYS", "keys_for"]

_LABEL = {"label": ("label",)}
_SOURCE = {"source": ("source",)}

FIELD_KEYS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "product": {
        **_LABEL,
        **_SOURCE,
        "brandName": ("brandName",),
        "commonName": ("commonName",),
        "altLabels": ("altLabel",),
        "origin": ("origin",),
        "originNote": ("originNote",),
        "modality": ("modality",),
        "oosProvision": ("oosProvision",),
        "approval": ("approvalDate", "approvalKind", "withdrawnOn", "approvedIn"),
        "mah": ("mah", "mahName"),
        "substance": ("substance",),
        "oosTrials": ("trial",),
        "expandedAccessPrograms": ("program",),
        "studies": ("study",),
    },
    "substance": {
        **_LABEL,
        **_SOURCE,
        "name": ("label",),
        "altLabels": ("altLabel",),
        "products": ("product",),
        "oosTrials": ("trial",),
        "expandedAccessPrograms": ("program",),
        "studies": ("study",),
    },
    "trial": {
        **_SOURCE,
        "registry": ("registry",),
        "registryId": ("registryId",),
        "identifierAsPrinted": ("identifierAsPrinted",),
        "title": ("label",),
        "overview": ("overview",),
        "targetPatients": ("targetPatients",),
        "tableRow": ("tableRow",),
        "sponsor": ("sponsor", "sponsorName"),
        "product": ("product",),
        "substance": ("substance",),
    },
    "program": {
        **_SOURCE,
        "nctId": ("registryId",),
        "title": ("label",),
        "summary": ("overview",),
        "sponsor": ("sponsor", "sponsorName"),
        "tableRow": ("tableRow",),
        "substance": ("substance",),
    },
    "study": {
        **_SOURCE,
        "title": ("label",),
        "population": ("population",),
        "country": ("country",),
        "referenceNumber": ("referenceNumber",),
        "substance": ("substance",),
        "measurements": ("measurement",),
    },
    "measurement": {
        **_SOURCE,
        "measure": ("measure",),
        "arm": ("arm",),
        "value": ("value",),
        "unit": ("unit",),
        "ciLow": ("ciLow",),
        "ciHigh": ("ciHigh",),
        "ciLevel": ("ciLevel",),
        "pValue": ("pValue",),
        "patients": ("patients", "armPatients"),
    },
    "source": {
        **_LABEL,
        "referenceNumber": ("referenceNumber",),
        "citation": ("citation",),
    },
    "concept": {**_LABEL},  # Role and Party: their other fields come from the IRI
    "jurisdiction": {**_LABEL, "code": ("code",), "frameworks": ("framework",)},
    "framework": {
        **_LABEL,
        **_SOURCE,
        "code": ("code",),
        "description": ("description",),
        "jurisdiction": ("jurisdiction",),
        "instruments": ("instrument",),
        "legalBasis": ("clause",),
        "obligations": ("obligation",),
        "eligibility": ("criterion",),
    },
    "instrument": {
        **_LABEL,
        "altLabels": ("altLabel",),
        "description": ("description",),
        "clauses": ("clause",),
    },
    "clause": {
        **_LABEL,
        **_SOURCE,
        "number": ("number",),
        "text": ("text",),
        "description": ("description",),
        "tableRow": ("tableRow",),
        "instrument": ("instrument",),
        "parent": ("parent",),
        "children": ("child",),
        "obligations": ("obligation",),
    },
    "obligation": {
        **_LABEL,
        **_SOURCE,
        "action": ("action",),
        "deadline": ("deadline",),
        "frameworkCode": ("code",),
        "role": ("role",),
        "roles": ("role",),
        "deadlineTrigger": ("deadlineTrigger",),
        "beforeEvent": ("beforeEvent",),
        "reviewedBy": ("reviewedBy",),
        "reportedTo": ("reportedTo",),
        "framework": ("framework",),
        "clause": ("clause",),
    },
    "aspect": {**_LABEL, **_SOURCE, "tableRow": ("tableRow",)},
    "cell": {
        **_SOURCE,
        "text": ("text",),
        "obligations": ("obligation",),
        "criteria": ("criterion",),
    },
    "criterion": {
        "number": ("number",),
        "text": ("label",),
        "framework": ("framework",),
        "clause": ("clause",),
    },
}
"""Query name -> GraphQL field -> the record keys it reads. Fields not listed read none."""


def keys_for(
    name: str, selections: Iterable[SelectionNode], extra: Iterable[str] = ()
) -> frozenset[str] | None:
    """Return the record keys ``selections`` of a ``name`` object read, or ``None`` for all.

    ``type`` (which each type query answers for every resource it finds) is not among them:
    :func:`~graphql_api.types.common.load_objects` adds it when it must learn whether an IRI
    exists at all. Fragments, and types without a table here, fall back to every key.

    >>> from graphql import parse
    >>> selections = parse("{ registryId title }").definitions[0].selection_set.selections
    >>> sorted(keys_for("trial", selections))
    ['label', 'registryId']
    """
    table = FIELD_KEYS.get(name)
    if table is None:
        return None
    keys = set(extra)
    for selection in selections:
        if not isinstance(selection, FieldNode):
            return None
        keys.update(table.get(selection.name.value, ()))
    return frozenset(keys)
