"""The case checker's form: a pasted or uploaded case graph, within the limits of /validate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import FormData, UploadFile

from oos_kg.errors import InputError, PayloadTooLarge
from oos_kg.validation import INPUT_FORMATS, format_for_path, get_framework

__all__ = ["CaseForm", "read_case_form"]


@dataclass(frozen=True, slots=True)
class CaseForm:
    """A case graph sent through the form, and what to do with it."""

    data: bytes
    input_format: str
    source: str
    framework: str
    report: bool


async def read_case_form(form: FormData, limit: int) -> CaseForm:
    """Return the case of a submitted form: the uploaded file (its format from its name) or
    else the pasted text (its format from the form's ``format``).

    Raises:
        InputError: unknown framework or format, or no case given (400).
        UnsupportedMediaType: an uploaded file of an unknown extension (415).
        PayloadTooLarge: the case is over ``limit`` bytes (413).
    """
    framework = get_framework(str(form.get("framework") or "")).code
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        name = Path(upload.filename).name
        input_format = format_for_path(Path(name))
        data = await upload.read(limit + 1)
    else:
        name = "pasted case"
        input_format = str(form.get("format") or "turtle")
        if input_format not in INPUT_FORMATS:
            known = ", ".join(INPUT_FORMATS)
            raise InputError(f"unknown format {input_format!r}; use one of: {known}")
        data = str(form.get("case") or "").encode("utf-8")
    if len(data) > limit:
        raise PayloadTooLarge(f"the case is over {limit} bytes")
    if not data.strip():
        raise InputError("no case graph: paste one or choose a file")
    return CaseForm(data, input_format, name, framework, form.get("action") == "report")
