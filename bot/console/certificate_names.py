"""The certificate's PDF in the console shows the family's names only after a reason (issue 21, gap 10).

The console's PDF of a certificate (bot.console.certificates_web) prints "[name hidden]" where
the parent's or young person's and the child's names go. A member of staff who needs them (to
send a copy, to answer the tribunal) gives a reason first, as for a transcript: the PDF with
the names follows, and the reason goes in the audit log with the download
("certificate_pdf_viewed"). The PDF is drawn by the certificates feature (bot.mediation.pdf)
from a copy of the certificate, so nothing stored changes.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from bot.mediation.models import Certificate

HIDDEN = "[name hidden]"


def names_hidden(certificate: Certificate) -> Any:
    """A copy of `certificate` for the PDF with both names hidden (one HIDDEN when they were the
    same: a young person who asked for themselves is named once)."""
    values = {column.key: getattr(certificate, column.key) for column in sa.inspect(Certificate).columns}
    values["requester_name"] = HIDDEN
    values["child_name"] = HIDDEN if certificate.child_name == certificate.requester_name else "[child's name hidden]"
    return SimpleNamespace(**values)
