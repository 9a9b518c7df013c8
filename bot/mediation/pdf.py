"""The mediation certificate as a PDF (fpdf2), built from the stored record each time.

DejaVu Sans is used when the machine has it (every name prints, whatever its
alphabet); otherwise the PDF core font Helvetica, with letters it cannot print
replaced by their closest plain form.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import List, Optional, Tuple

from fpdf import FPDF

from bot.mediation.models import Certificate
from bot.mediation.service import (
    SOURCE_CERTIFICATE_AFTER_MEDIATION,
    appeal_by_words,
    certificate_appeal_text,
    verify_url,
)
from bot.redress.checker import APPEAL_SUBJECTS
from bot.redress.dates import format_long
from bot.redress.deadlines import SOURCE_CERTIFICATE
from bot.settings import Settings, get_settings

FONT_FOLDERS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
ROLE_WORDS = {"parent": "Parent or carer", "young_person": "Young person"}
KIND_TITLES = {
    "not_pursuing": "Mediation certificate",
    "after_mediation": "Mediation certificate (after mediation)",
    "deemed": "Mediation certificate (mediation not arranged within 30 days)",
}


def _unicode_font() -> Optional[Tuple[str, str]]:
    for folder in FONT_FOLDERS:
        regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return str(regular), str(bold)
    return None


def statement(certificate: Certificate) -> str:
    """What the certificate certifies, in words the tribunal and the family can read."""
    who = certificate.requester_name
    if certificate.kind == "not_pursuing":
        return (
            f"{who} contacted the mediation adviser of this service about the decision above, was given "
            "information about mediation, and decided not to pursue mediation. "
            f"(CFA 2014 s.55; {SOURCE_CERTIFICATE})"
        )
    if certificate.kind == "after_mediation":
        ended = format_long(certificate.mediation_held_on) if certificate.mediation_held_on else "the date recorded"
        return (
            f"{who} took part in mediation with {certificate.local_authority} about the decision above. "
            f"The mediation ended on {ended}. ({SOURCE_CERTIFICATE_AFTER_MEDIATION})"
        )
    return (
        f"{who} asked for mediation about the decision above and it could not be arranged within 30 days. "
        "This certificate is issued so that an appeal can go ahead; mediation can still take place later. "
        f"({SOURCE_CERTIFICATE_AFTER_MEDIATION})"
    )


def certificate_lines(certificate: Certificate, settings: Settings) -> List[Tuple[str, str]]:
    """(label, value) pairs printed on the certificate, in order."""
    lines = [
        ("Reference", certificate.reference),
        (ROLE_WORDS[certificate.requester_role], certificate.requester_name),
    ]
    if certificate.requester_role == "parent" or certificate.child_name != certificate.requester_name:
        lines.append(("Child or young person", certificate.child_name))
    lines += [
        ("Local authority", certificate.local_authority),
        ("Decision", APPEAL_SUBJECTS.get(certificate.about, certificate.about)),
        ("Date of the decision letter", format_long(certificate.decision_date)),
        ("Date of issue", format_long(certificate.issued_on)),
        ("Appeal deadline", appeal_by_words(certificate)),
    ]
    return lines


def certificate_pdf(certificate: Certificate, settings: Optional[Settings] = None) -> bytes:
    settings = settings or get_settings()
    pdf = FPDF(format="A4")
    pdf.set_title(f"{KIND_TITLES[certificate.kind]} {certificate.reference}")
    pdf.set_author(settings.service_name)
    pdf.set_creator(settings.service_name)
    pdf.set_lang("en-GB")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    fonts = _unicode_font()
    if fonts:
        pdf.add_font("Body", "", fonts[0])
        pdf.add_font("Body", "B", fonts[1])
        family, clean = "Body", (lambda text: text)
    else:
        family, clean = "Helvetica", _latin1
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font(family, "B", 12)
    pdf.multi_cell(width, 6, clean(settings.service_name), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "B", 20)
    pdf.multi_cell(width, 10, clean(KIND_TITLES[certificate.kind]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if certificate.status == "revoked":
        # A revoked certificate must never pass for a valid one, printed or on screen (issue 21).
        pdf.set_text_color(212, 53, 28)
        pdf.set_font(family, "B", 16)
        revoked_on = format_long(certificate.revoked_at.date()) if certificate.revoked_at else "a date recorded"
        pdf.multi_cell(
            width,
            8,
            clean(f"REVOKED on {revoked_on}: this certificate is no longer valid."),
            border=1,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
        pdf.ln(4)

    for label, value in certificate_lines(certificate, settings):
        pdf.set_font(family, "B", 11)
        pdf.multi_cell(width, 6, clean(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 11)
        pdf.multi_cell(width, 6, clean(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    pdf.ln(2)
    pdf.set_font(family, "", 11)
    for paragraph in (
        statement(certificate),
        certificate_appeal_text(certificate),
        "Send a copy of this certificate with your appeal to the First-tier Tribunal (SEND).",
        f"Anyone can check that this certificate is valid at {verify_url(certificate.reference, settings)}",
    ):
        pdf.multi_cell(width, 6, clean(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    """Helvetica prints Latin-1 only: keep what it can, strip accents from the rest."""
    out = []
    for ch in text.replace("\u2019", "'").replace("\u2013", "-"):
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(plain or "?")
    return "".join(out)
