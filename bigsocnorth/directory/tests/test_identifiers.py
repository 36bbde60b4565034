import pytest

from bigsocnorth.directory.entries.identifiers import InvalidIdentifier, identifier_parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GB-CHC-1123456", ("GB-CHC", "1123456")),
        ("gb-chc 220949", ("GB-CHC", "220949")),
        ("  GB-COH-9876543 ", ("GB-COH", "09876543")),
        ("GB-COH-SC123456", ("GB-COH", "SC123456")),
        ("GB-MPR-30195R", ("GB-MPR", "30195R")),
        ("GB-MPR-IP28412R", ("GB-MPR", "IP28412R")),
        ("GB-SC-SC012345", ("GB-SC", "SC012345")),
        ("GB-EDU-107654", ("GB-EDU", "107654")),
        ("GB-LAE-SHF", ("GB-LAE", "SHF")),
    ],
)
def test_identifiers_in_org_id_form_are_accepted_and_normalised(text, expected):
    assert identifier_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1123456", "not in org-id form"),
        ("GB-CHC-", "not in org-id form"),
        ("GB-XYZ-123", "not a scheme we know"),
        ("GB-CHC-12345", "does not look like"),
        ("GB-CHC-12345678", "does not look like"),
        ("GB-COH-ABC", "does not look like"),
        ("GB-EDU-<script>", "not in org-id form"),
        ("GB-CHC-" + "1" * 5000, "does not look like"),
    ],
)
def test_wrong_identifiers_say_what_is_wrong(text, says):
    with pytest.raises(InvalidIdentifier) as error:
        identifier_parse(text)
    assert says in str(error.value)
