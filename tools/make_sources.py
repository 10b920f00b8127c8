"""Write data/sources.ttl: the paper and its locations (tables, figures, sections, references).

Run once by hand when the seed changes: python tools/make_sources.py SEED > data/sources.ttl.
The reference citations are copied from the paper's reference list (the citation is the fact).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SECTIONS = [
    ("abstract", "Abstract"),
    ("background", "Background"),
    ("comparison", "Comparison of regulations for the provision of OOS products in the three regulatory authorities"),
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
    2: "Comparison of regulatory mechanisms for the provision of OOS products in the regions of the United States, European Union, and Japan",
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
]
EXTERNAL = [
    ("cfr-21-312-305", "21 CFR 312.305 (expanded access: requirements for all uses)",
     "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-D/part-312/subpart-I/section-312.305"),
    ("cfr-21-312-310", "21 CFR 312.310 (expanded access: individual patients, including for emergency use)",
     "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-D/part-312/subpart-I/section-312.310"),
    ("cfr-21-312-315", "21 CFR 312.315 (expanded access: intermediate-size patient populations)",
     "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-D/part-312/subpart-I/section-312.315"),
    ("cfr-21-312-320", "21 CFR 312.320 (treatment IND or treatment protocol)",
     "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-D/part-312/subpart-I/section-312.320"),
    # European instruments beyond the paper's own citations (data/regulations.ttl cites these).
    ("eudralex-vol-4-part-iv-11-5",
     "EudraLex Volume 4, Part IV (GMP specific to ATMPs), section 11.5, paragraphs 11.53-11.54: administration of out-of-specification products",
     "https://health.ec.europa.eu/medicinal-products/eudralex/eudralex-volume-4_en"),
    ("raps-2019-06-25-ema-qa-oos-atmp",
     "Regulatory Focus (RAPS), 25 June 2019: EMA offers Q&A on using OOS batches of authorized ATMPs (EMA/CAT/224381/2019 released that day; notification within 48 hours)",
     "https://www.raps.org/news-and-articles/news-articles/2019/6/ema-offers-qa-on-using-oos-batches-of-authorized"),
    # Brand spellings the paper gives two ways or misspells (data/products.ttl cites these).
    ("biopharma-reporter-2021-09-27-alofisel",
     "BioPharma-Reporter, 27 September 2021: Japan approves Takeda's Alofisel (darvadstrocel)",
     "https://biopharma-reporter.com/Article/2021/09/27/Japan-backs-Takeda-stem-cell-therapy-targeting-Crohn-s-disease"),
    ("ijms-2023-24-8926",
     "Int J Mol Sci 2023;24(10):8926: first cases of the oral mucosal epithelial cell sheet Ocural, launched in Japan in June 2021",
     "https://doi.org/10.3390/ijms24108926"),
]


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def references(seed: str) -> list[tuple[str, list[str]]]:
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


def main() -> None:
    seed = Path(sys.argv[1]).read_text(encoding="utf-8")
    refs = references(seed)
    assert len(refs) == 36, len(refs)
    w = sys.stdout.write
    w("# Sources: the review every fact in oos-kg comes from, its locations (tables, figures,\n")
    w("# sections, references) and the few public sources cited beside it. Generated once by\n")
    w("# tools/make_sources.py from the seed text, then kept by hand; keep the order below.\n")
    for p, iri in [
        ("dcterms", "http://purl.org/dc/terms/"),
        ("oos", "https://w3id.org/oos-kg/ontology#"),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
        ("src", "https://w3id.org/oos-kg/source/"),
        ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ]:
        w(f"@prefix {p}: <{iri}> .\n")
    w("\n# ---- The paper ----\n\n")
    w("src:paper\n    a oos:SourceDocument ;\n")
    w('    rdfs:label "Challenges and opportunities in the compassionate use of out-of-specification products in autologous regenerative medicine"@en ;\n')
    w('    dcterms:bibliographicCitation "Sasai M, Kitawaki Y, Umezawa A, Oie Y, Kamiya T, Kawamura T, Sato Y, Hosoya S, Sugawara H, Yamada K, Izumoto H, Mae Y, Kuroda T, Okada K. Challenges and opportunities in the compassionate use of out-of-specification products in autologous regenerative medicine. Review, open access. Published online 13 May 2025." ;\n')
    authors = sorted(AUTHORS)
    w('    dcterms:creator ' + " ,\n        ".join(f'"{a}"' for a in authors) + " ;\n")
    w('    dcterms:dateAccepted "2025-04-11"^^xsd:date ;\n')
    w('    dcterms:issued "2025-05-13"^^xsd:date ;\n')
    w('    dcterms:title "Challenges and opportunities in the compassionate use of out-of-specification products in autologous regenerative medicine"@en .\n')

    w("\n# ---- Sections ----\n")
    for slug, title in sorted(SECTIONS):
        w(f"\nsrc:paper-section-{slug}\n    a oos:SourceLocation ;\n")
        w(f'    rdfs:label "Section: {esc(title)}"@en ;\n    dcterms:isPartOf src:paper .\n')
    w("\n# ---- Tables ----\n")
    for n, title in TABLES.items():
        w(f"\nsrc:paper-table-{n}\n    a oos:SourceLocation ;\n")
        w(f'    rdfs:label "Table {n}: {esc(title)}"@en ;\n    dcterms:isPartOf src:paper .\n')
        if n == 3:
            w("\nsrc:paper-table-3-footnote\n    a oos:SourceLocation ;\n")
            w('    rdfs:label "Table 3, footnotes (NA; withdrawals of Collategene and Heart Sheet)"@en ;\n')
            w("    dcterms:isPartOf src:paper-table-3 .\n")
    w("\n# ---- Figures ----\n")
    for n, title in FIGURES.items():
        w(f"\nsrc:paper-figure-{n}\n    a oos:SourceLocation ;\n")
        w(f'    rdfs:label "Fig. {n}: {esc(title)}"@en ;\n    dcterms:isPartOf src:paper .\n')
    w("\n# ---- References of the paper ----\n")
    for i, (text, dois) in sorted(enumerate(refs, start=1), key=lambda t: f"{t[0]:02d}"):
        w(f"\nsrc:paper-reference-{i:02d}\n    a oos:SourceLocation ;\n")
        w(f'    rdfs:label "Reference {i}"@en ;\n')
        w(f'    dcterms:bibliographicCitation "{esc(text)}" ;\n')
        w(f"    dcterms:isPartOf src:paper ;\n")
        if dois:
            w(f"    oos:referenceNumber {i} ;\n    rdfs:seeAlso <{dois[0]}> .\n")
        else:
            w(f"    oos:referenceNumber {i} .\n")
    w("\n# ---- Public sources beside the paper ----\n")
    for slug, label, url in sorted(EXTERNAL):
        w(f"\nsrc:{slug}\n    a oos:SourceDocument ;\n    rdfs:label \"{esc(label)}\"@en ;\n")
        w(f"    rdfs:seeAlso <{url}> .\n")


if __name__ == "__main__":
    main()
