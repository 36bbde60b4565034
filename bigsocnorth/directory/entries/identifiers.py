"""Organisation identifiers in org-id form: a registration scheme, a hyphen, the identifier.

The schemes and the shape of their identifiers are public facts listed by
the org-id register (org-id.guide). Only the UK schemes that groups in the
North are likely to hold are accepted; the check catches typing mistakes,
it cannot prove that a number belongs to the group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    pattern: re.Pattern
    example: str
    # Leading zeros some registers print and people often leave out.
    zero_pad_to: int = 0


SCHEMES: dict[str, Scheme] = {
    scheme.code: scheme
    for scheme in [
        Scheme("GB-CHC", _("Charity Commission for England and Wales"),
               re.compile(r"\d{6,7}"), "GB-CHC-1123456"),
        Scheme("GB-SC", _("Scottish Charity Register"), re.compile(r"SC\d{6}"), "GB-SC-SC012345"),
        Scheme("GB-NIC", _("Charity Commission for Northern Ireland"),
               re.compile(r"1\d{5}"), "GB-NIC-100012"),
        Scheme("GB-COH", _("Companies House"),
               re.compile(r"\d{8}|[A-Z]{2}\d{6}|[A-Z]{2}\d{5}[A-Z]"), "GB-COH-09876543",
               zero_pad_to=8),
        Scheme("GB-MPR", _("Mutuals Public Register"),
               re.compile(r"(?:IP|RS|CS)?\d{1,6}[A-Z]?"), "GB-MPR-30195R"),
        Scheme("GB-EDU", _("Department for Education (school or college URN)"),
               re.compile(r"\d{6}"), "GB-EDU-107654"),
        Scheme("GB-UKPRN", _("UK Register of Learning Providers"),
               re.compile(r"1\d{7}"), "GB-UKPRN-10001234"),
        Scheme("GB-NHS", _("NHS Organisation Data Service"),
               re.compile(r"[A-Z0-9]{3,6}"), "GB-NHS-RHQ"),
        Scheme("GB-LAE", _("Local authorities in England"),
               re.compile(r"[A-Z]{3,4}"), "GB-LAE-SHF"),
        Scheme("GB-GOR", _("UK Government Organisation Register"),
               re.compile(r"[A-Z]{1,2}\d{1,5}"), "GB-GOR-D1234"),
        Scheme("GB-REV", _("HM Revenue and Customs charity reference"),
               re.compile(r"[A-Z]{1,2}\d{3,6}"), "GB-REV-AB12345"),
        Scheme("GB-SHPE", _("Social housing providers in England"),
               re.compile(r"[A-Z]?\d{4,5}"), "GB-SHPE-L1234"),
    ]
}  # fmt: skip

_SHAPE = re.compile(r"(?P<scheme>[A-Z]{2}-[A-Z]{2,6})[-\s]+(?P<value>[A-Z0-9][A-Z0-9 ]*)")


class InvalidIdentifier(ValueError):
    """The text is not an org-id identifier of a known scheme; the message says why."""


def identifier_parse(text: str) -> tuple[str, str]:
    """(scheme, value) from text such as "GB-CHC-1123456" or "gb-coh 9876543".

    Case and spaces are forgiven; a Companies House number gets its leading
    zeros. Raises InvalidIdentifier with a message a person can act on.
    """
    cleaned = " ".join(str(text).split()).upper()
    match = _SHAPE.fullmatch(cleaned)
    if match is None:
        raise InvalidIdentifier(
            _(
                "“%(text)s” is not in org-id form: the scheme, a hyphen and the number, "
                "for example GB-CHC-1123456 for a registered charity."
            )
            % {"text": cleaned[:60]}
        )
    scheme = SCHEMES.get(match["scheme"])
    if scheme is None:
        raise InvalidIdentifier(
            _("“%(code)s” is not a scheme we know. Use one of: %(codes)s.")
            % {"code": match["scheme"], "codes": ", ".join(SCHEMES)}
        )
    value = match["value"].replace(" ", "")
    if scheme.zero_pad_to and value.isdigit():
        value = value.zfill(scheme.zero_pad_to)
    if not scheme.pattern.fullmatch(value):
        raise InvalidIdentifier(
            _(
                "“%(value)s” does not look like a %(name)s identifier. "
                "It should look like %(example)s."
            )
            % {"value": value, "name": scheme.name, "example": scheme.example}
        )
    return scheme.code, value
