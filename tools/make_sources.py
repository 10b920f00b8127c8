"""Write data/sources.ttl: the paper, its locations (tables, figures, sections, references) and
the public sources cited beside it.

data/sources.ttl is generated: never edit it by hand. Change this file (a public source beside
the paper goes into EXTERNAL) and regenerate:

    .venv/bin/python tools/make_sources.py SEED > data/sources.ttl

where SEED is ../shared/seed/000_c0e6017da1bb52c3.txt beside the repository.

tests/data/test_turtle_style.py checks the output against the house style and that the
committed file is what this tool writes. Reference citations are copied from the paper's
reference list (the citation is the fact).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SECTIONS = [
    ("abstract", "Abstract"),
    ("background", "Background"),
    (
        "comparison",
        "Comparison of regulations for the provision of OOS products in the three "
        "regulatory authorities",
    ),
    ("conclusions", "Conclusions"),
    ("eu-regulations", "Regulations regarding the provision of OOS products in Europe"),
    ("japan-current", "Current state and challenges of providing OOS products in Japan"),
    ("japan-direct-challenges", "A Direct challenges"),
    ("japan-indirect-challenges", "B Indirect challenges"),
    ("new-framework", "Establishment of a new framework"),
    ("pics-annex-2a", "PIC/S Guide to GMP Annex 2A, Sects. 6.11-6.13, as quoted in the paper"),
    ("proposed-framework", "Proposed framework for sustainable compassionate use in Japan"),
    ("us-regulations", "Regulations regarding the provision of OOS products in the United States"),
]
TABLES = {
    1: "Examples of OOS products provided under EAP",
    2: "Comparison of regulatory mechanisms for the provision of OOS products in the regions "
    "of the United States, European Union, and Japan",
    3: "List of approved regenerative medicine in Japan",
    4: "List of clinical trials for the provision of OOS products in Japan",
    5: "Consideration of streamlining in clinical trials for provision of OOS products",
    6: "New framework for ethical provision of OOS products",
}
FIGURES = {
    1: "OOS product provision flow",
    2: "Issues of OOS product provision in clinical trials",
    3: "Order of consideration of the system for supplying OOS products",
}
AUTHORS = [
    "Masao Sasai", "Yayoi Kitawaki", "Akihiro Umezawa", "Yoshinori Oie", "Takahiro Kamiya",
    "Takuji Kawamura", "Yoji Sato", "Satoshi Hosoya", "Hiroyuki Sugawara", "Kazuto Yamada",
    "Hiroshi Izumoto", "Yoshiyuki Mae", "Tohru Kuroda", "Kiyoshi Okada",
]  # fmt: skip
TITLE = (
    "Challenges and opportunities in the compassionate use of out-of-specification products "
    "in autologous regenerative medicine"
)
CITATION = (
    "Sasai M, Kitawaki Y, Umezawa A, Oie Y, Kamiya T, Kawamura T, Sato Y, Hosoya S, "
    "Sugawara H, Yamada K, Izumoto H, Mae Y, Kuroda T, Okada K. " + TITLE + ". Review, open "
    "access. Published online 13 May 2025."
)
ECFR_312 = "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-D/part-312/subpart-I/"
# Public sources beside the paper: (slug, English label, web address). Other helpers add theirs
# here; the slug becomes src:<slug>.
EXTERNAL = [
    (
        "cfr-21-312-305",
        "21 CFR 312.305 (expanded access: requirements for all uses)",
        ECFR_312 + "section-312.305",
    ),
    (
        "cfr-21-312-310",
        "21 CFR 312.310 (expanded access: individual patients, including for emergency use)",
        ECFR_312 + "section-312.310",
    ),
    (
        "cfr-21-312-315",
        "21 CFR 312.315 (expanded access: intermediate-size patient populations)",
        ECFR_312 + "section-312.315",
    ),
    (
        "cfr-21-312-320",
        "21 CFR 312.320 (treatment IND or treatment protocol)",
        ECFR_312 + "section-312.320",
    ),
    # In-force dates (oos:inForceFrom in data/regulations.ttl).
    (
        "fr-2009-08-13-expanded-access-final-rule",
        "Federal Register 74 FR 40900, 13 August 2009: Expanded Access to Investigational Drugs "
        "for Treatment Use, final rule on 21 CFR 312.300-312.320 (effective 13 October 2009)",
        "https://www.govinfo.gov/content/pkg/FR-2009-08-13/html/E9-19005.htm",
    ),
    (
        "gmp-publications-eudralex-vol-4-part-iv",
        "GMP Publications: EudraLex Volume 4, Guidelines on Good Manufacturing Practice "
        "specific to Advanced Therapy Medicinal Products (adopted 22 November 2017, in "
        "operation 22 May 2018)",
        "https://gmppublications.com/product281.html",
    ),
    (
        "nsf-eu-atmp-gmp-guidance-review",
        "NSF white paper: review of the EU ATMP GMP guidance, which comes into force on "
        "22 May 2018",
        "https://www.nsf.org/knowledge-library/white-paper-review-of-eu-atmp-gmp-guidance",
    ),
    # European sources beyond the paper's own citations (data/regulations.ttl cites these).
    (
        "eudralex-vol-4-part-iv-11-5",
        "EudraLex Volume 4, Part IV (GMP specific to ATMPs), section 11.5, paragraphs "
        "11.53-11.54: administration of out-of-specification products",
        "https://health.ec.europa.eu/medicinal-products/eudralex/eudralex-volume-4_en",
    ),
    (
        "raps-2019-06-25-ema-qa-oos-atmp",
        "Regulatory Focus (RAPS), 25 June 2019: EMA offers Q&A on using OOS batches of "
        "authorized ATMPs (EMA/CAT/224381/2019 released that day; notification within 48 hours)",
        "https://www.raps.org/news-and-articles/news-articles/2019/6/"
        "ema-offers-qa-on-using-oos-batches-of-authorized",
    ),
    # Brand spellings the paper gives two ways or misspells (data/products.ttl cites these).
    (
        "biopharma-reporter-2021-09-27-alofisel",
        "BioPharma-Reporter, 27 September 2021: Japan approves Takeda's Alofisel (darvadstrocel)",
        "https://biopharma-reporter.com/Article/2021/09/27/"
        "Japan-backs-Takeda-stem-cell-therapy-targeting-Crohn-s-disease",
    ),
    (
        "ijms-2023-24-8926",
        "Int J Mol Sci 2023;24(10):8926: first cases of the oral mucosal epithelial cell sheet "
        "Ocural, launched in Japan in June 2021",
        "https://doi.org/10.3390/ijms24108926",
    ),
]
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "oos": "https://w3id.org/oos-kg/ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "src": "https://w3id.org/oos-kg/source/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
HEADER = """\
# Sources: the review every fact in oos-kg comes from, its locations (tables, figures,
# sections, references) and the public sources cited beside it; every dcterms:source points here.
# Generated by tools/make_sources.py from the seed text: do not edit by hand; change the tool
# (public sources go into its EXTERNAL list) and regenerate. Keep the order below.
"""


def literal(text: str, lang: str | None = None) -> str:
    """Return a Turtle string literal, escaped, with an optional language tag.

    >>> literal('say "hi"', "en")
    '"say \\\\"hi\\\\""@en'

    Raises:
        ValueError: when the text spans lines (house style: single-line literals only).
    """
    if "\n" in text or "\r" in text:
        raise ValueError(f"multi-line literal: {text[:40]!r}")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def block(subject: str, kind: str, label: str, middle: list[tuple[str, list[str]]]) -> str:
    """Return one subject block in house order: a, rdfs:label, then the other predicates.

    Args:
        subject: the subject as written (``src:paper-table-1``).
        kind: its class as written.
        label: its English label.
        middle: (predicate, objects) pairs; written in ASCII order of the predicate, objects
            sorted, one per line.

    Returns:
        The block text, ending with a newline.

    Raises:
        ValueError: when a predicate comes twice or has no object.
    """
    predicates = [pred for pred, _ in middle]
    if len(set(predicates)) != len(predicates) or any(not objs for _, objs in middle):
        raise ValueError(f"{subject}: repeated predicate or predicate without object")
    lines = [f"    a {kind}", f"    rdfs:label {literal(label, 'en')}"]
    for pred, objs in sorted(middle):
        lines.append(f"    {pred} " + " ,\n        ".join(sorted(objs)))
    return f"{subject}\n" + " ;\n".join(lines) + " .\n"


def references(seed: str) -> list[tuple[str, list[str]]]:
    """Return the paper's references in order: (citation text, DOI links).

    Raises:
        ValueError: when the seed has no reference list.
    """
    if "## References" not in seed:
        raise ValueError("no '## References' heading in the seed")
    body = seed.split("## References", 1)[1].split("## Publisher", 1)[0]
    items = [ln for ln in body.splitlines() if re.match(r"^(- |\d+\. )", ln)]
    out = []
    for line in items:
        text = re.sub(r"^(- |\d+\. )", "", line).strip()
        links = re.findall(r"<(https?://[^>]+)>", text)
        links += [u.replace("\\_", "_") for u in re.findall(r"\]\((https?://[^)]+)\)", text)]
        text = re.sub(r"\s*<https?://[^>]+>\.?", "", text)
        text = re.sub(r"\s*\[[^\]]+\]\(https?://[^)]+\)\.?", "", text)
        text = text.replace("*", "").replace("\\_", "_").strip()
        out.append((text, [u for u in links if "doi.org" in u]))
    return out


def render(seed: str) -> str:
    """Return the whole of data/sources.ttl for the given seed text.

    Raises:
        ValueError: when the seed does not have the paper's 36 references.
    """
    refs = references(seed)
    if len(refs) != 36:
        raise ValueError(f"expected 36 references in the seed, found {len(refs)}")
    sections: list[tuple[str, list[str]]] = []
    paper = block(
        "src:paper",
        "oos:SourceDocument",
        TITLE,
        [
            ("dcterms:bibliographicCitation", [literal(CITATION)]),
            ("dcterms:creator", [literal(a) for a in AUTHORS]),
            ("dcterms:dateAccepted", ['"2025-04-11"^^xsd:date']),
            ("dcterms:issued", ['"2025-05-13"^^xsd:date']),
            ("dcterms:title", [literal(TITLE, "en")]),
        ],
    )
    sections.append(("The paper", [paper]))
    part_of = ("dcterms:isPartOf", ["src:paper"])
    sections.append(
        (
            "Sections",
            [
                block(
                    f"src:paper-section-{slug}",
                    "oos:SourceLocation",
                    f"Section: {title}",
                    [part_of],
                )
                for slug, title in SECTIONS
            ],
        )
    )
    tables = []
    for n, title in TABLES.items():
        tables.append(
            block(f"src:paper-table-{n}", "oos:SourceLocation", f"Table {n}: {title}", [part_of])
        )
        if n == 3:
            tables.append(
                block(
                    "src:paper-table-3-footnote",
                    "oos:SourceLocation",
                    "Table 3, footnotes (NA; withdrawals of Collategene and Heart Sheet)",
                    [("dcterms:isPartOf", ["src:paper-table-3"])],
                )
            )
    sections.append(("Tables", tables))
    sections.append(
        (
            "Figures",
            [
                block(
                    f"src:paper-figure-{n}", "oos:SourceLocation", f"Fig. {n}: {title}", [part_of]
                )
                for n, title in FIGURES.items()
            ],
        )
    )
    ref_blocks = []
    for i, (text, dois) in enumerate(refs, start=1):
        middle = [
            ("dcterms:bibliographicCitation", [literal(text)]),
            part_of,
            ("oos:referenceNumber", [str(i)]),
        ]
        if dois:
            middle.append(("rdfs:seeAlso", [f"<{dois[0]}>"]))
        ref_blocks.append(
            block(f"src:paper-reference-{i:02d}", "oos:SourceLocation", f"Reference {i}", middle)
        )
    sections.append(("References of the paper", ref_blocks))
    sections.append(
        (
            "Public sources beside the paper",
            [
                block(f"src:{slug}", "oos:SourceDocument", label, [("rdfs:seeAlso", [f"<{url}>"])])
                for slug, label, url in EXTERNAL
            ],
        )
    )
    body = "".join(
        f"\n# ---- {title} ----\n" + "".join("\n" + b for b in sorted(blocks, key=_local))
        for title, blocks in sections
    )
    used = {p for p in PREFIXES if re.search(rf"(?<![\w-]){p}:", body)}
    prefixes = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in sorted(used))
    return HEADER + prefixes + body


def _local(block_text: str) -> str:
    return block_text.split("\n", 1)[0].split(":", 1)[1]


def main(argv: list[str]) -> int:
    """Write the Turtle for the seed file named in ``argv`` to standard output.

    Raises:
        ValueError: when the seed is not the paper's text.
    """
    if len(argv) != 2:
        sys.stderr.write("usage: make_sources.py SEED > data/sources.ttl\n")
        return 2
    sys.stdout.write(render(Path(argv[1]).read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
