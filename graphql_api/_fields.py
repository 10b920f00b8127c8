"""Which record keys each GraphQL field reads, per type query, so a level fetches only what the
request selects (one query per type and level, with only the UNION branches it needs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from graphql import FieldNode, SelectionNode

__all__ = ["FIELD_KEYS", "keys_for"]

_APPROVAL = {
    "date": "approvalDate",
    "kind": "approvalKind",
    "withdrawnOn": "withdrawnOn",
    "jurisdiction": "approvedIn",
}
_APPROVAL_FACTS = ("approvalDate", "approvalKind", "withdrawnOn")
"""A product has an approval (``Product.approval`` is not null) when any of these is there."""


def _approval_keys(node: FieldNode) -> Iterable[str]:
    """The keys ``Product.approval`` reads for the fields selected under it: each field's own,
    and what tells whether there is an approval at all: the one fact key of
    ``_APPROVAL_FACTS`` not selected, or the ``approval`` key (an approval with any of them)
    when two or three are not."""
    keys: set[str] = set()
    for selection in node.selection_set.selections if node.selection_set else ():
        if not isinstance(selection, FieldNode):  # a fragment: every field
            keys = set(_APPROVAL.values())
            break
        if selection.name.value in _APPROVAL:
            keys.add(_APPROVAL[selection.name.value])
    missing = [key for key in _APPROVAL_FACTS if key not in keys]
    if len(missing) == 1:
        keys.update(missing)
    elif missing:
        keys.add("approval")
    return keys


_LABEL = {"label": ("label",)}
_SOURCE = {"source": ("source",)}

FIELD_KEYS: Mapping[str, Mapping[str, tuple[str, ...] | Callable[[FieldNode], Iterable[str]]]] = {
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
        "approval": _approval_keys,
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
"""Query name -> GraphQL field -> the record keys it reads (or how to find them from the
field's own selections). Fields not listed read none."""


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
    >>> def approval(fields):
    ...     document = parse("{ approval { " + fields + " } }")
    ...     return sorted(keys_for("product", document.definitions[0].selection_set.selections))
    >>> approval("date"), approval("date kind")
    (['approval', 'approvalDate'], ['approvalDate', 'approvalKind', 'withdrawnOn'])
    """
    table = FIELD_KEYS.get(name)
    if table is None:
        return None
    keys = set(extra)
    for selection in selections:
        if not isinstance(selection, FieldNode):
            return None
        read = table.get(selection.name.value, ())
        keys.update(read(selection) if callable(read) else read)
    return frozenset(keys)
